#!/usr/bin/env node
// `npm run start:hive`: the same subgraphs as `npm start`, with Hive Gateway and the Maillage
// plugin (gateway/src/hive) in front on port 4100 (PORT to change it) instead of Maillage's gateway.
// The synergies subgraph reads the graph back through Hive Gateway. Ctrl-C stops them all.
const path = require('node:path');
const { startSubgraphs, started, stop, supervise } = require('./start');

const port = process.env.PORT ?? '4100';

async function main() {
  const front = async (routes) => {
    const hive = supervise(
      'hive',
      path.resolve(__dirname, '../gateway'),
      { ...routes, PORT: port },
      `http://127.0.0.1:${port}/healthcheck`,
      'dist/hive/main.js',
    );
    return ['hive', await hive.firstReady(120_000)];
  };
  await startSubgraphs({ GATEWAY_URL: `http://127.0.0.1:${port}/graphql` }, front);
  console.log(`\nMaillage subgraphs behind Hive Gateway, up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  GraphQL endpoint: http://127.0.0.1:${port}/graphql\n`);
}

main().catch((err) => {
  console.error(err.message);
  stop(1);
});
