#!/usr/bin/env node
// Builds schema/operations/manifest.json from the persisted operations in schema/operations/*.graphql.
//   node scripts/operations.js          write the manifest
//   node scripts/operations.js --check  fail when an operation is invalid or the committed manifest is stale
// Each file holds one named operation, valid against the API schema of schema/supergraph.graphql.
// Its id is the sha256 (hex) of the file's text: clients, the CDN and partner keys name it by that.
// The format is Apollo's persisted query manifest, so Apollo's client tooling reads it as is.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { parse, validate, Kind } = require('graphql');
const { Supergraph } = require('@apollo/federation-internals');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'schema/operations');
const out = path.join(dir, 'manifest.json');

function build() {
  // supportedFeatures: null: validity is all this needs; which gateway runs the supergraph is not its business.
  const sdl = fs.readFileSync(path.join(root, 'schema/supergraph.graphql'), 'utf8');
  const apiSchema = Supergraph.build(sdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
  const problems = [];
  const operations = [];
  const names = new Set();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()) {
    const body = fs.readFileSync(path.join(dir, file), 'utf8');
    let doc;
    try {
      doc = parse(body);
    } catch (err) {
      problems.push(`${file}: ${err.message}`);
      continue;
    }
    const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (ops.length !== 1 || !ops[0].name) {
      problems.push(`${file}: must hold exactly one named operation`);
      continue;
    }
    const name = ops[0].name.value;
    if (`${name}.graphql` !== file) problems.push(`${file}: the file must be named after its operation (${name}.graphql)`);
    if (names.has(name)) problems.push(`${file}: operation name ${name} used twice`);
    names.add(name);
    for (const e of validate(apiSchema, doc)) problems.push(`${file}: ${e.message}`);
    operations.push({ id: crypto.createHash('sha256').update(body).digest('hex'), name, type: ops[0].operation, body });
  }
  if (problems.length) {
    for (const p of problems) console.error(`persisted operation: ${p}`);
    process.exit(1);
  }
  return JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2) + '\n';
}

const manifest = build();
if (process.argv.includes('--check')) {
  const committed = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (committed !== manifest) {
    console.error('schema/operations/manifest.json is stale: run `npm run operations` and commit it');
    process.exit(1);
  }
  console.log(`persisted operations up to date (${JSON.parse(manifest).operations.length})`);
} else {
  fs.writeFileSync(out, manifest);
  for (const op of JSON.parse(manifest).operations) console.log(`${op.id}  ${op.name}`);
}
