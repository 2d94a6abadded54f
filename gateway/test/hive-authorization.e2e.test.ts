// The authorization table of authorization.e2e.test.ts, every row and role, with Hive Gateway and
// the Maillage plugin (src/hive) in front of the subgraphs instead of Maillage's gateway: the same
// file runs, with the harness starting Hive Gateway. What it proves is that a gateway in front
// needs only the plugin: the subgraphs refuse and allow exactly as they do behind Maillage's.
jest.mock('../src/server', () => ({
  ...jest.requireActual('../src/server'),
  startGateway: (opts: import('../src/hive/server').HiveGatewayOptions) => jest.requireActual('../src/hive/server').startHiveGateway(opts),
}));

// After jest.mock, so the table runs on the swapped harness (an import would be hoisted above it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./authorization.e2e.test');
