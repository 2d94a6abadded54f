import type { FeedChange } from '@maillage/subgraph-server';
import { entityTag, listTag, subgraphTag } from './entity-cache';

const NETWORK_TYPES = ['Chamber', 'Cluster', 'Council', 'Club'];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const ref = (typename: string, id: unknown): string[] => (str(id) ? [entityTag(typename, str(id)!)] : []);

/**
 * The cache tags a change-log entry of `subgraph` drops (entity-cache.ts `invalidateTags`). Every
 * entry is tagged with every entity it holds (the cache asks for their ids) and with the type of
 * every list its selection holds, so an entry names the entity that changed, and its payload (the
 * state after the change) the entities whose lists it enters, which hold it only once it is there:
 *
 * - a membership: itself, its actor (`Actor.<kind>Memberships`) and its network (`members`);
 * - an initiative: itself, its organiser (`initiatives`), every network or actor its links name
 *   (`coOrganisers`, `Actor.<kind>Initiatives`) and its place: every list of initiatives belongs to
 *   one of those, or holds the initiative already;
 * - an actor: itself, and every entry listing actors (a new or renamed one enters or moves in
 *   `Territory.actors`, ordered by name, whose territories are not in its payload); a role: itself
 *   and both actors it joins;
 * - a network: itself, which drops every entry holding it (its name through a membership's
 *   `network { name }`, its members, its count) and every entry showing one of its memberships (the
 *   cache asks for each membership's network, `VISIBILITY_DEPENDENCIES`). Beyond that, what its
 *   payload's `changed` names: a field other than the member list's visibility may move it in or
 *   into lists of its kind (`Territory.<kind>s` by name, reach and dates; an actor's, a parent's),
 *   hence `<Kind>[]`; a member list made public adds memberships to lists that do not hold the
 *   network yet (an actor's memberships, for viewers who could not read it), hence
 *   `<Kind>Membership[]`. A payload without `changed` (an older writer) drops both, as it may be either.
 *   A member list made private drops no list: every entry that showed its memberships holds it;
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
  if (network && type === network) return [own, ...networkLists(type, change)];
  if (network && type === `${network}Membership`) return [own, ...ref('Actor', p.actorId), ...ref(network, p.networkId)];
  if (network && type === `${network}Initiative`) {
    const links = Array.isArray(p.links) ? (p.links as { targetType?: unknown; targetId?: unknown }[]) : [];
    return [
      own,
      ...ref(network, p.networkId),
      ...links.flatMap((l) => (str(l.targetType) ? ref(str(l.targetType)!, l.targetId) : [])),
      ...ref('Territory', p.placeId),
    ];
  }
  return [subgraphTag(subgraph)];
}

/** The lists a network's change may add it or its memberships to (see `tagsOfChange`). */
function networkLists(type: string, change: FeedChange): string[] {
  const p = change.payload;
  const changed = Array.isArray(p?.changed) ? (p.changed as unknown[]).filter((f): f is string => typeof f === 'string') : undefined;
  // Without a payload (a deletion) or without `changed`, anything may have changed.
  const moved = !changed || changed.some((f) => f !== 'membersPublic');
  const shown = (!changed || changed.includes('membersPublic')) && p?.membersPublic !== false;
  return [...(moved ? [listTag(type)] : []), ...(shown ? [listTag(`${type}Membership`)] : [])];
}
