import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_SIGNING_SECRET, DEV_TOKEN_SECRET } from '@maillage/viewer';
import { isLoopback, PUBLISHED_SECRETS, secretProblem, serviceEnv, signingSecret, warnDevelopmentSetup, warnOpenMetrics } from '../src';

const root = path.resolve(__dirname, '../../..');
const good = 'Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5gA-_uE';

describe('a subgraph refuses to start in production with an unsafe signing secret', () => {
  const production =
    (secret?: string, extra: Record<string, string> = {}) =>
    () =>
      serviceEnv('clubs', 4005, { NODE_ENV: 'production', ...(secret === undefined ? {} : { GATEWAY_SIGNING_SECRET: secret }), ...extra });

  test('missing', () =>
    expect(production()).toThrow(/clubs: invalid configuration\n {2}GATEWAY_SIGNING_SECRET: required in production \(npm run secrets/));
  test('short (fewer than 32 bytes), in every environment', () => {
    expect(production('Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5g')).toThrow(/GATEWAY_SIGNING_SECRET: must be at least 32 bytes/);
    expect(() => serviceEnv('clubs', 4005, { GATEWAY_SIGNING_SECRET: 'short' })).toThrow(
      /GATEWAY_SIGNING_SECRET: must be at least 32 bytes/,
    );
  });
  test('published: the development default, and every value the repository shows', () => {
    expect(production(DEV_SIGNING_SECRET)).toThrow(/GATEWAY_SIGNING_SECRET: is a published value/);
    for (const s of PUBLISHED_SECRETS) expect(production(s)).toThrow(/GATEWAY_SIGNING_SECRET: (is a published value|must be at least)/);
  });
  test('typed rather than random', () => expect(production('x'.repeat(40))).toThrow(/GATEWAY_SIGNING_SECRET: does not look random/));
  test('a published metrics token', () =>
    expect(production(good, { METRICS_TOKEN: DEV_TOKEN_SECRET })).toThrow(/METRICS_TOKEN: is a published value/));
  test('a random secret of 32 bytes or more starts', () => {
    expect(production(good)()).toMatchObject({ GATEWAY_SIGNING_SECRET: good, METRICS_PORT: 9405, METRICS_HOST: '127.0.0.1' });
    expect(signingSecret({ NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: good }, 'clubs')).toBe(good);
  });
  test('outside production, the development secret stands in', () => {
    expect(signingSecret({}, 'clubs')).toBe(DEV_SIGNING_SECRET);
    expect(() => signingSecret({ NODE_ENV: 'production' }, 'clubs')).toThrow(/required in production/);
  });
});

test('bytes, not characters: 16 two-byte characters are 32 bytes', () => {
  expect(secretProblem('éàèùâêîôûçëïüÿœæ')).toBeUndefined();
  expect(secretProblem('éàèùâêîôûçëïüÿœ')).toBe('must be at least 32 bytes');
});

describe('a development setup says so, loudly', () => {
  const said = (opts: Parameters<typeof warnDevelopmentSetup>[1]) => {
    const lines: string[] = [];
    warnDevelopmentSetup('clubs', opts, (m) => lines.push(m));
    return lines;
  };
  test('listening on a non-loopback address without NODE_ENV=production', () => {
    expect(said({ host: '0.0.0.0', fallbacks: [] })).toEqual([
      expect.stringMatching(/^!!! clubs: DEVELOPMENT SETUP \(NODE_ENV is not set.*listening on 0\.0\.0\.0, which other machines can reach/),
    ]);
    expect(said({ nodeEnv: 'development', host: '10.0.0.5', fallbacks: [] })).toHaveLength(1);
  });
  test('a forgotten NODE_ENV on loopback still names the development secrets in use', () => {
    expect(said({ host: '127.0.0.1', fallbacks: ['GATEWAY_SIGNING_SECRET'] })).toEqual([
      expect.stringMatching(/development defaults for GATEWAY_SIGNING_SECRET/),
    ]);
    expect(said({ host: '127.0.0.1', fallbacks: [], published: ['AUTH_JWT_SECRET'] })).toEqual([
      expect.stringMatching(/AUTH_JWT_SECRET set to a value published/),
    ]);
  });
  test('silent in production, and on loopback with real secrets', () => {
    expect(said({ nodeEnv: 'production', host: '0.0.0.0', fallbacks: [] })).toEqual([]);
    expect(said({ host: '127.0.0.1', fallbacks: [] })).toEqual([]);
  });
  test('metrics on an open address without a token', () => {
    const lines: string[] = [];
    warnOpenMetrics('clubs', { host: '0.0.0.0' }, (m) => lines.push(m));
    warnOpenMetrics('clubs', { host: '0.0.0.0', token: good }, (m) => lines.push(m));
    warnOpenMetrics('clubs', { host: '127.0.0.1' }, (m) => lines.push(m));
    expect(lines).toEqual(['clubs: /metrics listens on 0.0.0.0 without METRICS_TOKEN: anyone who reaches that address reads them']);
  });
  test('loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '::', '192.168.1.2', 'gateway'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});

test('every secret value shown in .env.example, the README or the compose file is in the published list', () => {
  const shown = ['.env.example', 'README.md', 'docker-compose.yml', 'docs/architecture.md'].flatMap((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    return [...text.matchAll(/\b(?:GATEWAY_SIGNING_SECRET|AUTH_JWT_SECRET|METRICS_TOKEN)\s*[=:]\s*["']?([^\s"'`}]+)/g)].map((m) => m[1]);
  });
  // Placeholders (…, <...>) and compose's required-variable syntax carry no value.
  const values = shown.filter((v) => !/^(\$\{|…|<|\.\.\.)/.test(v) && v.length >= 8);
  for (const v of values) expect(PUBLISHED_SECRETS).toContain(v);
});

test('the compose file gives no secret a default: each must come from .env or the environment', () => {
  const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  const names = ['GATEWAY_SIGNING_SECRET', 'AUTH_JWT_SECRET', 'POSTGRES_PASSWORD'];
  for (const name of names) {
    const uses = [...text.matchAll(new RegExp(`^\\s+${name}: (.*)$`, 'gm'))].map((m) => m[1]);
    expect([name, uses.length > 0]).toEqual([name, true]);
    for (const value of uses) expect([name, value]).toEqual([name, expect.stringMatching(new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`))]);
  }
  // Nor inside a URL.
  expect(text).not.toMatch(/postgres:\/\/maillage:(?!\$\{POSTGRES_PASSWORD\})/);
  expect(text).not.toMatch(/\$\{(GATEWAY_SIGNING_SECRET|AUTH_JWT_SECRET|POSTGRES_PASSWORD):-/);
});
