#!/usr/bin/env node
// What the entity cache costs per entity fetch, in this process's CPU (a figure the machine's load
// barely moves, unlike a gateway's requests/s): real subgraph answers (the bench databases) to the
// fetches of (b2) and (c2), captured once, then replayed against the cache of this tree and of a
// tree built earlier (`--before DIR`), in one run: cold (every key new to the store: the fetch
// asks the misses with the ids the tags need, and keeps them), warm (every entity a hit), and the
// fetch without the cache (its planner's answer parsed, what the gateway does with the cache off).
//
//   node tools/bench/cache-miss.js --db-prefix keyset_bench --before /tmp/base --pages 40 --passes 30
const { spawn } = require('node:child_process');
const path = require('node:path');
const { readFileSync } = require('node:fs');
const { supergraphForGateway } = require('@maillage/viewer');
const { loadRegion } = require('./load-region');
const Q = require('./queries');

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const opts = {
  pages: Number(arg('pages', 40)),
  passes: Number(arg('passes', 30)),
  before: arg('before'),
  dbPrefix: arg('db-prefix'),
  serverUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
const repo = path.resolve(__dirname, '../..');
const log = (...m) => console.error(...m);

// The fetches the planner writes for (b2) (one per network subgraph; chambers stands for the four)
// and for (c2) (clubs, the deep one), on the actors of a page of the région.
const FETCHES = {
  b2: {
    subgraph: 'chambers',
    size: 50,
    query: `query FanOutPage__chambers__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { chamberMemberships { nodes { chamber { name } } } } } }`,
  },
  c2: {
    subgraph: 'clubs',
    size: 17,
    query: `query DeepPage__clubs__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { clubMemberships(first: 2) { nodes { club { id name members(first: 8) { nodes { actor { id } } } } } } } } }`,
  },
};

const post = async (url, body) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return r.text();
};

async function main() {
  const region = await loadRegion({ serverUrl: opts.serverUrl, prefix: opts.dbPrefix, log });
  const children = [];
  const urls = {};
  for (const name of ['directory', 'chambers', 'clubs']) {
    const child = spawn(process.execPath, [path.join(__dirname, 'subgraph.js'), name, region.urls[name]], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.push(child);
    urls[name] = await new Promise((resolve) => child.on('message', (m) => m.url && resolve(m.url)));
  }
  try {
    const sdl = supergraphForGateway(readFileSync(path.join(repo, 'schema/supergraph.graphql'), 'utf8'));
    const captured = {};
    const { EntityCache, MemoryEntityStore } = require(path.join(repo, 'gateway/dist/entity-cache.js'));
    for (const [op, f] of Object.entries(FETCHES)) {
      // Pages through the whole région (a stride), so that the pages share few networks.
      const pages = Math.floor(region.sizes.actors / f.size);
      const list = [];
      for (let p = 0; p < opts.pages; p++) {
        const after = Q.offsetCursors((p * 7919) % pages, f.size);
        const page = JSON.parse(
          await post(
            urls.directory,
            JSON.stringify({
              query: `query($after: String) { actors(territoryId: "REG-76", first: ${f.size}, after: $after) { nodes { id } } }`,
              variables: { after },
            }),
          ),
        );
        const request = {
          query: f.query,
          variables: { representations: page.data.actors.nodes.map((n) => ({ __typename: 'Actor', id: n.id })) },
        };
        // The cache's own fetch (its shaped text) answered by the subgraph, and the planner's.
        const cache = new EntityCache({ store: new MemoryEntityStore() });
        cache.setSupergraph(sdl);
        let shaped;
        await cache.fetchEntities(f.subgraph, 'public', request, async (r) => {
          shaped = await post(urls[f.subgraph], JSON.stringify(r));
          return JSON.parse(shaped);
        });
        const plain = await post(urls[f.subgraph], JSON.stringify(request));
        list.push({ request, shaped, plain });
      }
      captured[op] = list;
      log(
        `${op}: ${list.length} fetches of ${f.size} actors captured, answers ${Math.round(list.reduce((a, x) => a + x.shaped.length, 0) / list.length)} bytes (planner's ${Math.round(list.reduce((a, x) => a + x.plain.length, 0) / list.length)})`,
      );
    }
    const trees = [['this tree', repo], ...(opts.before ? [['before', path.resolve(opts.before)]] : [])];
    const rows = [];
    for (const [op, list] of Object.entries(captured)) {
      const f = FETCHES[op];
      for (let round = 0; round < 3; round++)
        for (const [label, dir] of trees) {
          const { EntityCache: C, MemoryEntityStore: S } = require(path.join(dir, 'gateway/dist/entity-cache.js'));
          const cache = new C({ store: new S() });
          cache.setSupergraph(sdl);
          const time = async (fn) => {
            const t0 = process.cpuUsage();
            const n = await fn();
            const u = process.cpuUsage(t0);
            return Math.round((u.user + u.system) / n);
          };
          // Cold: each pass another visibility, so every key is new (the tags are those of the earlier passes, as hot networks' are).
          const cold = await time(async () => {
            for (let pass = 0; pass < opts.passes; pass++)
              for (const x of list)
                await cache.fetchEntities(f.subgraph, `pass ${round} ${pass}`, x.request, async () => JSON.parse(x.shaped));
            return opts.passes * list.length;
          });
          const warm = await time(async () => {
            for (let pass = 0; pass < opts.passes; pass++)
              for (const x of list) await cache.fetchEntities(f.subgraph, `pass ${round} 0`, x.request, async () => JSON.parse(x.shaped));
            return opts.passes * list.length;
          });
          const off = await time(async () => {
            for (let pass = 0; pass < opts.passes; pass++) for (const x of list) JSON.parse(x.plain);
            return opts.passes * list.length;
          });
          const row = {
            op,
            round,
            tree: label,
            'cold µs/fetch': cold,
            'warm µs/fetch': warm,
            'off µs/fetch': off,
            'store entries': cache.store.size,
          };
          if (round > 0) rows.push(row);
          log(JSON.stringify(row));
        }
    }
    console.table(rows);
  } finally {
    for (const c of children) c.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
