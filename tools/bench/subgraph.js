// One subgraph of the benchmark in its own process, on its bench database, unseeded (the loader
// wrote the synthetic région). Unsigned requests are served as anonymous (`unsignedAsAnonymous`), as
// the stock Apollo and Hive gateways do not sign. Answers `statements` over IPC with the number of SQL
// statements its GraphQL requests have run (the statement counter of @maillage/observability, less the
// reads of its change log that the gateways' followers poll), so the harness can show they stay flat as lists grow.
const { createLogger, requestStatements } = require('@maillage/observability');
const { startService } = require('@maillage/service');

const [name, databaseUrl] = process.argv.slice(2);
const { service } = require(`@maillage/${name}`);

startService(service, {
  port: 0,
  host: '127.0.0.1',
  databaseUrl,
  seed: false,
  unsignedAsAnonymous: true,
  logger: createLogger(name, 'silent'),
  log: () => undefined,
}).then(
  (server) => {
    process.on('message', (m) => m === 'statements' && process.send({ statements: requestStatements() }));
    process.send({ url: server.url });
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
// Gone with the harness, whatever way it ends.
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
