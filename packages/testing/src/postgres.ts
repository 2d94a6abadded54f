import { testServerUrl } from './databases';

/**
 * `describe` for tests that need a real PostgreSQL server (concurrency, lost connections: the
 * embedded PGlite has one connection and hides both). Without `TEST_DATABASE_URL` they are
 * skipped with a warning that says so, except under `CI=true`, where they fail instead: CI must
 * never pass by skipping them.
 */
export function describeOnPostgres(name: string, body: (serverUrl: string) => void): void {
  const server = testServerUrl();
  if (server) {
    describe(name, () => body(server));
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test('needs PostgreSQL', () => {
        throw new Error(`"${name}" needs a PostgreSQL server: set TEST_DATABASE_URL (CI=true never skips it)`);
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": it needs a PostgreSQL server; set TEST_DATABASE_URL=postgres://… to run it`);
    describe.skip(name, () => body(''));
  }
}
