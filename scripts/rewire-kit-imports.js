#!/usr/bin/env node
// One-off codemod: rewrites imports of '@maillage/kit' (ES import and require) into imports of the
// workspaces that replaced it. Usage: node rewire-kit-imports.js FILE...
const fs = require('node:fs');
const path = require('node:path');
const root = process.env.REPO ?? process.cwd();
const packages = ['errors', 'viewer', 'env', 'observability', 'db', 'subgraph-server', 'service'];
const home = new Map();
for (const p of packages) {
  const dir = path.join(root, 'packages', p, 'src');
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.ts') || f === 'index.ts') continue;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)) home.set(m[1], p);
    for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm))
      for (const n of m[1].split(',').map((s) => s.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()).filter(Boolean)) home.set(n, p);
  }
}
const lineFor = (kind, names, pkg) =>
  kind === 'import'
    ? (() => {
        const one = `import { ${names.join(', ')} } from '@maillage/${pkg}';`;
        return one.length <= 140 ? one : `import {\n${names.map((n) => `  ${n},\n`).join('')}} from '@maillage/${pkg}';`;
      })()
    : `const { ${names.join(', ')} } = require('@maillage/${pkg}');`;
function split(kind, body, typeOnly) {
  const by = new Map();
  for (const raw of body.split(',').map((s) => s.trim()).filter(Boolean)) {
    const name = raw.replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0];
    const pkg = home.get(name);
    if (!pkg) throw new Error(`no workspace exports ${name}`);
    if (!by.has(pkg)) by.set(pkg, []);
    by.get(pkg).push(typeOnly && kind === 'import' && !raw.startsWith('type ') ? `type ${raw}` : raw);
  }
  return [...by.keys()].sort((a, b) => packages.indexOf(a) - packages.indexOf(b)).map((p) => lineFor(kind, by.get(p), p)).join('\n');
}
for (const file of process.argv.slice(2)) {
  const before = fs.readFileSync(file, 'utf8');
  const after = before
    .replace(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@maillage\/kit';/g, (_, t, body) => split('import', body, !!t))
    .replace(/const\s+\{([^}]*)\}\s*=\s*require\('@maillage\/kit'\);/g, (_, body) => split('require', body, false));
  if (after !== before) fs.writeFileSync(file, after);
  if (after.includes('@maillage/kit')) console.error(`${file}: still names @maillage/kit`);
}
