import { createHash } from 'node:crypto';
import { ErrorCode, isRaceViolation, userError } from '@maillage/errors';

/** The `IdempotencyKey` model every subgraph schema declares, as a transaction client sees it. */
export interface IdempotencyStore {
  $queryRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<unknown>;
  idempotencyKey: {
    findUnique(args: { where: { key: string } }): Promise<{ operation: string; requestHash: string; resultId: string } | null>;
    create(args: { data: { key: string; operation: string; requestHash: string; resultId: string } }): Promise<unknown>;
  };
}

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** JSON with sorted keys, so the same input hashes the same whatever its field order. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Runs a create at most once per idempotency key, inside the caller's transaction: a retry with
 * the same key and the same input gets the first result back, even while the first is still
 * running (it waits for it); the same key with another input is refused. Without a key, the
 * create simply runs.
 */
export async function onceForKey<T>(
  tx: IdempotencyStore,
  request: { key?: string | null; operation: string; input: unknown },
  create: () => Promise<T & { id: string }>,
  load: (id: string) => Promise<T | null>,
): Promise<T> {
  if (request.key == null) return create();
  if (!KEY.test(request.key)) {
    throw userError(ErrorCode.BAD_USER_INPUT, 'idempotencyKey must be 8 to 128 letters, digits or . _ : -', 'idempotencyKey');
  }
  const requestHash = createHash('sha256').update(stable(request.input)).digest('hex');
  // Requests with one key take turns: under read committed each statement sees what committed
  // before it, so without the lock a second request could miss the first's key, then see the
  // row it created (a duplicate membership) and refuse instead of answering the same.
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('idempotency_key'), hashtext(${request.key}))::text`;
  const seen = await tx.idempotencyKey.findUnique({ where: { key: request.key } });
  if (seen) {
    if (seen.operation !== request.operation || seen.requestHash !== requestHash) {
      throw userError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'idempotencyKey was already used for a different request', 'idempotencyKey');
    }
    const previous = await load(seen.resultId);
    if (previous) return previous;
  }
  const created = await create();
  await tx.idempotencyKey.create({ data: { key: request.key, operation: request.operation, requestHash, resultId: created.id } });
  return created;
}

/**
 * Runs a transactional create once more when it lost a race (a unique or exclusion constraint
 * refused it once a concurrent write committed): on an idempotency key, the rolled-back loser then
 * finds the winner's key and returns the same result; on a duplicate, the API's own check now sees
 * the winner and refuses with its precise message. A second loss is the constraint's own refusal.
 */
export async function retryOnKeyRace<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!isRaceViolation(err) && (err as { code?: string }).code !== 'P2002') throw err;
    return run();
  }
}

/**
 * A create as every API write with an idempotency key runs it: in a transaction of its own, at most
 * once per key (`onceForKey`), and once more when it lost a race (`retryOnKeyRace`). `load` finds
 * the result of an earlier request with the same key.
 */
export function createOnce<Tx extends IdempotencyStore, T>(
  db: { $transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> },
  request: { key?: string | null; operation: string; input: unknown },
  create: (tx: Tx) => Promise<T & { id: string }>,
  load: (tx: Tx, id: string) => Promise<T | null>,
): Promise<T> {
  return retryOnKeyRace(() =>
    db.$transaction((tx) =>
      onceForKey(
        tx,
        request,
        () => create(tx),
        (id) => load(tx, id),
      ),
    ),
  );
}
