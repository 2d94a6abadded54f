import { DEV_TOKEN_SECRET } from '@maillage/viewer';
import { synergiesEnv } from '../src/env';

const key = 'Zq3v9XkR2mB7pL4tW8yN1cF6hJ0sD5gA-_uE';

test('configuration is validated at start, naming the variable', () => {
  expect(() => synergiesEnv({ GATEWAY_URL: 'not a url' })).toThrow(/GATEWAY_URL: must be an http\(s\) URL/);
  expect(() => synergiesEnv({ SYNERGIES_REFRESH_SECONDS: '0' })).toThrow(/SYNERGIES_REFRESH_SECONDS/);
  expect(synergiesEnv({})).toMatchObject({ GATEWAY_URL: 'http://127.0.0.1:4000/graphql', SYNERGIES_REFRESH_SECONDS: 300 });
});

test('in production the service needs a way to read the graph as an analyst', () => {
  expect(() => synergiesEnv({ NODE_ENV: 'production' })).toThrow(/SYNERGIES_GATEWAY_TOKEN, or AUTH_JWT_SECRET with AUTH_ISSUER: required in production/);
  expect(() => synergiesEnv({ NODE_ENV: 'production', AUTH_JWT_SECRET: key })).toThrow(/required in production/);
  expect(synergiesEnv({ NODE_ENV: 'production', AUTH_JWT_SECRET: key, AUTH_ISSUER: 'idp' }).AUTH_AUDIENCE).toBe('maillage');
  expect(synergiesEnv({ NODE_ENV: 'production', SYNERGIES_GATEWAY_TOKEN: 'eyJ'.padEnd(40, 'a') }).NODE_ENV).toBe('production');
});

test('in production the token key it signs with is neither short, published nor typed', () => {
  const production = (secret: string) => () => synergiesEnv({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'idp' });
  expect(production(DEV_TOKEN_SECRET)).toThrow(/synergies: invalid configuration\n {2}AUTH_JWT_SECRET: is a published value/);
  expect(production('compose-local-token-secret-change-me-too')).toThrow(/AUTH_JWT_SECRET: is a published value/);
  expect(production('x'.repeat(32))).toThrow(/AUTH_JWT_SECRET: does not look random/);
  expect(production('Zq3v9XkR2mB7pL4t')).toThrow(/AUTH_JWT_SECRET: must be at least 32 bytes/);
  // Outside production the development key is accepted (the service says so at start).
  expect(synergiesEnv({ AUTH_JWT_SECRET: DEV_TOKEN_SECRET }).AUTH_JWT_SECRET).toBe(DEV_TOKEN_SECRET);
});
