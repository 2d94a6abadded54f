import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';
import { secretProblem } from '../src';

// scripts/secrets.js, run as `npm run secrets` runs it, on a .env of its own.
const script = path.resolve(__dirname, '../../../scripts/secrets.js');
const dir = () => mkdtempSync(path.join(tmpdir(), 'maillage-secrets-'));
const run = (file: string) => spawnSync(process.execPath, [script, '--file', file], { encoding: 'utf8' });
const parse = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

test('writes a random secret for each variable compose requires, readable by the owner only, that production accepts', () => {
  const file = path.join(dir(), '.env');
  const res = run(file);
  expect(res.status).toBe(0);
  expect(res.stdout).toMatch(/wrote GATEWAY_SIGNING_SECRET, AUTH_JWT_SECRET, POSTGRES_PASSWORD/);
  const env = parse(file);
  expect(Object.keys(env)).toEqual(['GATEWAY_SIGNING_SECRET', 'AUTH_JWT_SECRET', 'POSTGRES_PASSWORD']);
  for (const v of Object.values(env)) {
    expect(secretProblem(v)).toBeUndefined();
    expect(v).toMatch(/^[A-Za-z0-9_-]{64}$/);
  }
  expect(new Set(Object.values(env)).size).toBe(3);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  // Another run draws other values.
  const other = path.join(dir(), '.env');
  run(other);
  expect(parse(other).GATEWAY_SIGNING_SECRET).not.toBe(env.GATEWAY_SIGNING_SECRET);
});

test('never overwrites a value already set; fills the missing and the empty ones; keeps everything else', () => {
  const file = path.join(dir(), '.env');
  const mine = 'Kp2-my-own-signing-secret-of-enough-bytes-9xQ';
  writeFileSync(file, `# mine\nLOG_LEVEL=debug\nGATEWAY_SIGNING_SECRET=${mine}\nPOSTGRES_PASSWORD=\n`);
  const res = run(file);
  expect(res.status).toBe(0);
  expect(res.stdout).toMatch(/wrote AUTH_JWT_SECRET, POSTGRES_PASSWORD/);
  expect(res.stdout).toMatch(/kept GATEWAY_SIGNING_SECRET/);
  const env = parse(file);
  expect(env).toMatchObject({ LOG_LEVEL: 'debug', GATEWAY_SIGNING_SECRET: mine });
  expect(env.POSTGRES_PASSWORD).toHaveLength(64);
  expect(readFileSync(file, 'utf8')).toMatch(/^# mine\n/);
  // A second run changes nothing.
  const before = readFileSync(file, 'utf8');
  expect(run(file).stdout).toMatch(/kept GATEWAY_SIGNING_SECRET, AUTH_JWT_SECRET, POSTGRES_PASSWORD/);
  expect(readFileSync(file, 'utf8')).toBe(before);
});

test('reports, without overwriting, a published or short value, and fails', () => {
  const file = path.join(dir(), '.env');
  writeFileSync(file, `GATEWAY_SIGNING_SECRET=${DEV_SIGNING_SECRET}\nAUTH_JWT_SECRET="short"\n`);
  const res = run(file);
  expect(res.status).toBe(1);
  expect(res.stderr).toMatch(/GATEWAY_SIGNING_SECRET: is a published value/);
  expect(res.stderr).toMatch(/AUTH_JWT_SECRET: must be at least 32 bytes/);
  expect(parse(file).GATEWAY_SIGNING_SECRET).toBe(DEV_SIGNING_SECRET);
  expect(parse(file).POSTGRES_PASSWORD).toHaveLength(64);
});

test('bad usage exits 2', () => {
  expect(() => execFileSync(process.execPath, [script, '--file'], { stdio: 'pipe' })).toThrow();
  expect(spawnSync(process.execPath, [script, '--nope'], { encoding: 'utf8' }).status).toBe(2);
});
