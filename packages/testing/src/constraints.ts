import { constraintError } from '@maillage/errors';

/** What a promise was rejected with, or null when it resolved: for writes a test expects refused. */
export const refusal = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (err: unknown) => err,
  );

/** A statement written past the API, the constraint that must refuse it, and the API code the refusal maps to. */
export type ConstraintCase = [statement: string, constraint: string, code: string];

/**
 * Runs each statement (raw SQL, past the API's checks) and expects the database to refuse it by the
 * named constraint, and that refusal to map to the API's error code. The constraint's name stands
 * beside each value compared, so a failure says which case it was.
 */
export async function expectConstraintRefusals(run: (statement: string) => Promise<unknown>, cases: ConstraintCase[]): Promise<void> {
  for (const [statement, constraint, code] of cases) {
    const err = await refusal(run(statement));
    expect([constraint, String((err as Error | null)?.message)]).toEqual([constraint, expect.stringContaining(constraint)]);
    expect([constraint, constraintError(err)?.extensions.code]).toEqual([constraint, code]);
  }
}

/**
 * The case every writing subgraph shares: its `idempotency_key` table (templates/shared/migrations)
 * refuses a key not of the API's shape, written past the API, by `idempotency_key_key_check`, and
 * the refusal maps to BAD_USER_INPUT.
 */
export const malformedIdempotencyKey = (key: string): ConstraintCase => [
  `INSERT INTO idempotency_key (key, operation, request_hash, result_id) VALUES ('${key}', 'x', 'y', 'z')`,
  'idempotency_key_key_check',
  'BAD_USER_INPUT',
];
