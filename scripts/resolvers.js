#!/usr/bin/env node
'use strict';
// Resolver types of the subgraphs (graphql-codegen typescript-resolvers, federation), one file each:
// services/<name>/src/generated/resolvers-types.ts, committed.
//   node scripts/resolvers.js          write them
//   node scripts/resolvers.js --check  fail when one is stale (part of `npm test`)
// A subgraph joins with one more subgraphResolverTypes() entry below (scripts/lib/resolver-codegen.js).
const fs = require('node:fs');
const path = require('node:path');
const { loadCatalogue } = require('./lib/catalogue');
const { subgraphResolverTypes, generate } = require('./lib/resolver-codegen');

const root = path.resolve(__dirname, '..');

const N = '@maillage/networks#';
const networkSubgraph = (kind, kinds) =>
  subgraphResolverTypes({
    dir: `services/${kind.subgraph}`,
    contextType: `${N}NetworkContext`,
    mappers: {
      [kind.types.network]: `${N}NetworkRow`,
      [kind.types.membership]: `${N}MembershipRow`,
      [kind.types.initiative]: `${N}InitiativeRow`,
      [kind.types.membershipImport]: `${N}ImportResult`,
      Actor: `${N}EntityRef`,
      Territory: `${N}EntityRef`,
      // The other kinds' networks are references here, completed by their own subgraph.
      ...Object.fromEntries(kinds.filter((k) => k !== kind).map((k) => [k.type, `${N}EntityRef`])),
    },
  });

const subgraphs = () => {
  const { KINDS } = loadCatalogue();
  return [
    subgraphResolverTypes({
      dir: 'services/directory',
      contextType: '../context#Context',
      mapperTypeSuffix: 'Row',
      mappers: {
        Actor: './prisma/client#Actor',
        Role: './prisma/client#Role',
        Indicator: './prisma/client#Indicator',
        PartnerKey: './prisma/client#PartnerKey',
        Territory: '@maillage/reference#TerritoryRecord',
        TerritoryMembers: '../resolvers/NetworkMembers#TerritoryGroup',
        Chamber: '../resolvers/NetworkMembers#NetworkRef',
        Cluster: '../resolvers/NetworkMembers#NetworkRef',
        Council: '../resolvers/NetworkMembers#NetworkRef',
        Club: '../resolvers/NetworkMembers#NetworkRef',
      },
    }),
    ...KINDS.map((k) => networkSubgraph(k, KINDS)),
  ];
};

async function main() {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const { output, config } of subgraphs()) {
    const content = await generate(config);
    const target = path.join(root, output);
    const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    if (committed === content) continue;
    if (check) stale.push(output);
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
      console.log(`wrote ${output}`);
    }
  }
  if (stale.length) {
    console.error(`stale resolver types (run \`npm run resolvers\` and commit them):\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
  if (check) console.log('resolver types up to date');
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
