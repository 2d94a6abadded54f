#!/usr/bin/env node
// What the viewer signature costs per subgraph fetch, on one core, in µs (median of 5 runs):
//   node tools/bench/signatures.js      (after npm run build)
// gateway: a reused statement (one per viewer, 3 s) plus the request binding (one HMAC over the
// body), against a fresh JWT per fetch (what reusing avoids); subgraph: a remembered statement plus
// the binding check, against verifying a JWT per request.
const { bindRequest, DEV_SIGNING_SECRET, signViewer, viewerOf, ViewerVerifier } = require('@maillage/viewer');
const { ViewerSignatures } = require('@maillage/gateway/dist/signatures.js');

const viewer = viewerOf({ scopes: ['analyst'], subject: 'bench' });
const bodyOf = (bytes) =>
  JSON.stringify({
    query:
      'query Q__directory__0($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { id name } } }',
    variables: { representations: Array.from({ length: Math.ceil(bytes / 40) }, (_, i) => ({ __typename: 'Actor', id: `act-${i}` })) },
  });

async function time(label, n, fn) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn(i);
    runs.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label.padEnd(64)} ${runs[2].toFixed(2).padStart(8)} µs`);
}

(async () => {
  const signatures = new ViewerSignatures(DEV_SIGNING_SECRET, 'directory');
  for (const bytes of [200, 2_000, 20_000]) {
    const body = bodyOf(bytes);
    console.log(`\nbody of ${body.length} bytes`);
    await time('gateway: reused statement + binding HMAC (what each fetch does)', 20_000, async () => {
      const header = await signatures.sign(viewer);
      bindRequest(DEV_SIGNING_SECRET, header, 'directory', 'other', body);
    });
    await time('gateway: a fresh statement per fetch (avoided)', 2_000, async () => {
      const header = await signViewer(viewer, DEV_SIGNING_SECRET, 'directory');
      bindRequest(DEV_SIGNING_SECRET, header, 'directory', 'other', body);
    });
    const header = await signViewer(viewer, DEV_SIGNING_SECRET, 'directory');
    const request = {
      viewer: header,
      binding: bindRequest(DEV_SIGNING_SECRET, header, 'directory', 'other', body),
      operation: 'other',
      body: Buffer.from(body),
    };
    const remembering = new ViewerVerifier(DEV_SIGNING_SECRET, 'directory');
    await time('subgraph: remembered statement + binding check (what each request does)', 20_000, () => remembering.verify(request));
    await time('subgraph: statement verified afresh + binding check (avoided)', 2_000, () =>
      new ViewerVerifier(DEV_SIGNING_SECRET, 'directory').verify(request),
    );
  }
})();
