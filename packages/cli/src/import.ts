import { readFileSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { actorKey, CliError, Gateway, operation } from './gateway';
import { ActorIdBySirenDocument, ActorKind, CreateImportedActorDocument } from './graphql';
import { networkTypeOf, readMembers, type MemberRow, type NetworkType } from './rows';

/** Rows per import call: each call is one transaction in the network's subgraph (MAX_IMPORT_ROWS there). */
export const CHUNK = 500;
/** From this many rows, a progress bar shows on a terminal. */
export const PROGRESS_FROM = 200;
const CONCURRENCY = 6;

export interface ImportOptions {
  file: string;
  network: string;
  url: string;
  token: string;
  allOrNothing: boolean;
  dryRun: boolean;
  defaultCategory?: string;
  /** Where the report goes. @default process.stdout */
  out?: (line: string) => void;
  /** Show a progress bar: true, false, or 'auto' (a terminal and a large file). @default 'auto' */
  progress?: boolean | 'auto';
}

export interface ImportSummary {
  read: number;
  invalid: number;
  refused: number;
  created: number;
  unchanged: number;
  actorsCreated: number;
  written: boolean;
}

interface ImportResult {
  network: { id: string; name: string };
  created: number;
  unchanged: number;
  refused: number;
  written: boolean;
  rows: { ref: string | null; status: 'CREATED' | 'UNCHANGED' | 'REFUSED'; code: string | null; message: string | null }[];
}

/** Runs `fn` over `items`, `limit` at a time, in order of results. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

function progressBar(
  total: number,
  mode: boolean | 'auto',
): { start(phase: string, n: number): void; tick(n?: number): void; stop(): void } {
  const on = mode === true || (mode === 'auto' && total >= PROGRESS_FROM && !!process.stderr.isTTY);
  if (!on) return { start: () => undefined, tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    { format: '{phase} [{bar}] {value}/{total} rows', stream: process.stderr, hideCursor: true, noTTYOutput: mode === true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    start: (phase, n) => {
      if (started) bar.stop();
      bar.start(n, 0, { phase: phase.padEnd(11) });
      started = true;
    },
    tick: (n = 1) => bar.increment(n),
    stop: () => started && bar.stop(),
  };
}

/**
 * `maillage import members FILE.csv --network ID`: checks every row, finds or creates each actor in
 * the directory by SIREN, then records the memberships with import<Network>Memberships, all through
 * the gateway with the editor's token. Running it again changes nothing.
 */
export async function importMembers(opts: ImportOptions): Promise<ImportSummary> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const type = networkTypeOf(opts.network);
  if (!type) throw new CliError(`--network ${JSON.stringify(opts.network)} is not a network id (ch-…, cl-…, co-…, cb-…)`, 'BAD_USER_INPUT');
  let text: string;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${opts.file}: ${(err as Error).message}`, 'BAD_USER_INPUT');
  }
  const { rows, errors } = readMembers(text, type, { defaultCategory: opts.defaultCategory });
  for (const e of errors) for (const m of e.messages) out(`line ${e.line}: ${m}`);
  const summary: ImportSummary = {
    read: rows.length + errors.length,
    invalid: errors.length,
    refused: 0,
    created: 0,
    unchanged: 0,
    actorsCreated: 0,
    written: false,
  };
  if (errors.length && opts.allOrNothing) {
    out(`${errors.length} of ${summary.read} rows are not valid: nothing imported (--all-or-nothing).`);
    return summary;
  }
  if (!rows.length) {
    out('No valid row to import.');
    return summary;
  }
  const gateway = new Gateway(opts.url, opts.token);
  const bar = progressBar(rows.length, opts.progress ?? 'auto');
  try {
    const { ids, missing, unresolvable } = await lookUpActors(gateway, rows, bar);
    for (const row of unresolvable) out(`line ${row.line}: SIREN ${row.siren} is not in the directory; give its name to create it`);
    const importable = rows.filter((r) => !unresolvable.some((u) => u.siren === r.siren));
    summary.invalid += rows.length - importable.length;
    if (unresolvable.length && opts.allOrNothing) {
      out(`${summary.invalid} of ${summary.read} rows cannot be imported: nothing imported (--all-or-nothing).`);
      return summary;
    }
    // Actors still to create stand in under a placeholder id while the rows are checked.
    for (const row of missing) ids.set(row.siren, `act-new-${row.siren}`);
    const chunks = Array.from({ length: Math.ceil(importable.length / CHUNK) }, (_, i) => importable.slice(i * CHUNK, (i + 1) * CHUNK));
    const send = (chunk: MemberRow[], flags: { dryRun: boolean; allOrNothing: boolean }) =>
      gateway
        .request<{ [k: string]: ImportResult }, { input: Record<string, unknown> }>(
          operation(`Import${type}Memberships`),
          {
            input: {
              [`${type.toLowerCase()}Id`]: opts.network,
              ...flags,
              memberships: chunk.map((r) => ({
                ref: String(r.line),
                actorId: ids.get(r.siren),
                category: r.category,
                role: r.role,
                startDate: r.startDate,
                endDate: r.endDate,
              })),
            },
          },
          `Import${type}Memberships`,
        )
        .then((d) => d[`import${type}Memberships`]);
    let network: ImportResult['network'] | undefined;
    const checked = opts.allOrNothing || opts.dryRun || missing.length > 0;
    if (checked) {
      // Actors come first and several calls cannot share one transaction: check every row (and the
      // editor's right to the network) before anything is written anywhere.
      bar.start('checking', importable.length);
      for (const chunk of chunks) {
        const r = await send(chunk, { dryRun: true, allOrNothing: opts.allOrNothing });
        network = r.network;
        summary.refused += report(r, out);
        summary.unchanged += r.unchanged;
        bar.tick(chunk.length);
      }
      bar.stop();
      if (opts.dryRun || (opts.allOrNothing && summary.refused)) {
        if (!opts.dryRun) {
          out(`${summary.refused} rows refused by ${opts.network}: nothing imported (--all-or-nothing).`);
          return summary;
        }
        summary.actorsCreated = missing.length;
        out(
          `${network?.name ?? opts.network} (${opts.network}), dry run: ${summary.read} rows read, ${summary.invalid} not valid, ${summary.refused} refused, ` +
            `${importable.length - summary.refused - summary.unchanged} memberships and ${missing.length} actors would be created, ${summary.unchanged} already recorded.`,
        );
        return summary;
      }
      summary.unchanged = 0;
      summary.refused = 0;
    }
    summary.actorsCreated = await createActors(gateway, missing, ids, bar);
    bar.start('importing', importable.length);
    for (const chunk of chunks) {
      const r = await send(chunk, { dryRun: false, allOrNothing: opts.allOrNothing });
      network = r.network;
      // Rows refused at the check were reported then.
      summary.refused += checked ? r.refused : report(r, out);
      summary.created += r.written ? r.created : 0;
      summary.unchanged += r.unchanged;
      summary.written ||= r.written;
      bar.tick(chunk.length);
    }
    bar.stop();
    out(
      `${network?.name ?? opts.network} (${opts.network}): ${summary.read} rows read, ${summary.invalid} not valid, ${summary.refused} refused, ` +
        `${summary.created} memberships created, ${summary.unchanged} already recorded, ${summary.actorsCreated} actors created in the directory.`,
    );
    return summary;
  } finally {
    bar.stop();
  }
}

/** Prints the refused rows of one call; returns how many. */
function report(r: ImportResult, out: (line: string) => void): number {
  for (const row of r.rows) if (row.status === 'REFUSED') out(`line ${row.ref}: ${row.code}: ${row.message}`);
  return r.refused;
}

/** A row that names its actor: enough to create it in the directory. */
type Named = MemberRow & { name: string };
const isNamed = (row: MemberRow): row is Named => !!row.name;

/** The directory id of each row's SIREN, and the SIRENs missing from it (with a name to create them, or not). */
async function lookUpActors(gateway: Gateway, rows: MemberRow[], bar: ReturnType<typeof progressBar>) {
  const firstRow = new Map<string, MemberRow>();
  for (const r of rows) if (!firstRow.has(r.siren) || (!firstRow.get(r.siren)!.name && r.name)) firstRow.set(r.siren, r);
  const entries = [...firstRow.values()];
  bar.start('actors', entries.length);
  const found = await pool(entries, CONCURRENCY, async (row) => {
    const d = await gateway.request(ActorIdBySirenDocument, { siren: row.siren });
    bar.tick();
    return d.actorBySiren?.id;
  });
  const ids = new Map<string, string>();
  const missing: Named[] = [];
  const unresolvable: MemberRow[] = [];
  entries.forEach((row, i) => {
    if (found[i]) ids.set(row.siren, found[i]);
    else if (isNamed(row)) missing.push(row);
    else unresolvable.push(row);
  });
  return { ids, missing, unresolvable };
}

/**
 * Creates the missing actors from their rows (a company, with its name, commune, NAF code and
 * website). The idempotency key comes from the SIREN and the fields, so a rerun, or a retry after a
 * lost answer, never creates twice.
 */
async function createActors(
  gateway: Gateway,
  missing: Named[],
  ids: Map<string, string>,
  bar: ReturnType<typeof progressBar>,
): Promise<number> {
  if (!missing.length) return 0;
  bar.start('new actors', missing.length);
  await pool(missing, CONCURRENCY, async (row) => {
    const input = {
      kind: ActorKind.Company,
      name: row.name,
      siren: row.siren,
      communeCode: row.communeCode,
      nafCode: row.nafCode,
      website: row.website,
      sources: ['maillage import members'],
    };
    const d = await gateway.request(CreateImportedActorDocument, { input, idempotencyKey: actorKey(row.siren, input) });
    ids.set(row.siren, d.createActor.id);
    bar.tick();
  });
  return missing.length;
}

export type { NetworkType };
