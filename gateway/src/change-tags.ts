import type { FeedChange } from '@maillage/subgraph-server';
import { entityTag, listTag, subgraphTag } from './entity-cache';

const NETWORK_TYPES = ['Chamber', 'Cluster', 'Council', 'Club'];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const ref = (typename: string, id: unknown): string[] => (str(id) ? [entityTag(typename, str(id)!)] : []);

/**
 * The cache tags a change-log entry of `subgraph` drops (entity-cache.ts `invalidateTags`). An
 * entry names the entity that changed; the payload (its state after the change) names the entities
 * whose fields list it, which hold it in their entries only once it was there before:
 *
 * - a membership: itself, its actor (`Actor.<kind>Memberships`) and its network (`members`);
 * - an initiative: itself, its organiser, every network or actor its links name, its place, and
 *   every entry listing initiatives of its type (a new one enters lists by date);
 * - an actor: itself, and every entry listing actors (a new or renamed one enters or moves in
 *   `Territory.actors`, ordered by name); a role: itself and both actors it joins;
 * - a network: everything of its subgraph, because what changes on a network (its member list made
 *   private) changes which memberships each visibility is shown, in entries that hold the
 *   memberships without the network; rare (an editor's toggle), so the coarse drop costs little;
 * - a reseed, or a type without a rule here: everything of its subgraph, so that a kind of entry
 *   added later is never served stale for want of a rule.
 */
export function tagsOfChange(subgraph: string, change: FeedChange): string[] {
  const { entityType: type, entityId: id } = change;
  const p = change.payload ?? {};
  const own = entityTag(type, id);
  if (change.op === 'RESEED') return [subgraphTag(subgraph)];
  if (type === 'Actor') return [own, listTag('Actor')];
  if (type === 'Role') return [own, ...ref('Actor', p.personId), ...ref('Actor', p.organisationId)];
  const network = NETWORK_TYPES.find((n) => type.startsWith(n));
  if (network && type === `${network}Membership`) return [own, ...ref('Actor', p.actorId), ...ref(network, p.networkId)];
  if (network && type === `${network}Initiative`) {
    const links = Array.isArray(p.links) ? (p.links as { targetType?: unknown; targetId?: unknown }[]) : [];
    return [
      own,
      listTag(type),
      ...ref(network, p.networkId),
      ...links.flatMap((l) => (str(l.targetType) ? ref(str(l.targetType)!, l.targetId) : [])),
      ...ref('Territory', p.placeId),
    ];
  }
  return [subgraphTag(subgraph)];
}
