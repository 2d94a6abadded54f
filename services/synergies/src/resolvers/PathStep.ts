import type { PathStepResolvers } from '../generated/resolvers';
import { actorRef, networkRef } from '../references';

export const PathStep: PathStepResolvers = {
  network: (s) => networkRef(s.engine, s.network),
  actor: (s) => actorRef(s.engine, s.actor),
};
