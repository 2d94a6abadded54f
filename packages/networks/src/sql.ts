import type { MembershipRow, NetworkNameEntry, NetworkRow, ProvenanceKind } from './rows';
import { c, p, query, raw, selectList, sql, type Shape, type StatementRunner } from '@maillage/db';
import type { Page, SortKey } from '@maillage/subgraph-server';

/**
 * The statements of the hot loaders (typed-sql.ts): the (b2) and (c2) fan-outs read memberships
 * by actor, networks by id and pages of members, for every entity of a request in one statement
 * each. Rows come out as `MembershipRow` and `NetworkRow`, the shapes Prisma's models give.
 */

const membership = (m: string): Shape<MembershipRow> => ({
  id: c.text(`${m}.id`),
  networkId: c.text(`${m}.network_id`),
  actorId: c.text(`${m}.actor_id`),
  category: c.text(`${m}.category`),
  role: c.textOrNull(`${m}.role`),
  startDate: c.date(`${m}.start_date`),
  endDate: c.date(`${m}.end_date`),
  sources: c.texts(`${m}.sources`),
  provenance: c.enum<ProvenanceKind>(`${m}.provenance`),
  provenanceRule: c.textOrNull(`${m}.provenance_rule`),
  enteredBy: c.textOrNull(`${m}.entered_by`),
  enteredAt: c.timestampOrNull(`${m}.entered_at`),
});
const MEMBERSHIP = membership('m');

const network = (n: string): Shape<NetworkRow> => ({
  id: c.text(`${n}.id`),
  subtype: c.text(`${n}.subtype`),
  name: c.text(`${n}.name`),
  shortName: c.textOrNull(`${n}.short_name`),
  searchName: c.text(`${n}.search_name`),
  description: c.textOrNull(`${n}.description`),
  actorId: c.textOrNull(`${n}.actor_id`),
  parentId: c.textOrNull(`${n}.parent_id`),
  predecessorId: c.textOrNull(`${n}.predecessor_id`),
  scope: c.texts(`${n}.scope`),
  reach: c.texts(`${n}.reach`),
  startDate: c.date(`${n}.start_date`),
  endDate: c.date(`${n}.end_date`),
  reportedMemberCount: c.intOrNull(`${n}.reported_member_count`),
  reportedMemberAsOf: c.date(`${n}.reported_member_as_of`),
  reportedMemberNote: c.textOrNull(`${n}.reported_member_note`),
  website: c.textOrNull(`${n}.website`),
  details: c.json(`${n}.details`),
  membersPublic: c.bool(`${n}.members_public`),
  sources: c.texts(`${n}.sources`),
  names: c.json<NetworkNameEntry[]>(`${n}.names`),
  provenance: c.enum<ProvenanceKind>(`${n}.provenance`),
  provenanceRule: c.textOrNull(`${n}.provenance_rule`),
  enteredBy: c.textOrNull(`${n}.entered_by`),
  enteredAt: c.timestampOrNull(`${n}.entered_at`),
});
const NETWORK = network('network');

/** Networks by id (in no particular order). */
export const networksById = (run: StatementRunner, ids: readonly string[]) =>
  query(run, sql`SELECT ${selectList(NETWORK)} FROM network WHERE id = ANY(${p.texts(ids)}::text[])`, NETWORK);

/** A network's fields as columns `network.<field>` of a row that holds a membership's too. */
type InNetwork = { [K in keyof NetworkRow as `network.${K}`]: NetworkRow[K] };
const MEMBERSHIP_FIELDS = Object.keys(MEMBERSHIP) as (keyof MembershipRow)[];
const NETWORK_FIELDS = Object.keys(NETWORK) as (keyof NetworkRow)[];
const inNetwork = (shape: Shape<NetworkRow>) =>
  Object.fromEntries(NETWORK_FIELDS.map((field) => [`network.${field}`, shape[field]])) as Shape<InNetwork>;
const MEMBERSHIP_IN_NETWORK: Shape<MembershipRow & InNetwork> = { ...MEMBERSHIP, ...inNetwork(network('n')) };
// Each network field with its column in the joined row, spelt once rather than at every row.
const NETWORK_COLUMNS = NETWORK_FIELDS.map((field) => [field, `network.${field}`] as const);

/**
 * The memberships of many actors, in `membershipsByActor`'s order (start date, then id), and the
 * networks they are of, in one statement: `Actor.<kind>Memberships` reads each membership's
 * network next (whether the viewer may read its members, then its fields), which was a second
 * statement per request of every network subgraph on the (b2) and (c2) fan-outs.
 */
