import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';

/**
 * Typed SQL over the driver adapter, for a subgraph's hot loaders: a statement is a tagged template whose
 * values are typed parameters (bound as `$n`, never spliced into the text), and its result is
 * decoded column by column into a declared row type. Through Prisma's client, the same 100 rows
 * cost about twice the CPU of the statement itself (the request's JSON protocol, its query
 * interpreter, per-value deserialisation); here they cost what the driver costs.
 */

/** A parameter and the type the driver binds it as. */
export interface Param {
  value: unknown;
  type: SqlQuery['argTypes'][number];
}
const param = (value: unknown, scalarType: Param['type']['scalarType'], arity: Param['type']['arity'] = 'scalar'): Param => ({
  value,
  type: { scalarType, arity },
});
export const p = {
  text: (v: string | null) => param(v, 'string'),
  int: (v: number) => param(v, 'int'),
  texts: (v: readonly (string | null)[]) => param([...v], 'string', 'list'),
  ints: (v: readonly number[]) => param([...v], 'int', 'list'),
  bools: (v: readonly boolean[]) => param([...v], 'boolean', 'list'),
};

/** SQL text from code (a select list, a column name), never from input: spliced as is. */
export interface Fragment {
  fragment: string;
}
export const raw = (fragment: string): Fragment => ({ fragment });

/** A statement: SQL text with `$n` placeholders and its typed parameters. */
export function sql(strings: TemplateStringsArray, ...parts: (Param | Fragment)[]): SqlQuery {
  let text = strings[0];
  const params: Param[] = [];
  parts.forEach((part, i) => {
    if ('fragment' in part) text += part.fragment;
    else text += `$${params.push(part)}`;
    text += strings[i + 1];
  });
  return { sql: text, args: params.map((x) => x.value), argTypes: params.map((x) => x.type) };
}

/**
 * How to read one column: the SQL expression that selects it (from code, never from input) and
 * how its value becomes the row's. Each expression casts to a plain type (text, int, float8, boolean),
 * so the value is the same from every adapter (pg, PGlite).
 */
export interface Column<T> {
  select: string;
  decode: (v: unknown) => T;
}
const DAY_MS = 86_400_000;
const dateOf = (v: unknown) => (v == null ? null : new Date(Number(v) * DAY_MS));
// `timestamp(3)` holds whole milliseconds: exact in a float8 (53 bits) for any date a Date can hold.
const epochMs = (expr: string) => `(extract(epoch FROM ${expr}) * 1000)::float8`;
export const c = {
  text: (expr: string): Column<string> => ({ select: `${expr}::text`, decode: (v) => v as string }),
  textOrNull: (expr: string): Column<string | null> => ({ select: `${expr}::text`, decode: (v) => (v ?? null) as string | null }),
  int: (expr: string): Column<number> => ({ select: `${expr}::int`, decode: (v) => Number(v) }),
  intOrNull: (expr: string): Column<number | null> => ({ select: `${expr}::int`, decode: (v) => (v == null ? null : Number(v)) }),
  bool: (expr: string): Column<boolean> => ({ select: `${expr}::boolean`, decode: (v) => v === true }),
  /**
   * A `text[]` column, as JSON: the driver's parser of array literals walks them a character at a
   * time, at about four times the CPU of `JSON.parse` (and `reach`, `scope`, `sources` are on
   * every row of the hot loaders).
   */
  texts: (expr: string): Column<string[]> => ({
    select: `array_to_json(${expr})::text`,
    decode: (v) => (v == null ? [] : typeof v === 'string' ? (JSON.parse(v) as string[]) : (v as string[])),
  }),
  /** An enum column, as its label. */
  enum: <T extends string>(expr: string): Column<T> => ({ select: `${expr}::text`, decode: (v) => v as T }),
  enumOrNull: <T extends string>(expr: string): Column<T | null> => ({ select: `${expr}::text`, decode: (v) => (v ?? null) as T | null }),
  /**
   * A `timestamp(3)` column, which Prisma writes in UTC, as milliseconds since the epoch: a number
   * is cheaper than `to_char` in the database and than parsing an ISO string here.
   */
  timestamp: (expr: string): Column<Date> => ({ select: epochMs(expr), decode: (v) => new Date(Number(v)) }),
  timestampOrNull: (expr: string): Column<Date | null> => ({
    select: epochMs(expr),
    decode: (v) => (v == null ? null : new Date(Number(v))),
  }),
  /** A `date` column: midnight UTC, as Prisma reads `@db.Date`; as days since the epoch (see `timestamp`). */
  date: (expr: string): Column<Date | null> => ({ select: `(${expr} - DATE '1970-01-01')`, decode: dateOf }),
  /** A `jsonb` column, as the shape its writers give it (Prisma's `Json` fields are no more checked). */
  json: <T = unknown>(expr: string): Column<T> => ({
    select: `${expr}::text`,
    decode: (v) => (typeof v === 'string' ? JSON.parse(v) : (v ?? null)) as T,
  }),
};

/** The columns of a row type, each named after its field: a field the row gains and the shape lacks fails to compile. */
export type Shape<R> = { [K in keyof R]-?: Column<R[K]> };

/** The `SELECT` list of a shape, each expression aliased to its field (quoted: fields are camelCase). */
export const selectList = <R>(shape: Shape<R>): Fragment =>
  raw(
    Object.entries(shape as Record<string, Column<unknown>>)
      .map(([field, col]) => `${col.select} AS "${field}"`)
      .join(', '),
  );

/** Runs statements: through the driver adapter Prisma also uses (one pool, counted like Prisma's). */
export type StatementRunner = (q: SqlQuery) => Promise<{ columnNames: string[]; rows: unknown[][] }>;

/** Runs a statement and decodes its rows with `shape`. */
export async function query<R>(run: StatementRunner, q: SqlQuery, shape: Shape<R>): Promise<R[]> {
  const { columnNames, rows } = await run(q);
  const columns = columnNames.map((name) => {
    const col = (shape as Record<string, Column<unknown>>)[name];
    if (!col) throw new Error(`typed-sql: the statement returned a column "${name}" its row type does not declare`);
    return [name, col.decode] as const;
  });
  return rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i][0]] = columns[i][1](values[i]);
    return row as R;
  });
}

/**
 * Shares one connected adapter between a Prisma client and the typed statements: `factory` goes to
 * the client, `run` runs a statement on what the client connected (or connects it first), so both
 * draw on one pool and the statement counter wrapped around the factory counts both.
 */
export function shareAdapter(factory: SqlDriverAdapterFactory): { factory: SqlDriverAdapterFactory; run: StatementRunner } {
  let connected: Promise<SqlDriverAdapter> | undefined;
  // A failed connection is not kept: the next statement tries again, as Prisma's client does.
  const connect = () =>
    (connected ??= factory.connect().catch((err: unknown) => {
      connected = undefined;
      throw err;
    }));
  const shared = new Proxy(factory, {
    get(target, prop) {
      if (prop === 'connect') return connect;
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { factory: shared, run: async (q) => (await connect()).queryRaw(q) };
}
