import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';

const ATLAS_DIR = path.resolve(__dirname, '../atlas');

/**
 * The browser code, bundled once per process with esbuild from gateway/atlas/app.ts and the npm
 * packages it imports (sigma, graphology, the SVG map): nothing is fetched from a CDN. Built on the
 * first request, so a gateway that never serves the atlas never pays for it (about 0.3 s).
 */
let bundle: Promise<string> | undefined;
function atlasBundle(): Promise<string> {
  bundle ??= import('esbuild')
    .then((esbuild) =>
      esbuild.build({
        entryPoints: [path.join(ATLAS_DIR, 'app.ts')],
        bundle: true,
        write: false,
        format: 'esm',
        target: 'es2022',
        minify: true,
        legalComments: 'eof',
        logLevel: 'silent',
      }),
    )
    .then((r) => r.outputFiles[0].text);
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

/** Serves the regional atlas at /atlas/ (gateway/atlas): a page over the public API, for analysts. */
export function mountAtlas(app: Express): void {
  const html = readFileSync(path.join(ATLAS_DIR, 'index.html'), 'utf8');
  const css = readFileSync(path.join(ATLAS_DIR, 'atlas.css'), 'utf8');
  // Express matches /atlas and /atlas/ alike: the page's relative links need the slash.
  app.get('/atlas/', (req, res) => {
    if (!req.originalUrl.split('?')[0].endsWith('/')) return void res.redirect(301, '/atlas/');
    res.type('html').set('cache-control', 'no-cache').send(html);
  });
  app.get('/atlas/atlas.css', (_req, res) => void res.type('css').set('cache-control', 'no-cache').send(css));
  app.get('/atlas/atlas.js', (_req, res, next) => {
    atlasBundle().then((js) => void res.type('js').set('cache-control', 'no-cache').send(js), next);
  });
}
