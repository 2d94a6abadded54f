import { spawnSync } from 'node:child_process';

/**
 * The Redis the shared-store tests use (TEST_REDIS_URL, else 127.0.0.1:6379) and `withRedis`, a
 * `test` that is skipped, loudly, on a machine where nothing answers there; in CI (CI=true, where
 * .ci/run starts Redis) never. The probe is a child process: jest collects tests synchronously.
 */
export function redisForTests(what: string): { url: string; withRedis: jest.It } {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const { hostname, port } = new URL(url);
  const probe = `require('net').connect(${Number(port || 6379)}, ${JSON.stringify(hostname)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000);`;
  const reachable = spawnSync(process.execPath, ['-e', probe]).status === 0;
  if (!reachable && process.env.CI !== 'true') console.warn(`\n  ${what} SKIPPED: nothing answers at ${url}. CI never skips it.\n`);
  return { url, withRedis: reachable || process.env.CI === 'true' ? test : test.skip };
}
