import { sliceConnection, type PageArgs } from '@maillage/subgraph-server';
import {
  getTerritory,
  provenanceOf,
  headcountBand,
  legalCategory,
  parseNafCode,
  vatNumberOfSiren,
  type TerritoryRecord,
} from '@maillage/reference';
import type { Context } from '../context';
import type { Actor as ActorRow, Role } from '../generated/prisma/client';
import { isActive } from './Role';
import type { ActorResolvers } from '../generated/resolvers-types';

type RoleArgs = PageArgs & { activeOnly?: boolean | null };

const activeFilter = (roles: Role[], args: RoleArgs) => (args.activeOnly ? roles.filter((r) => isActive(r.endDate)) : roles);

/** The territory at one level above the actor's commune (the commune's record lists its parents). */
function level(actor: ActorRow, pick: (c: TerritoryRecord) => string | null | undefined) {
  const commune = actor.communeId ? getTerritory(actor.communeId) : undefined;
  const id = commune && pick(commune);
  return id ? (getTerritory(id) ?? null) : null;
}

export const Actor: ActorResolvers = {
  __resolveReference: (ref: { id: string }, { loaders }: Context) => loaders.actor.load(ref.id),
  provenance: provenanceOf,
  vatNumber: (a: ActorRow) => (a.siren ? vatNumberOfSiren(a.siren) : null),
  verified: (a: ActorRow) => Boolean(a.siren || a.siret || a.rna),
  sector: (a: ActorRow) => (a.nafCode ? parseNafCode(a.nafCode) : null),
  legalCategory: (a: ActorRow) => (a.legalCategory ? (legalCategory(a.legalCategory) ?? null) : null),
  headcountBand: (a: ActorRow) => (a.headcountBand ? (headcountBand(a.headcountBand) ?? null) : null),
  commune: (a: ActorRow) => (a.communeId ? (getTerritory(a.communeId) ?? null) : null),
  epci: (a: ActorRow) => level(a, (c) => c.epciId),
  departement: (a: ActorRow) => level(a, (c) => c.departementId),
  region: (a: ActorRow) => level(a, (c) => c.regionId),
  people: async (a: ActorRow, args: RoleArgs, { loaders }: Context) =>
    sliceConnection(activeFilter(await loaders.rolesByOrganisation.load(a.id), args), args),
  roles: async (a: ActorRow, args: RoleArgs, { loaders }: Context) =>
    sliceConnection(activeFilter(await loaders.rolesByPerson.load(a.id), args), args),
};
