#!/usr/bin/env node
'use strict';
// Prisma migrations for the services, offline (no native schema engine, no database server).
//
//   node scripts/migrations.js <service> <name> [--empty]
//       Writes services/<service>/prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql with what
//       `prisma migrate dev --create-only --name <name>` would write: the difference between the
//       existing migrations (replayed on an in-memory PGlite shadow database) and
//       prisma/schema.prisma. Writes migration_lock.toml when missing. Prints "no change" when the
//       migrations already match the schema. --empty writes an empty migration for hand-written SQL.
//
//   node scripts/migrations.js --check [service...]
//       For every service with prisma/schema.prisma (or the listed ones), fails (exit 1) when the
//       schema has changes that no migration captures, when a migration does not apply, or when
//       migration_lock.toml is missing. Deterministic and offline: meant for CI.
//
//   --root DIR   use DIR/services/* instead of this repository's (for tests).
//   A service may also be given as a path to its folder.
//
// Applying migrations is not done here: services apply them at start-up (packages/db/src/migrate.ts),
// and `prisma migrate deploy` works on them too on a machine that has Prisma's native engine.

const fs = require('node:fs');
const path = require('node:path');
const { NO_FILTER, lockfileContent, openSchemaEngine, readMigrationsList, slugifyMigrationName } = require('./lib/schema-engine');

const USAGE = `usage:
  node scripts/migrations.js <service> <name> [--empty]   create a migration from prisma/schema.prisma
  node scripts/migrations.js --check [service...]          fail when a schema has unmigrated changes
options: --root DIR (services are DIR/services/*), --verbose (engine log on stderr)`;

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { check: false, empty: false, verbose: false, root: path.resolve(__dirname, '..'), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') opts.check = true;
    else if (a === '--empty' || a === '--create-only-empty') opts.empty = true;
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--root') opts.root = path.resolve(argv[++i] ?? '.');
    else if (a.startsWith('--root=')) opts.root = path.resolve(a.slice('--root='.length));
    else if (a === '--help' || a === '-h') opts.help = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else opts.positional.push(a);
  }
  return opts;
}

/** A service by name (services/<name>) or by path to its folder. */
function resolveService(root, arg) {
  const byName = path.join(root, 'services', arg);
  const dir = fs.existsSync(byName) ? byName : arg.includes(path.sep) || arg.startsWith('.') ? path.resolve(arg) : byName;
  const schemaPath = path.join(dir, 'prisma', 'schema.prisma');
  return {
    name: path.basename(dir),
    dir,
    schemaPath,
    migrationsDir: path.join(dir, 'prisma', 'migrations'),
  };
}

function listServices(root) {
  const servicesDir = path.join(root, 'services');
  let names = [];
  try {
    names = fs
      .readdirSync(servicesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    /* no services yet */
  }
  return names
    .sort()
    .map((n) => resolveService(root, n))
    .filter((s) => fs.existsSync(s.schemaPath));
}

function rel(p) {
  return path.relative(process.cwd(), p) || '.';
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function indent(text, prefix = '    ') {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');
}

/** The engine's messages end with a span trace ("   0: schema_engine_wasm::..."): keep the message. */
function engineMessage(e) {
  const message = String(e?.message ?? e);
  const cut = message.search(/\n\s+0: [\w:]+/);
  if (cut < 0) return message.trim();
  const head = message.slice(0, cut).trim();
  const migration = /migration_name="([^"]+)"/.exec(message.slice(cut));
  return migration && !head.includes(migration[1]) ? `${head}\n(in migration ${migration[1]})` : head;
}

/** The list handed to the engine; without a lock file the engine cannot tell the provider. */
function migrationsListForEngine(service) {
  const list = readMigrationsList(service.migrationsDir);
  if (list.lockfile.content === null) list.lockfile = { ...list.lockfile, content: lockfileContent() };
  return list;
}

