import DataLoader from 'dataloader';
import type { Viewer } from '@maillage/viewer';
import { groupByKey } from '@maillage/subgraph-server';
import type { Actor, Prisma, PrismaClient, Role } from './generated/prisma/client';
import type { ActorKind, CompanyCategory, ProvenanceKind } from './generated/prisma/enums';
import { c, p, query, selectList, sql, type Shape, type StatementRunner } from '@maillage/db';
import { loadIndicators, type IndicatorKey } from './indicators';

/** One page of the actors located in a territory. */
export interface ActorsInTerritoryKey {
  territoryId: string;
  kind: ActorKind | null;
  offset: number;
  limit: number;
}

/** One page of `Query.actors`: its filter (the where clause, as JSON) and its rows. */
export interface ActorPageKey {
  where: Prisma.ActorWhereInput;
  offset: number;
  limit: number;
}

/** The roles of many actors on one side of the role (its person or its organisation), by start date, in one statement. */
function rolesBy(prisma: PrismaClient, side: 'personId' | 'organisationId') {
  return new DataLoader<string, Role[]>(async (ids) => {
    const rows = await prisma.role.findMany({
      where: { [side]: { in: [...ids] } },
      orderBy: [{ startDate: 'asc' }, { id: 'asc' }],
    });
    return groupByKey(rows, (r) => r[side], ids);
  });
}

export interface Context {
  prisma: PrismaClient;
  loaders: ReturnType<typeof createLoaders>;
  /** Who is asking, as the gateway signed it (the subgraph server sets it). */
  viewer: Viewer;
}

/**
 * The columns of an actor (the Prisma model's fields), for the typed statements of the hot loaders
 * (@maillage/db typed-sql): a field the model gains fails to compile here until it is read.
 */
const ACTOR: Shape<Actor> = {
  id: c.text('id'),
  kind: c.enum<ActorKind>('kind'),
  name: c.text('name'),
  searchName: c.text('search_name'),
  description: c.textOrNull('description'),
  siren: c.textOrNull('siren'),
  siret: c.textOrNull('siret'),
  rna: c.textOrNull('rna'),
  nafCode: c.textOrNull('naf_code'),
  legalCategory: c.textOrNull('legal_category'),
  headcountBand: c.textOrNull('headcount_band'),
  category: c.enumOrNull<CompanyCategory>('category'),
  communeId: c.textOrNull('commune_id'),
  reach: c.texts('reach'),
  website: c.textOrNull('website'),
  email: c.textOrNull('email'),
  phone: c.textOrNull('phone'),
  createdBy: c.textOrNull('created_by'),
  foundedOn: c.date('founded_on'),
  closedOn: c.date('closed_on'),
  sources: c.texts('sources'),
  createdAt: c.timestamp('created_at'),
  updatedAt: c.timestamp('updated_at'),
  provenance: c.enum<ProvenanceKind>('provenance'),
  provenanceRule: c.textOrNull('provenance_rule'),
  enteredBy: c.textOrNull('entered_by'),
  enteredAt: c.timestampOrNull('entered_at'),
};

/** One page of actors by territory and kind (no search), in `Query.actors`' order: name, then id. */
const actorPage = (run: StatementRunner, where: Prisma.ActorWhereInput, offset: number, limit: number) => {
  const territory = (where.reach as { has?: string } | undefined)?.has ?? null;
  const kind = (where.kind as ActorKind | undefined) ?? null;
  return query(
    run,
    sql`SELECT ${selectList(ACTOR)} FROM actor
      WHERE (${p.text(territory)}::text IS NULL OR reach @> ARRAY[${p.text(territory)}::text])
        AND (${p.text(kind)}::text IS NULL OR kind::text = ${p.text(kind)}::text)
      ORDER BY search_name ASC, id ASC OFFSET ${p.int(offset)} LIMIT ${p.int(limit)}`,
    ACTOR,
  );
};
/** Filters `actorPage` says in SQL; any other (a search) stays with Prisma. */
const typedFilter = (where: Prisma.ActorWhereInput) => Object.keys(where).every((k) => k === 'reach' || k === 'kind');

