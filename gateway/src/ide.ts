import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';

const EXAMPLES_DIR = path.resolve(__dirname, '../examples');
const GRAPHIQL_DIST = path.dirname(require.resolve('@graphql-yoga/graphiql'));

/** The example operations shipped with the IDE, one tab each: the same files the e2e tests run. */
export function exampleOperations(): { name: string; query: string }[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ name: f.replace(/\.graphql$/, ''), query: readFileSync(path.join(EXAMPLES_DIR, f), 'utf8') }));
}

function page(tabs: { query: string }[]): string {
  // JSON inside a <script>: escape "<" so no operation text can close the tag.
  const config = JSON.stringify({ endpoint: '/graphql', defaultTabs: tabs.map((t) => ({ query: t.query })) }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Maillage GraphQL playground</title>
<link rel="stylesheet" href="/ide/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading the playground…</div>
<script>
  // Editor workers are served by the gateway: the playground needs no CDN.
  self.MonacoEnvironment = {
    getWorker(_id, label) {
      const file = label === 'graphql' ? 'graphql.worker..bundle.js' : label === 'json' ? 'json.worker.bundle.js' : 'editor.worker.bundle.js';
      return new Worker('/ide/monacoeditorwork/' + file);
    },
  };
</script>
<script src="/ide/yoga-graphiql.umd.js"></script>
<script>
  const config = ${config};
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), {
    endpoint: config.endpoint,
    // The active tab shows \`query\`: without it, yoga's welcome text would replace example 1.
    defaultQuery: config.defaultTabs[0].query,
    query: config.defaultTabs[0].query,
    defaultTabs: config.defaultTabs,
    title: 'Maillage',
  });
</script>
</body>
</html>`;
}

/** Serves the GraphQL IDE at `/`, bundled from npm (@graphql-yoga/graphiql), with the example operations as tabs. */
export function mountIde(app: Express): void {
  const html = page(exampleOperations());
  app.get('/', (_req, res) => void res.type('html').send(html));
  app.use('/ide', express.static(GRAPHIQL_DIST, { immutable: true, maxAge: '1d' }));
}