async function create(se, service, rawName, { empty }) {
  if (!fs.existsSync(service.schemaPath)) throw new Error(`${rel(service.schemaPath)} not found`);
  const migrationName = slugifyMigrationName(rawName);
  if (!migrationName) throw new UsageError(`migration name "${rawName}" is empty once slugified`);
  const schemaText = fs.readFileSync(service.schemaPath, 'utf8');
  const schema = { files: [{ path: service.schemaPath, content: schemaText }] };
  const lockPath = path.join(service.migrationsDir, 'migration_lock.toml');
  const hadLock = fs.existsSync(lockPath);
  const migrationsList = migrationsListForEngine(service);

  const engine = await se.engine([[service.schemaPath, schemaText]]);
  // Same sequence as `prisma migrate dev --create-only`, on an empty in-memory development database:
  // apply the existing migrations to it, then devDiagnostic replays the applied migrations on a
  // shadow database (drift detection) and caches the resulting schema. createMigration relies on
  // that cache: the WASM engine gives it no shadow database of its own, so without the cache it
  // fails with "PostgreSQL shadow DB must be provided through an external factory".
  await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
  const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
  if (diagnostic.action.tag === 'reset') {
    throw new Error(`the engine asks for a database reset: ${diagnostic.action.reason}`);
  }
  const dataLoss = await engine.evaluateDataLoss({ migrationsList, schema, filters: NO_FILTER });
  const created = await engine.createMigration({
    draft: empty,
    migrationName,
    migrationsList,
    schema,
    filters: NO_FILTER,
  });

  const written = [];
  if (created.migrationScript !== null) {
    const dir = path.join(service.migrationsDir, created.generatedMigrationName);
    if (fs.existsSync(dir)) throw new Error(`the migration directory already exists at ${rel(dir)}`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `migration.${created.extension}`);
    fs.writeFileSync(file, created.migrationScript, 'utf8');
    written.push(file);
  }
  // Prisma rewrites the lock file with every new migration; here it is written when missing only.
  if ((created.migrationScript !== null || migrationsList.migrationDirectories.length > 0) && !hadLock) {
    fs.mkdirSync(service.migrationsDir, { recursive: true });
    fs.writeFileSync(lockPath, lockfileContent(created.connectorType), 'utf8');
    written.push(lockPath);
  }

  for (const w of dataLoss.warnings) console.log(`warning: ${w.message}`);
  for (const u of dataLoss.unexecutableSteps) {
    console.log(`warning: this step cannot be executed on a database that holds data: ${u.message}`);
  }
  if (written.length === 0) {
    console.log(`${service.name}: no change`);
  } else {
    for (const w of written) console.log(`${service.name}: wrote ${rel(w)}`);
    if (created.migrationScript !== null) console.log(`\n${created.migrationScript.trimEnd()}`);
  }
}

/** @returns {Promise<string | null>} null when in sync, otherwise what is wrong. */
async function check(se, service) {
  if (!fs.existsSync(service.schemaPath)) return `${rel(service.schemaPath)} not found`;
  const schemaText = fs.readFileSync(service.schemaPath, 'utf8');
  const list = readMigrationsList(service.migrationsDir);
  const problems = [];
  for (const m of list.migrationDirectories) {
    if (m.migrationFile.content.tag === 'error') problems.push(`${m.path}/migration.sql cannot be read`);
  }
  if (list.migrationDirectories.length > 0 && list.lockfile.content === null) {
    problems.push('prisma/migrations/migration_lock.toml is missing');
  } else if (list.lockfile.content !== null && !/^\s*provider\s*=\s*"postgresql"\s*$/m.test(list.lockfile.content)) {
    problems.push('prisma/migrations/migration_lock.toml does not say provider = "postgresql"');
  }
  if (problems.length) return problems.join('; ');

  const engine = await se.engine([[service.schemaPath, schemaText]]);
  let result;
  try {
    result = await engine.diff({
      from: { tag: 'migrations', ...migrationsListForEngine(service) },
      to: { tag: 'schemaDatamodel', files: [{ path: service.schemaPath, content: schemaText }] },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
  } catch (e) {
    return engineMessage(e);
  }
  if (result.exitCode === 0) return null;
  return (
    `prisma/schema.prisma has changes that no migration captures. SQL still missing:\n${indent(result.stdout ?? '')}\n` +
    `  Create the migration with: node scripts/migrations.js ${service.name} <name>`
  );
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  if (opts.check) {
    const services = opts.positional.length ? opts.positional.map((s) => resolveService(opts.root, s)) : listServices(opts.root);
    if (services.length === 0) {
      console.log(`migrations check: no service with prisma/schema.prisma under ${rel(path.join(opts.root, 'services'))}`);
      return 0;
    }
    const se = await openSchemaEngine({ log: opts.verbose ? (l) => process.stderr.write(l) : undefined });
    let failed = 0;
    try {
      for (const service of services) {
        const t = Date.now();
        const count = readMigrationsList(service.migrationsDir).migrationDirectories.length;
        const problem = await check(se, service);
        if (problem) {
          failed++;
          console.error(`✗ ${service.name} (${seconds(Date.now() - t)}): ${problem}`);
        } else {
          console.log(
            `✓ ${service.name}: migrations match prisma/schema.prisma (${count} migration${count === 1 ? '' : 's'}, ${seconds(Date.now() - t)})`,
          );
        }
      }
    } finally {
      await se.close();
    }
    const total = seconds(Date.now() - started);
    if (failed) {
      console.error(`migrations check failed for ${failed} of ${services.length} service(s) in ${total}`);
      return 1;
    }
    console.log(`migrations check: ${services.length} service(s) up to date in ${total}`);
    return 0;
  }

  if (opts.positional.length !== 2) throw new UsageError('expected <service> <name>');
  const [serviceArg, name] = opts.positional;
  const service = resolveService(opts.root, serviceArg);
  const se = await openSchemaEngine({ log: opts.verbose ? (l) => process.stderr.write(l) : undefined });
  try {
    await create(se, service, name, opts);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new Error(`${service.name}: ${engineMessage(e)}`, { cause: e });
  } finally {
    await se.close();
  }
  console.log(`(${seconds(Date.now() - started)})`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`migrations: ${engineMessage(e)}`);
    if (process.env.DEBUG) console.error(e);
    process.exit(1);
  },
);
