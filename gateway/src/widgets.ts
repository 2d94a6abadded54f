import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Express } from 'express';
import { loadPersistedOperations } from './operations';

const WIDGETS_DIR = path.resolve(__dirname, '../widgets');
/** The persisted operations the widgets run, by name. */
export const WIDGET_OPERATIONS = ['NetworkMembers', 'NetworkAgenda', 'NetworksInTerritory'] as const;

/** The widget script with the ids of its persisted operations, as the gateway serves it (plain and gzipped). */
export function widgetScript(operationsPath: string): { js: Buffer; gzip: Buffer } {
  const byName = new Map([...loadPersistedOperations(operationsPath).values()].map((op) => [op.name, op.id]));
  const ids = Object.fromEntries(
    WIDGET_OPERATIONS.map((name) => {
      const id = byName.get(name);
      if (!id) throw new Error(`the widgets need the persisted operation ${name}, missing from ${operationsPath}`);
      return [name, id];
    }),
  );
  const source = readFileSync(path.join(WIDGETS_DIR, 'maillage.js'), 'utf8');
  if (!source.includes('/*PERSISTED_IDS*/ {}')) throw new Error('widgets/maillage.js lost its /*PERSISTED_IDS*/ placeholder');
  const js = Buffer.from(source.replace('/*PERSISTED_IDS*/ {}', JSON.stringify(ids)));
  return { js, gzip: gzipSync(js, { level: 9 }) };
}

/**
 * Serves the partner widgets (`/widgets/maillage.js`) and, outside production, a demo partner page
 * (`/demo/`). Partner pages load the script cross-origin with a plain <script> tag; its requests
 * are simple GETs of persisted operations, admitted by the door like any partner request.
 */
export function mountWidgets(app: Express, opts: { operationsPath: string; production: boolean }): void {
  const { js, gzip } = widgetScript(opts.operationsPath);
  app.get('/widgets/maillage.js', (req, res) => {
    res.set({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300', vary: 'Accept-Encoding' });
    if (req.acceptsEncodings('gzip') === 'gzip') res.set('content-encoding', 'gzip').send(gzip);
    else res.send(js);
  });
  if (opts.production) return;
  const demo = readFileSync(path.join(WIDGETS_DIR, 'demo.html'), 'utf8');
  app.get(['/demo', '/demo/'], (_req, res) => void res.type('html').send(demo));
}
