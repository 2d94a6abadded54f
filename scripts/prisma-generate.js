#!/usr/bin/env node
'use strict';
// `prisma generate` for the service in the current folder, with no network:
//
//   cd services/<name> && node ../../scripts/prisma-generate.js [extra prisma generate options]
//
// The Prisma CLI wants to download its native schema engine before any command, generate
// included, although generate does not use it. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing
// file skips that download; CHECKPOINT_DISABLE=1 stops the CLI's update check (a network call).
// Both are only set when not already set, so a machine with the real engine keeps its own.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function resolvePrismaCli() {
  for (const from of [process.cwd(), __dirname]) {
    try {
      const pkgPath = require.resolve('prisma/package.json', { paths: [from] });
      const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
      const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.prisma;
      if (bin) return path.join(path.dirname(pkgPath), bin);
    } catch {
      /* try the next place */
    }
  }
  return null;
}

const cli = resolvePrismaCli();
if (!cli) {
  console.error('prisma-generate: the "prisma" package is not installed (run npm install at the repository root)');
  process.exit(1);
}

const env = { ...process.env };
const unset = (name) => env[name] === undefined || env[name] === '';
if (unset('PRISMA_SCHEMA_ENGINE_BINARY')) {
  // Any existing file will do: generate never runs it.
  env.PRISMA_SCHEMA_ENGINE_BINARY = fs.existsSync('/bin/false') ? '/bin/false' : process.execPath;
}
if (unset('CHECKPOINT_DISABLE')) env.CHECKPOINT_DISABLE = '1';
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], { stdio: 'inherit', env });
if (result.error) {
  console.error(`prisma-generate: ${result.error.message}`);
  process.exit(1);
}
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
