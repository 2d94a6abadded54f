// Reads of the change log (a follower's polls of `POST /changes`) are counted apart from the
// requests' statements: their SQL opens with the mark the statement counter looks for.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { requestStatements, totalStatements } from '@maillage/observability';
import { openDatabase } from '../src/connect';
import { readChanges, type ChangeStore } from '../src/changes';
import { p, sql, type Param } from '../src/typed-sql';

const migrations = mkdtempSync(path.join(tmpdir(), 'changes-'));
mkdirSync(path.join(migrations, '20260101000000_init'));
writeFileSync(
  path.join(migrations, '20260101000000_init/migration.sql'),
  `CREATE TABLE "change_log" (
  "seq" BIGSERIAL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" TEXT NOT NULL, "op" TEXT NOT NULL,
  "payload" JSONB, "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "change_log" ("entity_type", "entity_id", "op", "payload") VALUES ('Actor', 'a', 'UPSERT', '{"id": "a"}');
`,
);
writeFileSync(path.join(migrations, 'migration_lock.toml'), 'provider = "postgresql"\n');

test('the change log’s reads count in the total, not among the requests’ statements', async () => {
  const db = await openDatabase({ service: 'changes-test', migrationsDir: migrations });
  const connection = await db.adapter.connect();
  // `$queryRaw` as Prisma's client runs it: the template's text as is, its values bound, on the counted adapter.
  const store: ChangeStore = {
    async $queryRaw(strings, ...values) {
      const params = values.map((v): Param => (typeof v === 'number' ? p.int(v) : p.text(String(v))));
      const { columnNames, rows } = await connection.queryRaw(sql(strings, ...params));
      return rows.map((r) => Object.fromEntries(columnNames.map((name, i) => [name, r[i]])));
    },
  };
  try {
    const total = totalStatements();
    const requests = requestStatements();
    const page = await readChanges(store, '0', 10);
    expect(page.changes.map((c) => [c.entityType, c.entityId, c.op])).toEqual([['Actor', 'a', 'UPSERT']]);
    expect(totalStatements() - total).toBe(2);
    expect(requestStatements() - requests).toBe(0);
  } finally {
    await connection.dispose();
    await db.close();
  }
}, 60_000);
