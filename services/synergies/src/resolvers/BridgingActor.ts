import { limit } from '../arguments';
import type { BridgingActorResolvers } from '../generated/resolvers';
import { actorRef } from '../references';

export const BridgingActor: BridgingActorResolvers = {
  actor: (b) => actorRef(b.engine, b.actor),
  networkCount: (b) => b.networks,
  bridges: ({ engine, pairs }, { first }) => pairs.slice(0, limit(first)).map((p) => ({ ...p, engine })),
};
