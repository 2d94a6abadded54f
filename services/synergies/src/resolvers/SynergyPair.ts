import { limit } from '../arguments';
import type { SynergyPairResolvers } from '../generated/resolvers';
import { actorRef, networkRef } from '../references';

export const SynergyPair: SynergyPairResolvers = {
  networkA: (p) => networkRef(p.engine, p.a),
  networkB: (p) => networkRef(p.engine, p.b),
  sharedCount: (p) => p.shared,
  sharedMembers: ({ engine, sharedMembers }, { first }) => sharedMembers.slice(0, limit(first)).map((a) => actorRef(engine, a)),
  jointInitiatives: ({ engine, initiatives }, { first }) =>
    initiatives.slice(0, limit(first)).map((initiative) => ({ engine, initiative })),
  introducers: ({ engine, introducers }) => introducers.map((a) => actorRef(engine, a)),
  reasonDetails: ({ engine, why }) => why.map((r) => ({ ...r, engine })),
};
