import { randomUUID } from 'node:crypto';
import { recordChanges, retryOnKeyRace } from '@maillage/db';
import { ErrorCode, userError } from '@maillage/errors';
import type { GraphQLError } from 'graphql';
import { membershipChange } from './changes';
import type { NetworkContext } from './loaders';
import { editedNetwork, ID, type MembershipInput } from './mutations';
import type { NetworkNames } from './names';
import { overlaps } from './periods';
import { enteredBy, type MembershipRow, type NetworkDb, type NetworkRow } from './rows';

/** Rows one call may carry: a spreadsheet's worth, within the gateway's body limit. */
export const MAX_IMPORT_ROWS = 500;

export interface ImportedMembershipInput extends MembershipInput {
  /** The client's name for the row (a spreadsheet line), echoed back. */
  ref?: string | null;
}

export interface ImportInput {
  memberships: ImportedMembershipInput[];
  allOrNothing?: boolean | null;
  dryRun?: boolean | null;
}

export type ImportRowStatus = 'CREATED' | 'UNCHANGED' | 'REFUSED';
export interface RowResult {
  ref: string | null;
  status: ImportRowStatus;
  membership: MembershipRow | null;
  code: string | null;
  message: string | null;
}

/** What an import did: the network imported into and one result per row. */
export interface ImportResult {
  network: NetworkRow;
  created: number;
  unchanged: number;
  refused: number;
  written: boolean;
  rows: RowResult[];
}

const day = (d: Date | null | undefined) => d?.getTime() ?? null;

/** What is wrong with a row on its own, before the database is asked. */
function rowProblem(row: ImportedMembershipInput): GraphQLError | null {
  if (!ID.test(row.actorId))
    return userError(ErrorCode.BAD_USER_INPUT, `actorId ${JSON.stringify(row.actorId.slice(0, 100))} is not an id`, 'actorId');
  if ((row.role?.trim().length ?? 0) > 200) return userError(ErrorCode.BAD_USER_INPUT, 'role is longer than 200 characters', 'role');
  if ((row.ref?.length ?? 0) > 100) return userError(ErrorCode.BAD_USER_INPUT, 'ref is longer than 100 characters', 'ref');
  if ((row.sources?.length ?? 0) > 20) return userError(ErrorCode.BAD_USER_INPUT, 'at most 20 sources a row', 'sources');
  if (row.startDate && row.endDate && row.endDate.getTime() < row.startDate.getTime()) {
    return userError(ErrorCode.INVALID_DATE_RANGE, 'endDate is before startDate', 'endDate');
  }
  return null;
}

/**
 * `import<T>Memberships`: many memberships of one network in one transaction, for network staff
 * who keep their members in spreadsheets. Idempotent on actor + category + start date: a row that
 * matches a recorded membership is UNCHANGED, so an import can run again; a row that overlaps a
 * different membership of the same actor and category is REFUSED (DUPLICATE_MEMBERSHIP), as
 * `add<T>Membership` would refuse it. Valid rows are written unless `allOrNothing` and a row is
 * refused, or `dryRun`. Authorized as the other membership mutations: the network's editors, admins.
 */
export function importMutations(names: NetworkNames) {
  const networkField = names.fields.networkId;
  return {
    importMemberships: async (_: unknown, { input }: { input: ImportInput & Record<string, unknown> }, { db, viewer }: NetworkContext) => {
      const networkId = editedNetwork(input, names, viewer);
      const rows = input.memberships;
      if (rows.length < 1 || rows.length > MAX_IMPORT_ROWS) {
        throw userError(ErrorCode.BAD_USER_INPUT, `give 1 to ${MAX_IMPORT_ROWS} memberships a call`, 'memberships');
      }
      // A concurrent add<T>Membership (which does not take the import's lock) can commit an
      // overlapping row first: the constraint refuses the whole write, and one more run reports it.
      return retryOnKeyRace(() =>
        db.$transaction(
          async (tx: NetworkDb) => {
            // Two imports of one network at once would each miss the other's rows: take turns.
            await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`import:${networkId}`}))::text`;
            const network = await tx.network.findUnique({ where: { id: networkId } });
            if (!network) throw userError(ErrorCode.UNKNOWN_NETWORK, `No ${names.field} ${networkId}`, networkField);
            const actorIds = [...new Set(rows.map((r) => r.actorId))];
            const existing: MembershipRow[] = await tx.membership.findMany({ where: { networkId, actorId: { in: actorIds } } });
            const byActor = new Map<string, Omit<MembershipRow, 'id'>[]>();
            for (const m of existing) byActor.set(m.actorId, [...(byActor.get(m.actorId) ?? []), m]);
            const results: RowResult[] = [];
            const toCreate: MembershipRow[] = [];
            // One import, one entry by one editor: every row it creates carries the same instant.
            const entered = enteredBy(viewer);
            for (const row of rows) {
              const ref = row.ref ?? null;
              const problem = rowProblem(row);
              if (problem) {
                results.push({ ref, status: 'REFUSED', membership: null, code: String(problem.extensions.code), message: problem.message });
                continue;
              }
              const same = (byActor.get(row.actorId) ?? []).filter((m) => m.category === row.category);
              const match = same.find((m) => day(m.startDate) === day(row.startDate));
              if (match) {
                results.push({ ref, status: 'UNCHANGED', membership: match as MembershipRow, code: null, message: null });
                continue;
              }
              const clash = same.find((m) => overlaps(m, row));
              if (clash) {
                const message = `Actor ${row.actorId} already has a ${row.category} membership of ${networkId} over that period${'id' in clash ? ` (${clash.id})` : ' (an earlier row)'}`;
                results.push({ ref, status: 'REFUSED', membership: null, code: ErrorCode.DUPLICATE_MEMBERSHIP, message });
                continue;
              }
              const created: MembershipRow = {
                id: `${names.idPrefix}-m-${randomUUID()}`,
                networkId,
                actorId: row.actorId,
                category: row.category,
                role: row.role?.trim() || null,
                startDate: row.startDate ?? null,
                endDate: row.endDate ?? null,
                sources: (row.sources ?? []).map((s) => s.trim()).filter(Boolean),
                ...entered,
              };
              // Later rows of the same file see this one: a file naming a member twice creates it once.
              byActor.set(row.actorId, [...(byActor.get(row.actorId) ?? []), created]);
              toCreate.push(created);
              results.push({ ref, status: 'CREATED', membership: created, code: null, message: null });
            }
            const refused = results.filter((r) => r.status === 'REFUSED').length;
            const write = !input.dryRun && !(input.allOrNothing && refused > 0) && toCreate.length > 0;
            if (write) {
              await tx.membership.createMany({ data: toCreate });
              await recordChanges(
                tx,
                toCreate.map((m) => membershipChange(names, m)),
              );
            }
            return {
              network,
              created: write ? toCreate.length : 0,
              unchanged: results.filter((r) => r.status === 'UNCHANGED').length,
              refused,
              written: write,
              // Rows that would have been created but were not written report no membership.
              rows: results.map((r) => (r.status === 'CREATED' && !write ? { ...r, membership: null } : r)),
            };
          },
          { timeout: 60_000 },
        ),
      );
    },
  };
}
