/**
 * The outbox every subgraph that writes keeps: one `change_log` row per entity a transaction
 * changed, written in that transaction, numbered by a per-database sequence (`seq`, bigserial).
 * The log is what the region's index (the synergies service) and the gateway's caches follow
 * instead of reading the whole graph again; see docs/architecture.md, "Change feeds".
 */

/** What happened to an entity: its state after the change (`UPSERT`), its removal, or "read everything again" (`RESEED`). */
export type ChangeOp = 'UPSERT' | 'DELETE' | 'RESEED';

export interface Change {
  /** The GraphQL type name of the entity (`Actor`, `ChamberMembership`, `Club`...), `*` for a reseed. */
  entityType: string;
  entityId: string;
  op: ChangeOp;
  /** The entity's state after the change, as JSON (dates as ISO strings); null for DELETE and RESEED. */
  payload?: unknown;
}

export interface LoggedChange extends Change {
  /** Position in this subgraph's log, a decimal string (a bigint). */
  seq: string;
  at: string;
}

export interface ChangePage {
  changes: LoggedChange[];
  /** The position to ask from next: the last change's seq, or `after` when the page is empty. */
  last: string;
  /** The highest position written so far (committed), so a reader knows how far behind it is. */
  head: string;
}

/** The part of a Prisma client (or transaction client) the outbox uses. */
export interface ChangeStore {
  $queryRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<unknown>;
}

/** A page of the log holds at most this many changes. */
export const MAX_CHANGES_PAGE = 1000;

/**
 * The channel `recordChanges` notifies when its transaction commits, with the schema of the log
 * as payload (subgraphs sharing one database in schemas of their own, as on the embedded server,
 * share the channel: each listener keeps its own schema's). A subgraph's `POST /changes` waits
 * on it (`listenForChanges`) instead of its followers polling.
 */
export const CHANGE_CHANNEL = 'maillage_change_log';

/**
 * Appends changes to the outbox, inside the caller's transaction: call it as the transaction's
 * last statement. The transaction-scoped advisory lock makes the sequence follow commit order: a
 * bigserial alone is assigned at insert time, so a reader could see seq 11 committed while seq 10
 * is still in flight, move past it, and never see it. With the lock, the writer holding seq 10
 * commits (or rolls back, leaving a gap) before anyone else takes a number. Writes of one subgraph
 * take turns only for the instant between this insert and their commit.
 */
export async function recordChanges(tx: ChangeStore, changes: Change[]): Promise<void> {
  if (!changes.length) return;
  const payloads = changes.map((c) => (c.payload === undefined || c.payload === null ? null : JSON.stringify(c.payload)));
  // One statement: the rows to insert join the lock's one row, so the lock is held before the
  // first row draws its seq (the insert's defaults are computed per row the join yields). The same
  // row notifies the log's listeners: PostgreSQL delivers a NOTIFY at commit, so whoever it wakes
  // reads these rows, and a transaction rolled back wakes nobody.
  await tx.$queryRaw`
    WITH turn AS (SELECT pg_advisory_xact_lock(hashtext('change_log')), pg_notify(${CHANGE_CHANNEL}, current_schema()))
    INSERT INTO "change_log" ("entity_type", "entity_id", "op", "payload")
    SELECT t, i, o, p::jsonb FROM turn, unnest(${changes.map((c) => c.entityType)}::text[], ${changes.map((c) => c.entityId)}::text[], ${changes.map((c) => c.op)}::text[], ${payloads}::text[]) AS c(t, i, o, p)`;
}

const POSITION = /^(0|[1-9][0-9]{0,18})$/;

/** Whether a string is a position of the log (a non-negative bigint). */
export const isChangePosition = (s: unknown): s is string => typeof s === 'string' && POSITION.test(s);

/** The changes after a position, in order, at most `first` of them. */
export async function readChanges(db: ChangeStore, after: string, first: number): Promise<ChangePage> {
  if (!isChangePosition(after)) throw new Error('after must be a position of the change log');
  const limit = Math.max(1, Math.min(MAX_CHANGES_PAGE, Math.floor(first)));
  // Both statements open with FEED_READ (counted apart from requests': @maillage/observability).
  const rows = (await db.$queryRaw`/* change-log read */
    -- Ordered by the bigint column, not by the text alias (text would put 10 before 7).
    SELECT "seq"::text AS seq, "entity_type" AS "entityType", "entity_id" AS "entityId", "op", "payload"::text AS payload, to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
    FROM "change_log" c WHERE c."seq" > ${after}::bigint ORDER BY c."seq" LIMIT ${limit}`) as {
    seq: string;
    entityType: string;
    entityId: string;
    op: ChangeOp;
    payload: string | null;
    at: string;
  }[];
  const [{ head }] = (await db.$queryRaw`/* change-log read */ SELECT coalesce(max("seq"), 0)::text AS head FROM "change_log"`) as {
    head: string;
  }[];
  const changes = rows.map((r) => ({ ...r, payload: r.payload === null ? null : (JSON.parse(r.payload) as unknown) }));
  return { changes, last: changes.length ? changes[changes.length - 1].seq : after, head };
}
