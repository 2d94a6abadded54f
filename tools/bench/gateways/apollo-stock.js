// The baseline: a stock @apollo/gateway + @apollo/server, default options, on the same supergraph.
const { readFileSync } = require('node:fs');
const { ApolloGateway } = require('@apollo/gateway');
const { ApolloServer } = require('@apollo/server');
const { startStandaloneServer } = require('@apollo/server/standalone');

const [supergraphPath, port] = process.argv.slice(2);
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, 'utf8') }) });
startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } }).then(({ url }) =>
  process.send?.({ url: `${url}graphql` }),
);
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
