import DataLoader from 'dataloader';
import type { Viewer } from '@maillage/viewer';
import { groupByKey, type Page } from '@maillage/subgraph-server';
import type { Actor, Prisma, PrismaClient, Role } from './generated/prisma/client';
import type { ActorKind, CompanyCategory, ProvenanceKind } from './generated/prisma/enums';
import { c, p, query, raw, selectList, sql, type Shape, type StatementRunner } from '@maillage/db';
import { getTerritory } from '@maillage/reference';
import { loadIndicators, type IndicatorKey } from './indicators';

/** One page of the actors located in a territory. */
export interface ActorsInTerritoryKey {
  territoryId: string;
  kind: ActorKind | null;
  /** The page (`toKeyPage(args, ACTOR_LIST)`): a seek after `after`, or an offset from an older cursor. */
  page: Page;
  /** Whether the list's total is read (`totalCount`): counted only then. */
  counted: boolean;
}

/** One page of `Query.actors`: its filter (the where clause, as JSON) and its page. */
export interface ActorPageKey {
  where: Prisma.ActorWhereInput;
  page: Page;
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

/** A page of actors, and whether more follow it (one row read past the page). */
export interface ActorPage<T = Actor> {
  rows: T[];
  more: boolean;
}

/**
 * The name actor cursors are signed under, and their key: every list of actors is in the same
 * order (normalised name, then id), so a cursor of one may seek in another.
 */
export const ACTOR_LIST = 'actors';
export const actorKey = (a: { searchName: string; id: string }) => [a.searchName, a.id];

/**
 * Where a page starts: after its cursor's key, or from before every actor (ids and names are
 * never below the empty string, and `(search_name, id) > ('', '')` holds for every row), so that
 * one statement seeks for every page, first or not, through the index on (search_name, id).
 */
const seekOf = (page: Page) => {
  const [name, id] = page.after ?? ['', ''];
  if (typeof name !== 'string' || typeof id !== 'string') throw new Error('an actor cursor holds a name and an id');
  // An offset cursor issued before the lists were keyed is still served, by OFFSET from the start.
  return { name, id, offset: page.after ? 0 : page.offset };
};

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

const PAGED_ACTOR: Shape<Actor & { key: number }> = { ...ACTOR, key: c.int('k.key') };

/** What `Query.actors` filters by (its where clause, as the resolver builds it). */
const filterOf = (where: Prisma.ActorWhereInput) => ({
  territory: (where.reach as { has?: string } | undefined)?.has ?? null,
  kind: (where.kind as ActorKind | undefined) ?? null,
  search: (where.searchName as { contains?: string } | undefined)?.contains ?? null,
});

const COUNTED: Shape<{ total: number }> = { total: c.int('count(*)') };

/** How many actors a filter of `Query.actors` holds, as `actorPagesOf` reads them (a search: a plain substring). */
const actorCountOf = async (run: StatementRunner, where: Prisma.ActorWhereInput): Promise<number> => {
  const { territory, kind, search } = filterOf(where);
  const [{ total }] = await query(
    run,
    sql`SELECT ${selectList(COUNTED)} FROM actor
      WHERE (${p.text(territory)}::text IS NULL OR reach @> ARRAY[${p.text(territory)}::text])
        AND (${p.text(kind)}::text IS NULL OR kind::text = ${p.text(kind)}::text)
        AND (${p.text(search)}::text IS NULL OR strpos(search_name, ${p.text(search)}::text) > 0)`,
    COUNTED,
  );
  return total;
};

/**
 * Pages of actors by territory, kind and search, in `Query.actors`' order (name, then id), all
 * pages of one filter in one statement: each page is a row of `unnest` whose lateral subquery
 * seeks to its key through the index on (search_name, id) and reads one row more than the page
 * (whether another follows). The filter is a parameter, not a column of `unnest`, so the planner
 * sees the territory and knows how many actors it holds (a région: walk the index; a commune:
 * the GIN index on `reach`, then sort). A search is a plain substring of the normalised name
 * (`strpos`: what Prisma's `contains` was asked for, without LIKE's wildcards); before, each of
 * its pages was a statement of its own (1,000 actors of a search in pages of 100: 10).
 */
const actorPagesOf = async (run: StatementRunner, where: Prisma.ActorWhereInput, pages: readonly Page[]): Promise<ActorPage[]> => {
  const { territory, kind, search } = filterOf(where);
  const seeks = pages.map(seekOf);
  const rows = await query(
    run,
    sql`SELECT ${selectList(PAGED_ACTOR)}
      FROM unnest(${p.texts(seeks.map((s) => s.name))}::text[], ${p.texts(seeks.map((s) => s.id))}::text[],
        ${p.ints(seeks.map((s) => s.offset))}::int[], ${p.ints(pages.map((pg) => pg.limit + 1))}::int[])
        WITH ORDINALITY AS k(after_name, after_id, "offset", "limit", key)
      CROSS JOIN LATERAL (
        SELECT * FROM actor
        WHERE (${p.text(territory)}::text IS NULL OR reach @> ARRAY[${p.text(territory)}::text])
          AND (${p.text(kind)}::text IS NULL OR kind::text = ${p.text(kind)}::text)
          AND (${p.text(search)}::text IS NULL OR strpos(search_name, ${p.text(search)}::text) > 0)
          AND (search_name, id) > (k.after_name, k.after_id)
        ORDER BY search_name ASC, id ASC OFFSET k."offset" LIMIT k."limit"
      ) actor
      ORDER BY k.key, search_name ASC, id ASC`,
    PAGED_ACTOR,
  );
  const out = pages.map((): Actor[] => []);
  for (const { key, ...actor } of rows) out[key - 1].push(actor);
  return out.map((list, i) => ({ rows: list.slice(0, pages[i].limit), more: list.length > pages[i].limit }));
};

const TERRITORY_PAGE: Shape<{ key: number; id: string | null; total: number | null }> = {
  key: c.int('k.key'),
  id: c.textOrNull('a.id'),
  total: c.intOrNull('t.total'),
};

/** Régions and départements hold thousands of actors each: their pages walk the name index. */
const DENSE_LEVELS = new Set(['REGION', 'DEPARTEMENT']);
// The planner plans a lateral subquery once for all its territories, so the statement says which
// way to go: `= ANY(reach)` no GIN index answers, so the page walks (search_name, id) from its
// key and stops after `limit` rows (a région: 0.2 ms at the 50,000th actor); `reach @> …` takes the
// GIN index and sorts what it finds, best for a commune of ten actors, where a walk of the name
// index would read most of the table.
const WALK_FILTER = 'k.territory = ANY(a.reach)';
const GIN_FILTER = 'a.reach @> ARRAY[k.territory]';

/**
 * Pages of actors for many territories in one statement: each key (a territory, kind and page)
 * is a row of `unnest`, whose lateral subqueries seek to its page (one row more: whether
 * another follows) and count its total when asked. Before, a window over every actor of each
 * territory numbered them all for one page (3 s for a région of 100,000, on a busy machine).
 */
async function territoryPages(sqlRun: StatementRunner, keys: readonly ActorsInTerritoryKey[], walk: boolean) {
  const seeks = keys.map((k) => seekOf(k.page));
  const rows = await query(
    sqlRun,
    sql`SELECT ${selectList(TERRITORY_PAGE)}
    FROM unnest(${p.texts(keys.map((k) => k.territoryId))}::text[], ${p.texts(keys.map((k) => k.kind))}::text[],
      ${p.texts(seeks.map((s) => s.name))}::text[], ${p.texts(seeks.map((s) => s.id))}::text[],
      ${p.ints(seeks.map((s) => s.offset))}::int[], ${p.ints(keys.map((k) => k.page.limit + 1))}::int[],
      ${p.bools(keys.map((k) => k.counted))}::bool[])
      WITH ORDINALITY AS k(territory, kind, after_name, after_id, "offset", "limit", counted, key)
    LEFT JOIN LATERAL (
      SELECT CASE WHEN k.counted THEN (
        SELECT count(*) FROM actor c WHERE c.reach @> ARRAY[k.territory] AND (k.kind IS NULL OR c.kind::text = k.kind)
      ) END AS total
    ) t ON true
    LEFT JOIN LATERAL (
      SELECT a.id, a.search_name FROM actor a
      WHERE ${raw(walk ? WALK_FILTER : GIN_FILTER)} AND (k.kind IS NULL OR a.kind::text = k.kind)
        AND (a.search_name, a.id) > (k.after_name, k.after_id)
      ORDER BY a.search_name ASC, a.id ASC OFFSET k."offset" LIMIT k."limit"
    ) a ON true
    ORDER BY k.key, a.search_name ASC, a.id ASC`,
    TERRITORY_PAGE,
  );
  const pages = keys.map(() => ({ total: null as number | null, ids: [] as string[] }));
  for (const r of rows) {
    const page = pages[r.key - 1];
    if (r.total !== null) page.total = r.total;
    if (r.id !== null) page.ids.push(r.id);
  }
  return pages.map((pg, i) => ({ total: pg.total, ids: pg.ids.slice(0, keys[i].page.limit), more: pg.ids.length > keys[i].page.limit }));
}

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
     * statement per filter, whatever the number of pages.
     */
    actorPages: new DataLoader<ActorPageKey, ActorPage, string>(
      async (keys) => {
        const byFilter = new Map<string, number[]>();
        keys.forEach((k, i) => {
          const f = JSON.stringify(k.where);
          byFilter.set(f, [...(byFilter.get(f) ?? []), i]);
        });
        const pages: ActorPage[] = new Array(keys.length);
        await Promise.all(
          [...byFilter.values()].map(async (indexes) => {
            const found = await actorPagesOf(
              sqlRun,
              keys[indexes[0]].where,
              indexes.map((i) => keys[i].page),
            );
            indexes.forEach((i, j) => (pages[i] = found[j]));
          }),
        );
        return pages;
      },
      { cacheKeyFn: (k) => JSON.stringify(k) },
    ),
    /** The total of `Query.actors` for a filter (its `totalCount`): counted once per filter, however many of its pages ask. */
    actorCount: new DataLoader<Prisma.ActorWhereInput, number, string>(
      (wheres) => Promise.all(wheres.map((where) => actorCountOf(sqlRun, where))),
      { cacheKeyFn: (w) => JSON.stringify(w) },
    ),
    rolesByOrganisation: rolesBy(prisma, 'organisationId'),
    /**
     * Pages of actors for many territories in one statement: each key (a territory, kind and page)
     * is a row of `unnest`, whose lateral subqueries seek to its page (one row more: whether
     * another follows) and count its total when asked. Before, a window over every actor of each
     * territory numbered them all for one page (1.5 s for a région of 100,000).
     */
    actorsInTerritory: new DataLoader<ActorsInTerritoryKey, { total: number | null; ids: string[]; more: boolean }, string>(
      async (keys) => {
        const pages: { total: number | null; ids: string[]; more: boolean }[] = new Array(keys.length);
        const dense = keys.map((k) => DENSE_LEVELS.has(getTerritory(k.territoryId)?.level ?? 'COMMUNE'));
        await Promise.all(
          [true, false].map(async (walk) => {
            const indexes = keys.flatMap((_, i) => (dense[i] === walk ? [i] : []));
            if (!indexes.length) return;
            const found = await territoryPages(
              sqlRun,
              indexes.map((i) => keys[i]),
              walk,
            );
            indexes.forEach((i, j) => (pages[i] = found[j]));
          }),
        );
        return pages;
      },
      { cacheKeyFn: (k) => JSON.stringify(k) },
    ),
    rolesByPerson: rolesBy(prisma, 'personId'),
  };
}

export function createContext(prisma: PrismaClient, viewer: Viewer, run: StatementRunner): Context {
  return { prisma, loaders: createLoaders(prisma, run), viewer };
}
