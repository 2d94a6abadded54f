#!/usr/bin/env node
// Writes random secrets into .env for the variables docker-compose.yml requires (it has no
// defaults): the gateway's signing secret, the access token key and the database password.
// A variable that already has a value is never overwritten; one that is unsafe (short, or a value
// published in this repository) is reported, and the script exits 1.
//   npm run secrets                 .env at the repository root
//   node scripts/secrets.js --file path/to/.env
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const SECRETS = {
  GATEWAY_SIGNING_SECRET: 'signs the viewer the gateway forwards to each subgraph (gateway and every subgraph)',
  AUTH_JWT_SECRET: 'HS256 key of access tokens (gateway; synergies signs its own analyst token with it)',
  POSTGRES_PASSWORD: 'password of the compose PostgreSQL',
};

const args = process.argv.slice(2);
const fileArg = args.indexOf('--file');
if (args.length && (fileArg < 0 || !args[fileArg + 1])) {
  console.error('usage: node scripts/secrets.js [--file PATH]   (default: .env at the repository root)');
  process.exit(2);
}
const file = fileArg >= 0 ? path.resolve(args[fileArg + 1]) : path.resolve(__dirname, '..', '.env');

// The one list of published values lives in @maillage/env; without a build, only lengths are checked.
let secretProblem = (v) => (Buffer.byteLength(v) < 32 ? 'must be at least 32 bytes' : undefined);
try {
  secretProblem = require('../packages/env/dist/secrets.js').secretProblem;
} catch {
  // not built yet (docker compose users need not build on the host)
}

const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
const lines = text.split('\n');
const valueOf = (name) => {
  const line = [...lines].reverse().find((l) => new RegExp(`^\\s*(export\\s+)?${name}\\s*=`).test(l));
  return line === undefined
    ? undefined
    : line
        .slice(line.indexOf('=') + 1)
        .trim()
        .replace(/^(["'])(.*)\1$/, '$2');
};

const written = [];
const kept = [];
const unsafe = [];
let out = text;
for (const [name, what] of Object.entries(SECRETS)) {
  const current = valueOf(name);
  if (current) {
    kept.push(name);
    const problem = secretProblem(current);
    if (problem) unsafe.push(`${name}: ${problem}`);
    continue;
  }
  // base64url: safe in a URL's userinfo (DATABASE_URL) and in a shell without quotes.
  const value = randomBytes(48).toString('base64url');
  const line = `${name}=${value}`;
  if (current === '') out = out.replace(new RegExp(`^\\s*(export\\s+)?${name}\\s*=.*$`, 'm'), line);
  else out += `${out && !out.endsWith('\n') ? '\n' : ''}# ${what}\n${line}\n`;
  written.push(name);
}

if (written.length) {
  fs.writeFileSync(file, out, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
const shown = path.relative(process.cwd(), file) || file;
if (written.length) console.log(`secrets: wrote ${written.join(', ')} to ${shown}`);
if (kept.length) console.log(`secrets: kept ${kept.join(', ')} (already set in ${shown}; never overwritten)`);
if (unsafe.length) {
  console.error(
    `secrets: unsafe values in ${shown}, which production refuses; delete these lines and run again:\n  ${unsafe.join('\n  ')}`,
  );
  process.exit(1);
}