export async function membershipsOfActors(
  run: StatementRunner,
  actorIds: readonly string[],
): Promise<{ memberships: MembershipRow[]; networks: NetworkRow[] }> {
  const rows = await query(
    run,
    sql`SELECT ${selectList(MEMBERSHIP_IN_NETWORK)} FROM membership m LEFT JOIN network n ON n.id = m.network_id
    WHERE m.actor_id = ANY(${p.texts(actorIds)}::text[]) ORDER BY m.start_date ASC, m.id ASC`,
    MEMBERSHIP_IN_NETWORK,
  );
  const networks = new Map<string, NetworkRow>();
  const memberships = rows.map((row) => {
    const membership = {} as Record<keyof MembershipRow, unknown>;
    for (const field of MEMBERSHIP_FIELDS) membership[field] = row[field];
    // The join finds no network only if one was deleted under its memberships (the foreign key forbids it).
    const id = row['network.id'] as string | null;
    if (id !== null && !networks.has(id)) {
      const network = {} as Record<keyof NetworkRow, unknown>;
      for (const [field, column] of NETWORK_COLUMNS) network[field] = row[column];
      networks.set(id, network as NetworkRow);
    }
    return membership as MembershipRow;
  });
  return { memberships, networks: [...networks.values()] };
}

/** One page of one network's members, as `Network.members` asks for it. */
export interface MemberPageKey {
  networkId: string;
  /** The page (`toKeyPage(args, MEMBER_LIST)`): a seek after `after`, or an offset from an older cursor. */
  page: Page;
  /** Ended memberships too (`includeEnded`). */
  includeEnded: boolean;
  category: string | null;
  /** Whether the list's total is read (`totalCount`, `pageInfo`): counted only then. */
  counted: boolean;
}

export interface MemberPage {
  rows: MembershipRow[];
  /** Whether members follow the page (one row read past it). */
  more: boolean;
  /** Null when the key did not ask for it. */
  total: number | null;
}

/** Today (UTC) as a SQL date: a membership is active on it as `isActiveOn` says (started, not ended). */
const today = () => p.text(new Date().toISOString().slice(0, 10));

const PAGED: Shape<MembershipRow & { key: number; total: number | null }> = {
  ...MEMBERSHIP,
  key: c.int('k.key'),
  total: c.intOrNull('t.total'),
};

/**
 * The name member cursors are signed under, and their key: a network's members are in order of
 * start date (undated last), then id. The key holds the date as `coalesce(start_date, 'infinity')`
 * sorts it (undated as 'infinity'), the expression the index on (network_id, that, id) holds, so a
 * seek is one row comparison that index answers.
 */
export const MEMBER_LIST = 'members';
export const memberKey = (m: { startDate: Date | null; id: string }): SortKey => [
  m.startDate ? m.startDate.toISOString().slice(0, 10) : 'infinity',
  m.id,
];

/** Where a page starts: after its cursor's key, or before every membership (no date is below -infinity, no id below ''). */
const seekOf = (page: Page) => {
  const [date, id] = page.after ?? ['-infinity', ''];
  if (typeof date !== 'string' || typeof id !== 'string') throw new Error('a member cursor holds a date and an id');
  // An offset cursor issued before the lists were keyed is still served, by OFFSET from the start.
  return { date, id, offset: page.after ? 0 : page.offset };
};

/**
 * Pages of the members of many networks in one statement, whatever their number: each key (a
 * network and its page, filter and count) is a row of `unnest`, and a lateral subquery seeks to
 * its page (one row more: whether another follows), in `membersByNetwork`'s order (start date,
 * undated last, then id), through the index on (network_id, coalesce(start_date, 'infinity'), id).
 * Before, a page was an OFFSET into the list (every member before it read again), and before that
 * the whole member list of every network was read to show 8 of them (a big club holds thousands).
 */
export async function memberPages(run: StatementRunner, keys: readonly MemberPageKey[]): Promise<MemberPage[]> {
  const day = today();
  const seeks = keys.map((k) => seekOf(k.page));
  const rows = await query(
    run,
    sql`
    SELECT ${selectList(PAGED)}
    FROM unnest(
      ${p.texts(keys.map((k) => k.networkId))}::text[], ${p.texts(seeks.map((s) => s.date))}::date[], ${p.texts(seeks.map((s) => s.id))}::text[],
      ${p.ints(seeks.map((s) => s.offset))}::int[], ${p.ints(keys.map((k) => k.page.limit + 1))}::int[],
      ${p.bools(keys.map((k) => k.includeEnded))}::bool[], ${p.texts(keys.map((k) => k.category))}::text[], ${p.bools(keys.map((k) => k.counted))}::bool[]
    ) WITH ORDINALITY AS k(network_id, after_date, after_id, "offset", "limit", ended, category, counted, key)
    LEFT JOIN LATERAL (
      SELECT CASE WHEN k.counted THEN (
        SELECT count(*) FROM membership c
        WHERE c.network_id = k.network_id
          AND (k.ended OR ((c.start_date IS NULL OR c.start_date <= ${day}::date) AND (c.end_date IS NULL OR c.end_date > ${day}::date)))
          AND (k.category IS NULL OR c.category::text = k.category)
      ) END AS total
    ) t ON true
    LEFT JOIN LATERAL (
      SELECT * FROM membership m
      WHERE m.network_id = k.network_id
        AND (coalesce(m.start_date, 'infinity'::date), m.id) > (k.after_date, k.after_id)
        AND (k.ended OR ((m.start_date IS NULL OR m.start_date <= ${day}::date) AND (m.end_date IS NULL OR m.end_date > ${day}::date)))
        AND (k.category IS NULL OR m.category::text = k.category)
      ORDER BY coalesce(m.start_date, 'infinity'::date) ASC, m.id ASC
      OFFSET k."offset" LIMIT k."limit"
    ) m ON true
    ORDER BY k.key, coalesce(m.start_date, 'infinity'::date) ASC, m.id ASC`,
    PAGED,
  );
  const pages = keys.map((): MemberPage => ({ rows: [], more: false, total: null }));
  for (const { key, total, ...row } of rows) {
    const page = pages[key - 1];
    if (total !== null) page.total = total;
    if (row.id !== null) page.rows.push(row);
  }
  return pages.map((pg, i) => {
    const { limit } = keys[i].page;
    return { ...pg, rows: pg.rows.slice(0, limit), more: pg.rows.length > limit };
  });
}

