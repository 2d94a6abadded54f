#!/usr/bin/env node
// Composes the subgraphs listed in schema/supergraph.yaml into schema/supergraph.graphql.
//   node scripts/compose.js          write the supergraph
//   node scripts/compose.js --check  fail when composition errors or the committed file is stale
// Besides composition, it refuses a public type or field without a description, so the
// playground's schema docs stay complete.
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');
const { parse, visit } = require('graphql');
const { composeServices } = require('@apollo/composition');

const root = path.resolve(__dirname, '..');
const configPath = path.join(root, 'schema/supergraph.yaml');
const outPath = path.join(root, 'schema/supergraph.graphql');

function loadSubgraphs() {
  const config = yaml.load(fs.readFileSync(configPath, 'utf8'));
  return Object.entries(config.subgraphs).map(([name, s]) => ({
    name,
    url: s.routing_url,
    typeDefs: parse(fs.readFileSync(path.resolve(path.dirname(configPath), s.schema.file), 'utf8')),
  }));
}

function compose() {
  const result = composeServices(loadSubgraphs());
  if (result.errors) {
    for (const e of result.errors) console.error(`composition error: ${e.message}`);
    process.exit(1);
  }
  const hints = result.hints ?? [];
  return { sdl: result.supergraphSdl, hints };
}

/** Types and fields of the API schema (federation plumbing excluded) that lack a description. */
function undescribed(sdl) {
  const missing = [];
  const internal = /^(join__|link__|_|Query$|Mutation$|PageInfo$)/;
  visit(parse(sdl), {
    ObjectTypeDefinition: check,
    InterfaceTypeDefinition: check,
    UnionTypeDefinition: check,
    EnumTypeDefinition: check,
    InputObjectTypeDefinition: check,
    ScalarTypeDefinition: check,
  });
  function check(node) {
    const name = node.name.value;
    // Federation's own types (join, link, the authorization specs' scalars) are not ours to describe.
    if (/^(join__|link__|requiresScopes__|authenticated__|policy__|_)/.test(name)) return;
    if (!internal.test(name) && !node.description) missing.push(name);
    if (node.kind === 'ObjectTypeDefinition' && (name === 'Query' || name === 'Mutation')) {
      for (const f of node.fields ?? []) if (!f.description && !f.name.value.startsWith('_')) missing.push(`${name}.${f.name.value}`);
    }
  }
  return missing;
}

const { sdl, hints } = compose();
const missing = undescribed(sdl);
if (missing.length) {
  console.error(`types or root fields without a description: ${missing.join(', ')}`);
  process.exit(1);
}
if (process.argv.includes('--check')) {
  const committed = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : '';
  if (committed !== sdl) {
    console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit it');
    process.exit(1);
  }
  console.log(`supergraph up to date (${hints.length} composition hints)`);
} else {
  fs.writeFileSync(outPath, sdl);
  console.log(`wrote schema/supergraph.graphql (${hints.length} composition hints)`);
  for (const h of hints) console.log(`  hint: ${h.definition.code}: ${h.message}`);
}
