import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@maillage/testing';

// The processes as `npm start` and the Docker images run them (dist/index.js): a production start
// with a secret anyone can read fails, and a development start on an open address says so.
function run(entry: string, env: Record<string, string>, until: RegExp): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const { NODE_ENV: _n, GATEWAY_SIGNING_SECRET: _g, AUTH_JWT_SECRET: _a, ...base } = process.env;
    const child = spawn(process.execPath, [path.join(repoRoot, entry)], {
      env: { ...base, PORT: '0', METRICS_PORT: '0', SUPERGRAPH_WATCH: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const seen = (d: Buffer) => {
      out += d;
      if (until.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => resolve({ code, out }));
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  });
}

const signing = 'Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5gA-_uE';

test('a production gateway with the development signing secret exits at once, naming it', async () => {
  const { code, out } = await run(
    'gateway/dist/index.js',
    { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'maillage-development-only-gateway-signing-secret' },
    /$^/,
  );
  expect(code).toBe(1);
  expect(out).toMatch(/gateway: invalid configuration\n {2}GATEWAY_SIGNING_SECRET: is a published value/);
  expect(out).not.toMatch(/ready at/);
});

test('a production subgraph without a signing secret exits before opening its database', async () => {
  const { code, out } = await run(
    'services/clubs/dist/index.js',
    { NODE_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    /$^/,
  );
  expect(code).toBe(1);
  expect(out).toMatch(/clubs: invalid configuration\n {2}GATEWAY_SIGNING_SECRET: required in production/);
});

test('a gateway without NODE_ENV on a non-loopback address says loudly that it is a development setup', async () => {
  const { out } = await run('gateway/dist/index.js', { HOST: '0.0.0.0' }, /ready at/);
  const warning = out.split('\n').find((l) => l.includes('DEVELOPMENT SETUP'));
  expect(JSON.parse(warning!)).toMatchObject({ level: 40, developmentSetup: true, service: 'gateway' });
  expect(warning).toMatch(/listening on 0\.0\.0\.0.*development defaults for GATEWAY_SIGNING_SECRET, the access token key/);
});

test('a subgraph without NODE_ENV on loopback with the development secret says so too; with its own secret and on loopback, nothing', async () => {
  const dev = await run('services/clubs/dist/index.js', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, /DEVELOPMENT SETUP/);
  expect(dev.out).toMatch(/clubs: DEVELOPMENT SETUP.*development defaults for GATEWAY_SIGNING_SECRET/);
  const quiet = await run(
    'services/clubs/dist/index.js',
    { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', GATEWAY_SIGNING_SECRET: signing },
    /$^/,
  );
  expect(quiet.out).not.toMatch(/DEVELOPMENT SETUP/);
});

test('a gateway stopped by SIGTERM has written the log line of every request it answered', async () => {
  const { NODE_ENV: _n, GATEWAY_SIGNING_SECRET: _g, AUTH_JWT_SECRET: _a, ...base } = process.env;
  const child = spawn(process.execPath, [path.join(repoRoot, 'gateway/dist/index.js')], {
    env: { ...base, PORT: '0', METRICS_PORT: '0', SUPERGRAPH_WATCH: 'false', GATEWAY_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  setTimeout(() => child.kill('SIGKILL'), 100_000).unref();
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const ready = out.split('\n').find((l) => l.includes('ready at'));
      if (ready) resolve((JSON.parse(ready) as { url: string }).url);
    }),
  );
  const ids = ['stop-1', 'stop-2', 'stop-3'];
  for (const id of ids) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: '{"query":"{ __typename }"}',
    });
    expect(res.status).toBe(200);
  }
  // At once: the lines are still in the logger's buffer (written by the 4 KiB, or after a second).
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const logged = out
    .split('\n')
    .filter((l) => l.includes('graphql request'))
    .map((l) => (JSON.parse(l) as { requestId: string }).requestId);
  expect(logged).toEqual(ids);
}, 120_000);