const COUNT: Shape<{ networkId: string; n: number }> = { networkId: c.text('network_id'), n: c.int('count(DISTINCT actor_id)') };

/** The number of distinct actors among each network's active members, for many networks in one statement. */
export async function activeMemberCounts(run: StatementRunner, networkIds: readonly string[]): Promise<number[]> {
  const day = today();
  const rows = await query(
    run,
    sql`SELECT ${selectList(COUNT)} FROM membership
    WHERE network_id = ANY(${p.texts(networkIds)}::text[])
      AND (start_date IS NULL OR start_date <= ${day}::date) AND (end_date IS NULL OR end_date > ${day}::date)
    GROUP BY network_id`,
    COUNT,
  );
  const counts = new Map(rows.map((r) => [r.networkId, r.n]));
  return networkIds.map((id) => counts.get(id) ?? 0);
}

/** What `Query.<kind>s` filters a list of networks by, without a territory (`networksByTerritory` serves those). */
export interface NetworkFilter {
  subtype: string | null;
  /** Normalised (`normaliseText`): the names that hold it, as a plain substring. */
  search: string | null;
  includeEnded: boolean;
}

/** One page of `Query.<kind>s`: its filter and its page (an offset: network cursors are offset cursors). */
export interface NetworkPageKey {
  filter: NetworkFilter;
  page: Page;
}

const PAGED_NETWORK: Shape<NetworkRow & { key: number; total: number }> = { ...NETWORK, key: c.int('k.key'), total: c.int('t.total') };

/**
 * Pages of one filtered list of networks in one statement, whatever their number (a client paging
 * ahead with aliases): each page is a row of `unnest` whose lateral subquery reads it in the list's
 * order (name, then id), and the list's total is counted once beside them. Before, each page was a
 * statement and its count another: 1,000 clubs in pages of 100 cost 20 statements.
 */
export async function networkPages(run: StatementRunner, filter: NetworkFilter, pages: readonly Page[]) {
  const day = today();
  const { subtype, search } = filter;
  const ended = raw(filter.includeEnded ? 'true' : 'false');
  const rows = await query(
    run,
    sql`SELECT ${selectList(PAGED_NETWORK)}
    FROM unnest(${p.ints(pages.map((pg) => pg.offset))}::int[], ${p.ints(pages.map((pg) => pg.limit))}::int[]) WITH ORDINALITY AS k("offset", "limit", key)
    CROSS JOIN (
      SELECT count(*) AS total FROM network c
      WHERE (${p.text(subtype)}::text IS NULL OR c.subtype::text = ${p.text(subtype)}::text)
        AND (${p.text(search)}::text IS NULL OR strpos(c.search_name, ${p.text(search)}::text) > 0)
        AND (${ended} OR ((c.start_date IS NULL OR c.start_date <= ${day}::date) AND (c.end_date IS NULL OR c.end_date > ${day}::date)))
    ) t
    LEFT JOIN LATERAL (
      SELECT * FROM network n
      WHERE (${p.text(subtype)}::text IS NULL OR n.subtype::text = ${p.text(subtype)}::text)
        AND (${p.text(search)}::text IS NULL OR strpos(n.search_name, ${p.text(search)}::text) > 0)
        AND (${ended} OR ((n.start_date IS NULL OR n.start_date <= ${day}::date) AND (n.end_date IS NULL OR n.end_date > ${day}::date)))
      ORDER BY n.search_name ASC, n.id ASC OFFSET k."offset" LIMIT k."limit"
    ) network ON true
    ORDER BY k.key, network.search_name ASC, network.id ASC`,
    PAGED_NETWORK,
  );
  const out = pages.map(() => ({ rows: [] as NetworkRow[], total: 0 }));
  for (const { key, total, ...row } of rows) {
    out[key - 1].total = total;
    if (row.id !== null) out[key - 1].rows.push(row);
  }
  return out;
}
