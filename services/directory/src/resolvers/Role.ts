import { provenanceOf } from '@maillage/reference';
import type { Context } from '../context';
import type { Actor as ActorRow, Role as RoleRow } from '../generated/prisma/client';
import type { RoleResolvers } from '../generated/resolvers-types';

/** A role, membership or label is active until the day it ends. */
export const isActive = (endDate: Date | null, today = new Date()) => !endDate || endDate.getTime() > today.getTime();

/** A role's person and organisation are foreign keys: a missing one is a broken database. */
async function actor(row: Promise<ActorRow | null>, id: string) {
  const found = await row;
  if (!found) throw new Error(`actor ${id} is missing`);
  return found;
}

export const Role: RoleResolvers = {
  person: (r: RoleRow, _: unknown, { loaders }: Context) => actor(loaders.actor.load(r.personId), r.personId),
  organisation: (r: RoleRow, _: unknown, { loaders }: Context) => actor(loaders.actor.load(r.organisationId), r.organisationId),
  active: (r: RoleRow) => isActive(r.endDate),
  provenance: provenanceOf,
};
