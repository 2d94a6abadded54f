import { DEV_TOKEN_SECRET } from '@maillage/viewer';
import { feedUrls, refreshSeconds, synergiesEnv } from '../src/env';

const key = 'Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5gA-_uE';
// The feed signs its reads of the subgraphs' logs with the gateway's secret: required in production.
const signing = { GATEWAY_SIGNING_SECRET: 'Hk2-pW9qLx4Rz7Nv0Tb3Mc8Yd5Fg1Js6Ua_eQ' };

test('configuration is validated at start, naming the variable', () => {
  expect(() => synergiesEnv({ GATEWAY_URL: 'not a url' })).toThrow(/GATEWAY_URL: must be an http\(s\) URL/);
  expect(() => synergiesEnv({ SYNERGIES_REFRESH_SECONDS: '0' })).toThrow(/SYNERGIES_REFRESH_SECONDS/);
  expect(synergiesEnv({})).toMatchObject({ GATEWAY_URL: 'http://127.0.0.1:4000/graphql', SYNERGIES_FEED_POLL_MS: 200 });
  expect(() => synergiesEnv({ SYNERGIES_FEEDS: 'directory=ftp://x' })).toThrow(/SYNERGIES_FEEDS: must be name=url pairs/);
});

test('the change feed: logs beside each GraphQL endpoint; full reads become a slow safety net', () => {
  const env = synergiesEnv({ SYNERGIES_FEEDS: 'directory=http://a:1/graphql, clubs=http://b:2/graphql' });
  expect(feedUrls(env)).toEqual({ directory: 'http://a:1/changes', clubs: 'http://b:2/changes' });
  expect(refreshSeconds(env)).toBe(3600);
  expect(refreshSeconds(synergiesEnv({ SYNERGIES_FEED_POLL_MS: '0' }))).toBe(300);
  expect(refreshSeconds(synergiesEnv({ SYNERGIES_REFRESH_SECONDS: '60' }))).toBe(60);
});

test('in production the service needs a way to read the graph as an analyst', () => {
  expect(() => synergiesEnv({ ...signing, NODE_ENV: 'production' })).toThrow(
    /SYNERGIES_GATEWAY_TOKEN, or AUTH_JWT_SECRET with AUTH_ISSUER: required in production/,
  );
  expect(() => synergiesEnv({ NODE_ENV: 'production', SYNERGIES_GATEWAY_TOKEN: 'eyJ'.padEnd(40, 'a') })).toThrow(
    /GATEWAY_SIGNING_SECRET: required in production/,
  );
  expect(() => synergiesEnv({ ...signing, NODE_ENV: 'production', AUTH_JWT_SECRET: key })).toThrow(/required in production/);
  expect(synergiesEnv({ ...signing, NODE_ENV: 'production', AUTH_JWT_SECRET: key, AUTH_ISSUER: 'idp' }).AUTH_AUDIENCE).toBe('maillage');
  expect(synergiesEnv({ ...signing, NODE_ENV: 'production', SYNERGIES_GATEWAY_TOKEN: 'eyJ'.padEnd(40, 'a') }).NODE_ENV).toBe('production');
});

test('in production the token key it signs with is neither short, published nor typed', () => {
  const production = (secret: string) => () =>
    synergiesEnv({ ...signing, NODE_ENV: 'production', AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'idp' });
  expect(production(DEV_TOKEN_SECRET)).toThrow(/synergies: invalid configuration\n {2}AUTH_JWT_SECRET: is a published value/);
  expect(production('compose-local-token-secret-change-me-too')).toThrow(/AUTH_JWT_SECRET: is a published value/);
  expect(production('x'.repeat(32))).toThrow(/AUTH_JWT_SECRET: does not look random/);
  expect(production('Zq3v9XkR2mB7pL4t')).toThrow(/AUTH_JWT_SECRET: must be at least 32 bytes/);
  // Outside production the development key is accepted (the service says so at start).
  expect(synergiesEnv({ AUTH_JWT_SECRET: DEV_TOKEN_SECRET }).AUTH_JWT_SECRET).toBe(DEV_TOKEN_SECRET);
});
