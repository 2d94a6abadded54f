import type { SolutionCandidateResolvers } from '../generated/resolvers';
import { actorRef } from '../references';

export const SolutionCandidate: SolutionCandidateResolvers = {
  actor: (c) => actorRef(c.engine, c.actor),
  name: (c) => c.engine.ix.actors[c.actor].name,
  nearness: (c) => c.reach,
  path: ({ engine, path }) => path.map((step) => ({ ...step, engine })),
};
