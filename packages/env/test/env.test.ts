import { readEnv, subgraphEnvShape } from '../src/env';

test('a service refuses bad configuration at start and names every variable at fault', () => {
  expect(() => readEnv('clubs', subgraphEnvShape(4005), { PORT: 'eighty', DATABASE_URL: 'mysql://x', NODE_ENV: 'staging' })).toThrow(
    /clubs: invalid configuration\n {2}PORT: .*\n {2}DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL\n {2}NODE_ENV: /,
  );
});

test('defaults apply when variables are absent', () => {
  expect(readEnv('clubs', subgraphEnvShape(4005), {})).toEqual({ PORT: 4005, HOST: '127.0.0.1', NODE_ENV: 'development' });
});
