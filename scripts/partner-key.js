#!/usr/bin/env node
// Manages partner keys through the gateway's admin-only mutations.
//   node scripts/partner-key.js create --name "CCI Hérault site" --origin https://www.herault.cci.fr \
//        --rate 120 --operation ActorCard [--operation NetworksInTerritory ...]
//   node scripts/partner-key.js list
//   node scripts/partner-key.js revoke pk-0123456789abcdef
// Options: --gateway URL (default http://127.0.0.1:4000/graphql); --token TOKEN, an admin's bearer
// token (default, outside production: a development admin token). --operation takes a name or an id
// of schema/operations/manifest.json.
const fs = require('node:fs');
const path = require('node:path');
const { devToken } = require('../packages/viewer/dist');

const args = process.argv.slice(2);
const command = args[0];
const all = (name) => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : []));
const one = (name) => all(name)[0];
const gateway = one('gateway') ?? 'http://127.0.0.1:4000/graphql';

async function call(query, variables) {
  if (!one('token') && process.env.NODE_ENV === 'production') throw new Error('give --token: an admin bearer token');
  const token = one('token') ?? (await devToken('admin', { subject: 'partner-key-cli' }));
  const res = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('\n'));
  return body.data;
}

function operationIds(refs) {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8'));
  return refs.map((ref) => {
    const op = manifest.operations.find((o) => o.id === ref || o.name === ref);
    if (!op) throw new Error(`no persisted operation ${ref} in schema/operations/manifest.json`);
    return op.id;
  });
}

async function main() {
  if (command === 'create') {
    const input = {
      name: one('name'),
      origins: all('origin'),
      rateLimitPerMinute: Number(one('rate') ?? 60),
      operationIds: operationIds(all('operation')),
    };
    const data = await call(
      'mutation($input: CreatePartnerKeyInput!) { createPartnerKey(input: $input) { key partnerKey { id name origins rateLimitPerMinute operationIds } } }',
      { input },
    );
    console.log(JSON.stringify(data.createPartnerKey.partnerKey, null, 2));
    console.log(`\nkey (shown once, give it to the partner): ${data.createPartnerKey.key}`);
  } else if (command === 'list') {
    const data = await call('{ partnerKeys(first: 100) { nodes { id name origins rateLimitPerMinute operationIds active createdAt } } }');
    console.log(JSON.stringify(data.partnerKeys.nodes, null, 2));
  } else if (command === 'revoke' && args[1]) {
    const data = await call('mutation($id: ID!) { revokePartnerKey(id: $id) { id active revokedAt } }', { id: args[1] });
    console.log(JSON.stringify(data.revokePartnerKey));
  } else {
    console.error('usage: node scripts/partner-key.js create --name N --origin URL... --rate N --operation NAME|ID... | list | revoke ID');
    process.exit(2);
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
