import type { SynergyReasonResolvers } from '../generated/resolvers';
import { actorRef } from '../references';

export const SynergyReason: SynergyReasonResolvers = {
  actors: ({ engine, actors }) => actors.map((a) => actorRef(engine, a)),
  initiatives: ({ engine, initiatives }) => initiatives.map((initiative) => ({ engine, initiative })),
};
