import type { MembershipRow, NetworkDb } from './rows';

/**
 * The statements of the hot loaders that Prisma's query API cannot say in one statement per batch:
 * a page of each of many networks' members (a per-network OFFSET/LIMIT) and their counts. Tagged
 * templates: every value is a bound parameter, never spliced into the text. The row types below are
 * the columns each statement selects, under the names of the Prisma model (`MembershipRow`).
 */

/** One page of one network's members, as `Network.members` asks for it. */
export interface MemberPageKey {
  networkId: string;
  offset: number;
  limit: number;
  /** Ended memberships too (`includeEnded`). */
  includeEnded: boolean;
  category: string | null;
  /** Whether the list's total is read (`totalCount`, `pageInfo`): counted only then. */
  counted: boolean;
}

export interface MemberPage {
  rows: MembershipRow[];
  /** Null when the key did not ask for it. */
  total: number | null;
}

type PagedRow = { [K in keyof MembershipRow]: MembershipRow[K] | null } & { key: number; total: bigint | null };

/** Today (UTC) as a SQL date: a membership is active on it as `isActiveOn` says (started, not ended). */
const today = () => new Date().toISOString().slice(0, 10);

/**
 * Pages of the members of many networks in one statement, whatever their number: each key (a
 * network and its page, filter and count) is a row of `unnest`, and a lateral subquery reads only
 * its page, in `membersByNetwork`'s order (start date, then id). Before, the whole member list of
 * every network was read and deserialised to show 8 of them (a big club holds thousands).
 */
export async function memberPages(db: NetworkDb, keys: readonly MemberPageKey[]): Promise<MemberPage[]> {
  const day = today();
  const rows = (await db.$queryRaw`
    SELECT k.key::int AS key, m.id, m.network_id AS "networkId", m.actor_id AS "actorId", m.category::text AS category,
      m.role, m.start_date AS "startDate", m.end_date AS "endDate", m.sources,
      CASE WHEN k.counted THEN (
        SELECT count(*) FROM membership c
        WHERE c.network_id = k.network_id
          AND (k.ended OR ((c.start_date IS NULL OR c.start_date <= ${day}::date) AND (c.end_date IS NULL OR c.end_date > ${day}::date)))
          AND (k.category IS NULL OR c.category::text = k.category)
      ) END AS total
    FROM unnest(
      ${keys.map((k) => k.networkId)}::text[], ${keys.map((k) => k.offset)}::int[], ${keys.map((k) => k.limit)}::int[],
      ${keys.map((k) => k.includeEnded)}::bool[], ${keys.map((k) => k.category)}::text[], ${keys.map((k) => k.counted)}::bool[]
    ) WITH ORDINALITY AS k(network_id, "offset", "limit", ended, category, counted, key)
    LEFT JOIN LATERAL (
      SELECT * FROM membership m
      WHERE m.network_id = k.network_id
        AND (k.ended OR ((m.start_date IS NULL OR m.start_date <= ${day}::date) AND (m.end_date IS NULL OR m.end_date > ${day}::date)))
        AND (k.category IS NULL OR m.category::text = k.category)
      ORDER BY m.start_date ASC, m.id ASC
      OFFSET k."offset" LIMIT k."limit"
    ) m ON true
    ORDER BY k.key, m.start_date ASC, m.id ASC`) as PagedRow[];
  const pages = keys.map((): MemberPage => ({ rows: [], total: null }));
  for (const { key, total, ...row } of rows) {
    const page = pages[key - 1];
    if (total !== null) page.total = Number(total);
    if (row.id !== null) page.rows.push(row as MembershipRow);
  }
  return pages;
}

/** The number of distinct actors among each network's active members, for many networks in one statement. */
export async function activeMemberCounts(db: NetworkDb, networkIds: readonly string[]): Promise<number[]> {
  const day = today();
  const rows = (await db.$queryRaw`
    SELECT network_id AS "networkId", count(DISTINCT actor_id)::int AS n FROM membership
    WHERE network_id = ANY(${[...networkIds]}::text[])
      AND (start_date IS NULL OR start_date <= ${day}::date) AND (end_date IS NULL OR end_date > ${day}::date)
    GROUP BY network_id`) as { networkId: string; n: number }[];
  const counts = new Map(rows.map((r) => [r.networkId, r.n]));
  return networkIds.map((id) => counts.get(id) ?? 0);
}