/** One statement per batch for every hop to an actor or to roles, whatever the list length. */
function createLoaders(prisma: PrismaClient, sqlRun: StatementRunner) {
  return {
    indicators: new DataLoader<IndicatorKey, Awaited<ReturnType<typeof loadIndicators>>[number], string>(
      (keys) => loadIndicators(prisma, keys),
      {
        cacheKeyFn: (k) => `${k.territoryId}/${k.kind ?? ''}`,
      },
    ),
    actor: new DataLoader<string, Actor | null>(async (ids) => {
      const rows = await query(sqlRun, sql`SELECT ${selectList(ACTOR)} FROM actor WHERE id = ANY(${p.texts(ids)}::text[])`, ACTOR);
      const byId = new Map(rows.map((a) => [a.id, a]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /**
     * Pages of `Query.actors` asked in one request (a client paging ahead with aliases): one
     * statement per filter, over the rows from the first page's start to the last page's end.
     */
    actorPages: new DataLoader<ActorPageKey, Actor[], string>(
      async (keys) => {
        const byFilter = new Map<string, ActorPageKey[]>();
        for (const k of keys) {
          const f = JSON.stringify(k.where);
          byFilter.set(f, [...(byFilter.get(f) ?? []), k]);
        }
        const pages = new Map<ActorPageKey, Actor[]>();
        // Pages that follow one another (or overlap) share a statement; a page far from the others
        // gets its own, so that two aliases never make the subgraph read the rows between them.
        const runs: ActorPageKey[][] = [];
        for (const group of byFilter.values()) {
          let run: ActorPageKey[] = [];
          let end = -1;
          for (const k of [...group].sort((a, b) => a.offset - b.offset)) {
            if (run.length && k.offset > end) {
              runs.push(run);
              run = [];
            }
            run.push(k);
            end = Math.max(end, k.offset + k.limit);
          }
          runs.push(run);
        }
        await Promise.all(
          runs.map(async (run) => {
            const from = run[0].offset;
            const to = Math.max(...run.map((k) => k.offset + k.limit));
            const where = run[0].where;
            const rows = typedFilter(where)
              ? await actorPage(sqlRun, where, from, to - from)
              : await prisma.actor.findMany({ where, orderBy: [{ searchName: 'asc' }, { id: 'asc' }], skip: from, take: to - from });
            for (const k of run) pages.set(k, rows.slice(k.offset - from, k.offset - from + k.limit));
          }),
        );
        return keys.map((k) => pages.get(k)!);
      },
      { cacheKeyFn: (k) => JSON.stringify(k) },
    ),
    rolesByOrganisation: rolesBy(prisma, 'organisationId'),
    /**
     * Pages of actors for many territories in one statement: a window over the actors' `reach`
     * gives each territory its own numbering and total.
     */
    actorsInTerritory: new DataLoader<ActorsInTerritoryKey, { total: number; ids: string[] }, string>(
      async (keys) => {
        const territoryIds = [...new Set(keys.map((k) => k.territoryId))];
        const kinds = [...new Set(keys.map((k) => k.kind))];
        const kindFilter = kinds.includes(null) ? null : (kinds as string[]);
        const maxEnd = Math.max(...keys.map((k) => k.offset + k.limit));
        const rows = await prisma.$queryRaw<
          { territory: string; kind: string; id: string; rn: bigint; total: bigint; kind_rn: bigint; kind_total: bigint }[]
        >`
          SELECT * FROM (
            SELECT t AS territory, a.kind::text AS kind, a.id,
              row_number() OVER (PARTITION BY t ORDER BY a.search_name, a.id) AS rn,
              count(*) OVER (PARTITION BY t) AS total,
              row_number() OVER (PARTITION BY t, a.kind ORDER BY a.search_name, a.id) AS kind_rn,
              count(*) OVER (PARTITION BY t, a.kind) AS kind_total
            FROM actor a CROSS JOIN LATERAL unnest(a.reach) AS t
            WHERE t = ANY(${territoryIds}) AND (${kindFilter}::text[] IS NULL OR a.kind::text = ANY(${kindFilter}::text[]))
          ) ranked
          WHERE rn <= ${maxEnd} OR kind_rn <= ${maxEnd}`;
        return keys.map((k) => {
          const mine = rows.filter((r) => r.territory === k.territoryId && (!k.kind || r.kind === k.kind));
          const position = (r: (typeof rows)[number]) => Number(k.kind ? r.kind_rn : r.rn);
          const page = mine
            .filter((r) => position(r) > k.offset && position(r) <= k.offset + k.limit)
            .sort((a, b) => position(a) - position(b));
          const total = mine.length ? Number(k.kind ? mine[0].kind_total : mine[0].total) : 0;
          return { total, ids: page.map((r) => r.id) };
        });
      },
      { cacheKeyFn: (k) => JSON.stringify(k) },
    ),
    rolesByPerson: rolesBy(prisma, 'personId'),
  };
}

export function createContext(prisma: PrismaClient, viewer: Viewer, run: StatementRunner): Context {
  return { prisma, loaders: createLoaders(prisma, run), viewer };
}
