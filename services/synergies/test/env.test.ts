import { synergiesEnv } from '../src/env';

test('configuration is validated at start, naming the variable', () => {
  expect(() => synergiesEnv({ GATEWAY_URL: 'not a url' })).toThrow(/GATEWAY_URL: must be an http\(s\) URL/);
  expect(() => synergiesEnv({ SYNERGIES_REFRESH_SECONDS: '0' })).toThrow(/SYNERGIES_REFRESH_SECONDS/);
  expect(synergiesEnv({})).toMatchObject({ GATEWAY_URL: 'http://127.0.0.1:4000/graphql', SYNERGIES_REFRESH_SECONDS: 300 });
});

test('in production the service needs a way to read the graph as an analyst', () => {
  expect(() => synergiesEnv({ NODE_ENV: 'production' })).toThrow(/SYNERGIES_GATEWAY_TOKEN, or AUTH_JWT_SECRET with AUTH_ISSUER: required in production/);
  expect(() => synergiesEnv({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) })).toThrow(/required in production/);
  expect(synergiesEnv({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_ISSUER: 'idp' }).AUTH_AUDIENCE).toBe('maillage');
  expect(synergiesEnv({ NODE_ENV: 'production', SYNERGIES_GATEWAY_TOKEN: 'eyJ'.padEnd(40, 'a') }).NODE_ENV).toBe('production');
});
