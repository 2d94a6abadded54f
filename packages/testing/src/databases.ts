import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server tests use, when one is configured: TEST_DATABASE_URL, else DATABASE_URL.
 * Without either, services run on in-memory PGlite.
 */
export function testServerUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.TEST_DATABASE_URL || env.DATABASE_URL || undefined;
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * Creates one fresh database per name on the test server, so parallel test files never see each
 * other's rows, and drops them all afterwards.
 */
export async function createDatabases(
  serverUrl: string,
  names: string[],
): Promise<{ urls: Record<string, string>; drop(): Promise<void> }> {
  const run = randomBytes(4).toString('hex');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const created: string[] = [];
  try {
    for (const name of names) {
      const db = `maillage_test_${run}_${name}`;
      await admin.query(`CREATE DATABASE ${db}`);
      created.push(db);
    }
  } finally {
    await admin.end();
  }
  return {
    urls: Object.fromEntries(names.map((n, i) => [n, withDatabase(serverUrl, created[i])])),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        for (const db of created) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
