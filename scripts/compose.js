#!/usr/bin/env node
// Composes the subgraphs listed in schema/supergraph.yaml into schema/supergraph.graphql.
//   node scripts/compose.js          write the supergraph
//   node scripts/compose.js --check  fail when composition errors or the committed file is stale
// Besides composition, it refuses a public type, field or input field without a description, so the
// playground's schema docs stay complete.
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');
const { concatAST, parse } = require('graphql');
const { composeServices } = require('@apollo/composition');
const { sdlFiles } = require('./lib/subgraph-sdl');

const root = path.resolve(__dirname, '..');
const configPath = path.join(root, 'schema/supergraph.yaml');
const outPath = path.join(root, 'schema/supergraph.graphql');

function loadSubgraphs() {
  const config = yaml.load(fs.readFileSync(configPath, 'utf8'));
  return Object.entries(config.subgraphs).map(([name, s]) => ({
    name,
    url: s.routing_url,
    // schema.file names the subgraph's schema.graphql; a shared.graphql beside it is part of its SDL.
    typeDefs: concatAST(
      sdlFiles(path.resolve(path.dirname(configPath), s.schema.file)).map((file) => parse(fs.readFileSync(file, 'utf8'))),
    ),
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

/**
 * Types, fields and input fields of the API schema that lack a description: what the playground's
 * schema docs show, so federation plumbing (join__, link__, @inaccessible fields) is out of it.
 * Arguments are not checked; the root types themselves need none, their fields do.
 */
function undescribed(sdl) {
  const { Supergraph } = require('@apollo/federation-internals');
  const { isObjectType, isInterfaceType, isInputObjectType, isSpecifiedScalarType } = require('graphql');
  const api = Supergraph.build(sdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
  const roots = new Set([api.getQueryType(), api.getMutationType(), api.getSubscriptionType()].filter(Boolean).map((t) => t.name));
  const missing = [];
  for (const type of Object.values(api.getTypeMap())) {
    // Federation's own types (the authorization specs' scalars) are not ours to describe.
    if (
      type.name.startsWith('__') ||
      isSpecifiedScalarType(type) ||
      /^(join__|link__|requiresScopes__|authenticated__|policy__|_)/.test(type.name)
    )
      continue;
    if (!roots.has(type.name) && !type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (!field.description && !field.name.startsWith('_')) missing.push(`${type.name}.${field.name}`);
    }
  }
  return missing;
}

const { sdl, hints } = compose();
const missing = undescribed(sdl);
if (missing.length) {
  console.error(`types or fields without a description (${missing.length}): ${missing.join(', ')}`);
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
