import { DEV_SIGNING_SECRET, DEV_TOKEN_SECRET } from '@maillage/viewer';
import { PUBLISHED_SECRETS } from '@maillage/env';
import { tokenConfigFromEnv } from '../src/auth';
import { entityCacheOf, gatewayEnv } from '../src/env';

// The gateway refuses, at start, a production setup anyone who reads the repository could sign for.
const signing = 'Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5gA-_uE';
const tokens = 'Hy7-Wm2Qp9Lx4Rt6Vb1Nc8Kd3Fg5Js0Az_Ue';
const production = (env: Record<string, string>) => () =>
  gatewayEnv({ NODE_ENV: 'production', AUTH_ISSUER: 'https://idp.example/', ...env });

test('a production gateway without a signing secret does not start', () => {
  expect(production({ AUTH_JWT_SECRET: tokens })).toThrow(
    /gateway: invalid configuration\n {2}GATEWAY_SIGNING_SECRET: required in production/,
  );
});

test('a short secret is refused in every environment', () => {
  expect(production({ GATEWAY_SIGNING_SECRET: signing.slice(0, 31), AUTH_JWT_SECRET: tokens })).toThrow(
    /GATEWAY_SIGNING_SECRET: must be at least 32 bytes/,
  );
  expect(() => gatewayEnv({ AUTH_JWT_SECRET: 'too-short' })).toThrow(/AUTH_JWT_SECRET: must be at least 32 bytes/);
});

test('a published secret (development default, old compose default, example) is refused in production, each variable named', () => {
  expect(production({ GATEWAY_SIGNING_SECRET: DEV_SIGNING_SECRET, AUTH_JWT_SECRET: DEV_TOKEN_SECRET })).toThrow(
    /GATEWAY_SIGNING_SECRET: is a published value.*\n {2}AUTH_JWT_SECRET: is a published value/,
  );
  expect(production({ GATEWAY_SIGNING_SECRET: signing, AUTH_JWT_SECRET: 'compose-local-token-secret-change-me-too' })).toThrow(
    /AUTH_JWT_SECRET: is a published value/,
  );
  expect(production({ GATEWAY_SIGNING_SECRET: 'compose-local-signing-secret-change-me', AUTH_JWT_SECRET: tokens })).toThrow(
    /GATEWAY_SIGNING_SECRET: is a published value/,
  );
  expect(production({ GATEWAY_SIGNING_SECRET: signing, AUTH_JWT_SECRET: tokens, METRICS_TOKEN: PUBLISHED_SECRETS.at(-1)! })).toThrow(
    /METRICS_TOKEN: is a published value/,
  );
});

test('a typed secret is refused in production', () => {
  expect(production({ GATEWAY_SIGNING_SECRET: '0123456'.repeat(5), AUTH_JWT_SECRET: tokens })).toThrow(
    /GATEWAY_SIGNING_SECRET: does not look random/,
  );
});

test('a production gateway still needs a token key and an issuer', () => {
  const env = production({ GATEWAY_SIGNING_SECRET: signing })();
  expect(() => tokenConfigFromEnv(env, () => undefined)).toThrow(
    /AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET, and AUTH_ISSUER: required in production/,
  );
});

test('random secrets start, with metrics on a loopback listener of their own', () => {
  const env = production({ GATEWAY_SIGNING_SECRET: signing, AUTH_JWT_SECRET: tokens })();
  expect(env).toMatchObject({
    GATEWAY_SIGNING_SECRET: signing,
    AUTH_JWT_SECRET: tokens,
    PORT: 4000,
    METRICS_PORT: 9400,
    METRICS_HOST: '127.0.0.1',
  });
  expect(tokenConfigFromEnv(env, () => undefined)).toMatchObject({ secret: tokens, issuer: 'https://idp.example/' });
});

test('outside production the development defaults stand in (and the gateway says so at start)', () => {
  expect(gatewayEnv({ GATEWAY_SIGNING_SECRET: DEV_SIGNING_SECRET }).GATEWAY_SIGNING_SECRET).toBe(DEV_SIGNING_SECRET);
  const warned: string[] = [];
  expect(tokenConfigFromEnv(gatewayEnv({}), (m) => warned.push(m))).toMatchObject({ secret: DEV_TOKEN_SECRET });
  expect(warned).toHaveLength(1);
});

test("the entity cache follows every subgraph's change log unless told which, or told not to", () => {
  expect(entityCacheOf(gatewayEnv({}))?.feed).toEqual({ pollMs: 200, waitMs: 20_000, subgraphs: undefined });
  expect(entityCacheOf(gatewayEnv({ ENTITY_CACHE_FEEDS: 'directory, clubs', ENTITY_CACHE_FEED_POLL_MS: '50' }))?.feed).toEqual({
    pollMs: 50,
    waitMs: 20_000,
    subgraphs: ['directory', 'clubs'],
  });
  expect(entityCacheOf(gatewayEnv({ ENTITY_CACHE_FEED_WAIT_MS: '0' }))?.feed).toMatchObject({ pollMs: 200, waitMs: 0 });
  expect(entityCacheOf(gatewayEnv({ ENTITY_CACHE_FEED_POLL_MS: '0' }))?.feed).toBe(false);
  expect(() => gatewayEnv({ ENTITY_CACHE_FEED_POLL_MS: '-1' })).toThrow(/ENTITY_CACHE_FEED_POLL_MS/);
  // Longer than a subgraph's POST /changes waits (30 s): refused at start, not at each read.
  expect(() => gatewayEnv({ ENTITY_CACHE_FEED_WAIT_MS: '30001' })).toThrow(/ENTITY_CACHE_FEED_WAIT_MS/);
});

test('query fetches of concurrent requests are batched unless told not to', () => {
  expect(gatewayEnv({}).SUBGRAPH_BATCHING).toBe('true');
  expect(gatewayEnv({ SUBGRAPH_BATCHING: 'false' }).SUBGRAPH_BATCHING).toBe('false');
  expect(() => gatewayEnv({ SUBGRAPH_BATCHING: 'yes' })).toThrow(/SUBGRAPH_BATCHING/);
});
