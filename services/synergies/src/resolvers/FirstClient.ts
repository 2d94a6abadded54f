import type { FirstClientResolvers } from '../generated/resolvers';
import { actorRef } from '../references';

export const FirstClient: FirstClientResolvers = {
  buyer: (c) => actorRef(c.engine, c.actor),
  name: (c) => c.engine.ix.actors[c.actor].name,
  path: ({ engine, path }) => path.map((step) => ({ ...step, engine })),
};
