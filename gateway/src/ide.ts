import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { introspectionFromSchema, parse, print, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { loadPersistedOperations } from './operations';

const EXAMPLES_DIR = path.resolve(__dirname, '../examples');
const GRAPHIQL_DIST = path.dirname(require.resolve('@graphql-yoga/graphiql'));
const PUBLIC_DIR = path.resolve(__dirname, '../public');

/** The example operations shipped with the IDE, one tab each: the same files the e2e tests run. */
export function exampleOperations(): { name: string; query: string }[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ name: f.replace(/\.graphql$/, ''), query: readFileSync(path.join(EXAMPLES_DIR, f), 'utf8') }));
}

/**
 * The persisted operations, for the credentials box: with a partner key, a tab holding one of them is
 * sent as a partner page sends it (GET by id). Matched on the text without comments, commas and
 * white space, since the IDE prints the document it sends.
 */
function persistedForIde(operationsPath: string) {
  return [...loadPersistedOperations(operationsPath).values()].map((op) => ({
    id: op.id,
    name: op.name,
    body: op.body,
    squeezed: print(parse(op.body)).replace(/[\s,]+/g, ''),
  }));
}

function page(tabs: { query: string }[], persisted: ReturnType<typeof persistedForIde>, queryPlans: boolean): string {
  // JSON inside a <script>: escape "<" so no operation text can close the tag.
  const config = JSON.stringify({ endpoint: '/graphql', defaultTabs: tabs.map((t) => ({ query: t.query })) }).replace(/</g, '\\u003c');
  const operations = JSON.stringify(persisted.map(({ id, name, squeezed }) => ({ id, name, squeezed }))).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Maillage GraphQL playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ide/graphiql.css">
<style>html,body{height:100%;margin:0}body{display:flex;flex-direction:column}#graphiql{flex:1;min-height:0}
#credentials{display:flex;gap:.5rem;align-items:center;padding:.4rem .75rem;font:14px system-ui,sans-serif;border-bottom:1px solid #ddd}
#credentials input{flex:1;max-width:40rem;font:inherit;padding:.2rem .4rem}#credential-state{color:#555}
#workspace{flex:1;min-height:0;display:flex}#graphiql{flex:1;min-width:0;overflow:hidden}
#graphiql .graphiql-container{width:100%;height:100%}
#query-plan{width:30rem;flex:none;overflow:auto;border-left:1px solid #ddd;padding:.5rem .75rem;font:14px system-ui,sans-serif}
#query-plan h2{font-size:1rem;margin:.2rem 0}#query-plan h3{font-size:.9rem;margin:.6rem 0 .2rem}
#query-plan pre{font:12px/1.4 ui-monospace,monospace;white-space:pre;margin:0}</style>
</head>
<body>
<form id="credentials" autocomplete="off">
<label for="credential">Token or partner key</label>
<input id="credential" name="credential" type="password" placeholder="npm run dev-token -- editor --networks cb-reseau-1234, or mk_… from npm run partner-key">
<button type="submit">Use</button><button type="reset">Clear</button>
<span id="credential-state" role="status"></span>
${queryPlans ? '<button type="button" id="query-plan-toggle" aria-controls="query-plan" aria-expanded="false">Query plan</button>' : ''}
</form>
<div id="workspace">
<div id="graphiql">Loading the playground…</div>
${
  queryPlans
    ? `<aside id="query-plan" aria-labelledby="query-plan-title" hidden>
<h2 id="query-plan-title">Query plan</h2>
<p id="query-plan-status" role="status"></p>
<div id="query-plan-output"></div>
</aside>`
    : ''
}
</div>
<script type="application/json" id="persisted-operations">${operations}</script>
<script src="/ide-credentials.js"></script>${queryPlans ? '\n<script src="/ide-plan.js"></script>' : ''}
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
  window.maillageQueryPlan?.setQuery(config.defaultTabs[0].query);
  // The schema docs come from the gateway's own API schema (/ide-schema.json), not from an
  // introspection query, which the door keeps under each role's depth limit.
  fetch('/ide-schema.json').then((r) => (r.ok ? r.json() : undefined), () => undefined).then((schema) => {
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), {
      endpoint: config.endpoint,
      // The active tab shows \`query\`: without it, yoga's welcome text would replace example 1.
      defaultQuery: config.defaultTabs[0].query,
      query: config.defaultTabs[0].query,
      defaultTabs: config.defaultTabs,
      title: 'Maillage',
      // The plan panel (development only) follows the document in the active tab.
      onEditQuery: (query) => window.maillageQueryPlan?.setQuery(query),
      ...(schema ? { schema } : {}),
    });
  });
</script>
</body>
</html>`;
}

/** Serves the GraphQL IDE at `/`, bundled from npm (@graphql-yoga/graphiql), with the example operations as tabs. */
/**
 * @param schema the API schema the gateway serves now, for the docs; omit it where introspection
 * is off (production), and the IDE introspects through the door like any client.
 * @param queryPlans show the query plan panel (POST /ide-plan, query-plan.ts): development only.
 */
export function mountIde(app: Express, operationsPath?: string, schema?: () => GraphQLSchema | undefined, queryPlans = false): void {
  const persisted = operationsPath ? persistedForIde(operationsPath) : [];
  // The examples, then the persisted operations partners run (what a partner key may run here).
  const html = page([...exampleOperations(), ...persisted.map((op) => ({ query: op.body }))], persisted, queryPlans);
  app.get('/', (_req, res) => void res.type('html').send(html));
  app.use('/ide', express.static(GRAPHIQL_DIST, { immutable: true, maxAge: '1d' }));
  app.get('/ide-credentials.js', (_req, res) => void res.sendFile(path.join(PUBLIC_DIR, 'ide-credentials.js')));
  if (queryPlans) app.get('/ide-plan.js', (_req, res) => void res.sendFile(path.join(PUBLIC_DIR, 'ide-plan.js')));
  let cached: { schema: GraphQLSchema; json: IntrospectionQuery } | undefined;
  app.get('/ide-schema.json', (_req, res) => {
    const current = schema?.();
    if (!current)
      return void res.status(404).json({ errors: [{ message: 'The schema is not available here', extensions: { code: 'NOT_FOUND' } }] });
    // Recomputed only when the gateway swaps in a new supergraph.
    if (cached?.schema !== current)
      cached = {
        schema: current,
        json: introspectionFromSchema(current, {
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          inputValueDeprecation: true,
        }),
      };
    res.set('cache-control', 'no-cache').json(cached.json);
  });
}
