import type { Context } from '../context';
import type { Role as RoleRow } from '../generated/prisma/client';

/** A role, membership or label is active until the day it ends. */
export const isActive = (endDate: Date | null, today = new Date()) => !endDate || endDate.getTime() > today.getTime();

export const Role = {
  person: (r: RoleRow, _: unknown, { loaders }: Context) => loaders.actor.load(r.personId),
  organisation: (r: RoleRow, _: unknown, { loaders }: Context) => loaders.actor.load(r.organisationId),
  active: (r: RoleRow) => isActive(r.endDate),
};
