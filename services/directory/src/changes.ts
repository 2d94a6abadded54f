import type { Change } from '@maillage/db';
import type { Actor, Role } from './generated/prisma/client';

/**
 * The directory's outbox entries (packages/db `recordChanges`): the entity's GraphQL type and id,
 * and its state after the change. Contact details (email, phone) stay out: the log is read by
 * services that index the region, and personal data has no business in their copies.
 */
export const actorChange = (a: Actor): Change => ({
  entityType: 'Actor',
  entityId: a.id,
  op: 'UPSERT',
  payload: {
    id: a.id,
    kind: a.kind,
    name: a.name,
    siren: a.siren,
    nafCode: a.nafCode,
    legalCategory: a.legalCategory,
    headcountBand: a.headcountBand,
    category: a.category,
    communeId: a.communeId,
    foundedOn: a.foundedOn,
    closedOn: a.closedOn,
    provenance: a.provenance,
    provenanceRule: a.provenanceRule,
    enteredBy: a.enteredBy,
    enteredAt: a.enteredAt,
  },
});

export const roleChange = (r: Role): Change => ({
  entityType: 'Role',
  entityId: r.id,
  op: 'UPSERT',
  payload: {
    id: r.id,
    personId: r.personId,
    organisationId: r.organisationId,
    title: r.title,
    startDate: r.startDate,
    endDate: r.endDate,
    provenance: r.provenance,
    enteredBy: r.enteredBy,
    enteredAt: r.enteredAt,
  },
});
