import type { ActorHitResolvers } from '../generated/resolvers';
import { actorRef } from '../references';

export const ActorHit: ActorHitResolvers = {
  actor: (h) => actorRef(h.engine, h.actor),
  name: (h) => h.engine.ix.actors[h.actor].name,
};
