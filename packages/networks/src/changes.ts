import type { Change } from '@maillage/db';
import type { NetworkNames } from './names';
import type { InitiativeRow, LinkRow, MembershipRow, NetworkRow, ProvenanceColumns } from './rows';

/**
 * The outbox entries of a network subgraph (packages/db `recordChanges`): each names the entity by
 * its GraphQL type and id, enough for a cache to drop it, and carries the row after the change, so
 * the region's index applies it without reading the graph again. The payload is the row as this
 * subgraph stores it (dates as ISO instants); an initiative's carries its links and their agreement.
 */
/** The provenance a payload carries, so the region's index can leave derived facts out of a measure. */
const provenanceColumns = (row: ProvenanceColumns) => ({
  provenance: row.provenance,
  provenanceRule: row.provenanceRule,
  enteredBy: row.enteredBy,
  enteredAt: row.enteredAt,
});

export const membershipChange = (names: NetworkNames, row: MembershipRow): Change => ({
  entityType: names.types.membership,
  entityId: row.id,
  op: 'UPSERT',
  payload: {
    id: row.id,
    networkId: row.networkId,
    actorId: row.actorId,
    category: row.category,
    role: row.role,
    startDate: row.startDate,
    endDate: row.endDate,
    sources: row.sources,
    ...provenanceColumns(row),
  },
});

export const initiativeChange = (
  names: NetworkNames,
  row: InitiativeRow,
  links: Pick<LinkRow, 'role' | 'targetType' | 'targetId' | 'status' | 'proposedAt' | 'decidedAt'>[],
): Change => ({
  entityType: names.types.initiative,
  entityId: row.id,
  op: 'UPSERT',
  // Each link with its agreement status: the index counts confirmed links only, so a confirmation
  // (an UPSERT of the initiative) reaches the synergy measures like any other change.
  payload: {
    ...row,
    links: links.map((l) => ({
      role: l.role,
      targetType: l.targetType,
      targetId: l.targetId,
      status: l.status,
      proposedAt: l.proposedAt,
      decidedAt: l.decidedAt,
    })),
  },
});

/**
 * `changed`: the row's fields the write changed (none when it changed nothing), so that a follower
 * drops only what depends on them: the gateway's entity cache keeps the lists of networks through a
 * change of the member list's visibility, and every list of memberships through a rename.
 */
export const networkChange = (names: NetworkNames, row: NetworkRow, changed: (keyof NetworkRow)[]): Change => ({
  entityType: names.types.network,
  entityId: row.id,
  op: 'UPSERT',
  payload: {
    changed,
    id: row.id,
    subtype: row.subtype,
    name: row.name,
    shortName: row.shortName,
    actorId: row.actorId,
    parentId: row.parentId,
    scope: row.scope,
    startDate: row.startDate,
    endDate: row.endDate,
    membersPublic: row.membersPublic,
    ...provenanceColumns(row),
  },
});

/** Written by a seed, which changes rows wholesale: followers read everything again rather than one entry per row. */
export const reseedChange: Change = { entityType: '*', entityId: '*', op: 'RESEED' };
