#!/usr/bin/env node
// Prints a development access token for a role, signed with the development key that the gateway
// accepts when no AUTH_* key is configured and NODE_ENV is not production.
//   node scripts/dev-token.js editor --networks cb-reseau-1234,ch-cci-herault [--sub alice] [--ttl 8h]
//   node scripts/dev-token.js analyst | admin
// Then: curl -H "authorization: Bearer $(node scripts/dev-token.js admin)" ...
const { devToken } = require('../packages/viewer/dist');

const USAGE = 'usage: node scripts/dev-token.js <editor|analyst|admin> [--networks id,id] [--sub subject] [--ttl 1h]';
const [role, ...rest] = process.argv.slice(2);
if (!['editor', 'analyst', 'admin'].includes(role)) {
  console.error(USAGE);
  process.exit(2);
}
if (process.env.NODE_ENV === 'production') {
  console.error('dev-token: development tokens are refused in production; ask your identity provider');
  process.exit(2);
}
const opt = (name) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const networks = (opt('networks') ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (role === 'editor' && !networks.length) console.error('dev-token: an editor without --networks may create actors but edit no network');
devToken(role, { networks, subject: opt('sub'), expiresIn: opt('ttl') ?? '1h' }).then((t) => console.log(t));
