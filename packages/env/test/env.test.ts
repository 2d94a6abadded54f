import { readEnv, serviceEnv, subgraphEnvShape } from '../src/env';

test('a service refuses bad configuration at start and names every variable at fault', () => {
  expect(() => readEnv('clubs', subgraphEnvShape(4005), { PORT: 'eighty', DATABASE_URL: 'mysql://x', NODE_ENV: 'staging' })).toThrow(
    /clubs: invalid configuration\n {2}PORT: .*\n {2}DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL\n {2}NODE_ENV: /,
  );
});

test('defaults apply when variables are absent', () => {
  expect(readEnv('clubs', subgraphEnvShape(4005), {})).toEqual({
    PORT: 4005,
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: 10,
    DATABASE_CONNECT_WAIT_MS: 0,
    NODE_ENV: 'development',
  });
});

test('a refused first connection is retried only when DATABASE_CONNECT_WAIT_MS says how long, 0 to 600000 ms', () => {
  expect(readEnv('clubs', subgraphEnvShape(4005), { DATABASE_CONNECT_WAIT_MS: '60000' }).DATABASE_CONNECT_WAIT_MS).toBe(60_000);
  for (const bad of ['-1', '2.5', 'soon', '600001'])
    expect(() => readEnv('clubs', subgraphEnvShape(4005), { DATABASE_CONNECT_WAIT_MS: bad })).toThrow(/DATABASE_CONNECT_WAIT_MS/);
});

test('the pool size is a whole number of connections, 1 to 200', () => {
  expect(readEnv('clubs', subgraphEnvShape(4005), { DATABASE_POOL_SIZE: '25' }).DATABASE_POOL_SIZE).toBe(25);
  for (const bad of ['0', '2.5', 'ten', '201']) {
    expect(() => readEnv('clubs', subgraphEnvShape(4005), { DATABASE_POOL_SIZE: bad })).toThrow(/DATABASE_POOL_SIZE: /);
  }
});

test('a subgraph process reads its metrics listener apart from its public port', () => {
  expect(serviceEnv('clubs', 4005, {})).toMatchObject({ PORT: 4005, METRICS_PORT: 9405, METRICS_HOST: '127.0.0.1' });
  expect(serviceEnv('clubs', 4005, { METRICS_PORT: '9999', METRICS_HOST: '0.0.0.0' })).toMatchObject({
    METRICS_PORT: 9999,
    METRICS_HOST: '0.0.0.0',
  });
});
