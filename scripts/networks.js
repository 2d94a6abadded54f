#!/usr/bin/env node
// Writes the four network subgraphs from one template: for each kind of the catalogue
// (packages/kinds), services/<subgraph>/schema.graphql, prisma/schema.prisma,
// prisma/migrations/*, src/server.ts, src/resolvers/*.ts and test/entities.test.ts from templates/network/ plus the kind's own additions
// (templates/network/kinds/<subgraph>.js; its own migrations, if any, in
// templates/network/kinds/<subgraph>/migrations/); and, per kind, the files of other workspaces under
// templates/network/elsewhere/ (the synergies reader's operations, the CLI's import mutation).
// The migrations of templates/shared/migrations/ (tables every subgraph that writes keeps alike:
// idempotency keys, the change log) go to the four network subgraphs and to the directory, whose
// other migrations are its own. The SDL blocks of templates/shared/sdl/ (what several subgraphs
// declare alike: Date and DateTime, NetworkKind, the initiative enums, Node and Network by id, a
// network's scope and dates, Provenance, PageInfo) go into the template as {{sdl<Name>}} and, for
// the directory and the synergies, whose schema.graphql is hand-written, into a shared.graphql
// beside it, written whole, with the directory's Network interface and its types a kind
// (templates/directory/) and what scripts/lib/derived-sdl.js derives from their schema.graphql
// (UpdateActorInput from CreateActorInput, ...): every reader of such a subgraph's SDL reads both.
//   node scripts/networks.js          write them
//   node scripts/networks.js --check  fail when a committed file differs from what the template gives
//   node scripts/networks.js --list   print the files the template writes whole, one a line (for
//                                     tools that must tell them from hand-written files)
//
// Placeholders are `{{name}}`. One alone on its line (a block: values of an enum, a kind's own
// fields) is replaced by its text, and the line disappears when the text is empty.
//
// Migrations are matched by name, not by timestamp: a service keeps the folder name it was first
// written under (the four services' seed_run folders differ in timestamp), since Prisma and the
// kit's runner know an applied migration by its folder name and checksum it. A template migration
// a service lacks is written under the template's folder name. A migration folder in a service that
// neither the template nor the kind's additions hold is an error: add it to the template.
const fs = require('node:fs');
const path = require('node:path');
const { loadCatalogue } = require('./lib/catalogue');
const { derive, optionalInput, sameArguments } = require('./lib/derived-sdl');

const root = path.resolve(__dirname, '..');
const templateDir = path.join(root, 'templates/network');
const sharedMigrationsDir = path.join(root, 'templates/shared/migrations');
const sharedSdlDir = path.join(root, 'templates/shared/sdl');
// The subgraphs whose schema.graphql is hand-written: the shared SDL blocks each takes, by name in
// templates/shared/sdl/; its SDL written from templates of its own, once (with the shared blocks and
// the catalogue's values) or once a kind (with each kind's {{Type}} and {{idPrefix}}); and what is
// derived from its schema.graphql: all written to its shared.graphql.
const SHARED_SDL_IN = {
  directory: {
    blocks: ['scalars', 'network-kind', 'provenance', 'page-info'],
    // The Network interface (its kinds from the catalogue, the fields every kind's type has alike).
    once: ['templates/directory/network-interface.graphql'],
    // The network types the directory adds a field to, one a kind.
    perKind: ['templates/directory/network-members.graphql'],
    derived: [
      optionalInput({
        from: 'CreateActorInput',
        name: 'UpdateActorInput',
        description: 'Changes to an actor: absent fields are kept, null clears a field.',
      }),
    ],
  },
  synergies: {
    blocks: ['scalars', 'network-kind', 'initiative-enums', 'node-interfaces', 'page-info'],
    once: [],
    perKind: [],
    derived: [
      sameArguments({
        from: 'Actor.initiatives',
        to: 'Territory',
        description: 'Initiatives taking place in this territory or led by a network active in it, by start date.',
      }),
    ],
  },
};
const SHARED_SDL_HEADER =
  '# Written by `npm run networks` (scripts/networks.js) from templates/shared/sdl and from the schema.graphql\n' +
  "# beside it (scripts/lib/derived-sdl.js): do not edit. Every reader of this subgraph's SDL reads both files.\n";
// The subgraphs that are not written from the template but take its shared migrations.
const SHARED_MIGRATIONS_ALSO = ['directory'];

function fill(template, values, where) {
  return template
    .split('\n')
    .flatMap((line) => {
      const block = /^\s*\{\{(\w+)\}\}$/.exec(line);
      if (!block) return [line];
      const value = lookup(values, block[1], where).replace(/\n$/, '');
      return value === '' ? [] : [value];
    })
    .join('\n')
    .replace(/\{\{(\w+)\}\}/g, (_, name) => lookup(values, name, where));
}

function lookup(values, name, where) {
  if (!(name in values)) throw new Error(`${where}: no value for {{${name}}}`);
  return String(values[name]);
}

const sentence = (items) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);
const sdlValues = (values) => values.map((v) => `  ${JSON.stringify(v.description)}\n  ${v.value}`).join('\n');

/** What the shared SDL blocks name: the catalogue's kinds. */
const catalogueValues = (kinds) => ({
  kindValues: kinds.map((k) => `  ${k.kind}`).join('\n'),
  kindList: sentence(kinds.map((k) => `a ${k.field}`)),
  idPrefixes: kinds.map((k) => `\`${k.idPrefix}-…\``).join(', '),
});

/** The template's placeholder of a shared SDL block: `network-kind` → `sdlNetworkKind`. */
const blockName = (name) => `sdl${name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;

/** Each shared SDL block, filled: `network-kind.graphql` → { sdlNetworkKind: text }. */
function sharedSdl(kinds) {
  const blocks = {};
  for (const file of fs.readdirSync(sharedSdlDir).filter((f) => f.endsWith('.graphql'))) {
    const where = path.relative(root, path.join(sharedSdlDir, file));
    blocks[blockName(file.replace(/\.graphql$/, ''))] = fill(
      fs.readFileSync(path.join(sharedSdlDir, file), 'utf8'),
      catalogueValues(kinds),
      where,
    );
  }
  return blocks;
}

/** A hand-written subgraph's shared.graphql: its shared blocks, its types a kind, then what its schema.graphql derives. */
function sharedSdlFile(subgraph, { blocks, once, perKind, derived }, kinds) {
  const filled = sharedSdl(kinds);
  const schema = `services/${subgraph}/schema.graphql`;
  const parts = blocks.map((name) => {
    const block = filled[blockName(name)];
    if (block === undefined) throw new Error(`services/${subgraph}: no templates/shared/sdl/${name}.graphql`);
    return `# templates/shared/sdl/${name}.graphql\n${block.replace(/\n$/, '')}\n`;
  });
  for (const rel of once) {
    const text = fill(fs.readFileSync(path.join(root, rel), 'utf8'), { ...filled, ...catalogueValues(kinds) }, rel);
    parts.push(`# ${rel}\n${text.replace(/\n$/, '')}\n`);
  }
  for (const rel of perKind) {
    const template = fs.readFileSync(path.join(root, rel), 'utf8');
    const types = kinds.map((k) => fill(template, { Type: k.type, idPrefix: k.idPrefix }, rel).replace(/\n$/, ''));
    parts.push(`# ${rel}, for each kind\n${types.join('\n\n')}\n`);
  }
  parts.push(...derive(fs.readFileSync(path.join(root, schema), 'utf8'), derived, schema).map((sdl) => `# derived from ${schema}\n${sdl}`));
  return `${SHARED_SDL_HEADER}\n${parts.join('\n')}`;
}

function valuesFor(kind, kinds) {
  const additions = require(path.join(templateDir, 'kinds', `${kind.subgraph}.js`));
  const others = kinds.filter((k) => k !== kind);
  return {
    ...additions,
    ...sharedSdl(kinds),
    Type: kind.type,
    field: kind.field,
    plural: kind.plural,
    Plural: kind.plural.charAt(0).toUpperCase() + kind.plural.slice(1),
    KIND: kind.kind,
    idPrefix: kind.idPrefix,
    ...catalogueValues(kinds),
    networkUnion: kinds.map((k) => k.type).join(' | '),
    // Another kind, for tests that name a network of another subgraph (test/agreement.test.ts).
    otherKIND: others[0].kind,
    otherIdPrefix: others[0].idPrefix,
    otherType: others[0].type,
    otherSubgraph: others[0].subgraph,
    firstCategory: kind.categories[0].value,
    // The other kinds, as entity references this subgraph can name (co-organisers) but not resolve.
    // Every kind as a fragment on its network type (the synergies reader's co-organisers).
    coOrganiserRefs: kinds.map((k) => `        ... on ${k.type} {\n          id\n        }`).join('\n'),
    // Each implements the Network interface, which declares only `id` in a network subgraph (see the
    // comment on it in templates/shared/sdl/node-interfaces.graphql): a placeholder has nothing else to declare.
    otherKindStubs: others
      .map(
        (k) =>
          `type ${k.type} implements Network & Node @key(fields: "id", resolvable: false) {\n  "Stable identifier (\`${k.idPrefix}-…\`)."\n  id: ID!\n}\n`,
      )
      .join('\n'),
    // A kind with fields of its own (additions.ownResolvers) resolves them in
    // services/<subgraph>/src/resolvers/own/<Type>.ts, spread into the generated <Type>.ts.
    ownImport: additions.ownResolvers ? `import { own } from './own/${kind.type}';` : '',
    ownSpread: additions.ownResolvers ? '...own,' : '',
    subtypeValues: sdlValues(kind.subtypes),
    categoryValues: sdlValues(kind.categories),
    prismaSubtypes: kind.subtypes.map((v) => `  ${v.value}`).join('\n'),
    prismaCategories: kind.categories.map((v) => `  ${v.value}`).join('\n'),
    sqlSubtypes: kind.subtypes.map((v) => `'${v.value}'`).join(', '),
    sqlCategories: kind.categories.map((v) => `'${v.value}'`).join(', '),
  };
}

function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const migrationName = (folder) => folder.replace(/^\d+_/, '');
const folders = (dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];

/** Every file the template gives one kind: path relative to the service folder → content. */
function filesFor(kind, kinds) {
  const values = valuesFor(kind, kinds);
  const serviceDir = path.join(root, 'services', kind.subgraph);
  const read = (rel) => fs.readFileSync(path.join(templateDir, rel), 'utf8');
  const files = new Map();
  files.set('schema.graphql', fill(read('schema.graphql'), values, 'schema.graphql'));
  files.set('prisma/schema.prisma', fill(read('prisma/schema.prisma'), values, 'prisma/schema.prisma'));
  files.set('prisma/migrations/migration_lock.toml', read('prisma/migrations/migration_lock.toml'));
  // Resolver files (one per GraphQL type, file names templated too: {{Type}}.ts) and tests.
  for (const rel of ['src', 'test'].flatMap((dir) => walk(path.join(templateDir, dir))).map((file) => path.relative(templateDir, file))) {
    files.set(fill(rel, values, rel), fill(read(rel), values, rel));
  }
  const sources = [
    sharedMigrationsDir,
    path.join(templateDir, 'prisma/migrations'),
    path.join(templateDir, 'kinds', kind.subgraph, 'migrations'),
  ];
  const migrations = migrationFiles(serviceDir, sources, values);
  for (const [rel, content] of migrations.files) files.set(rel, content);
  // Per-kind files of other workspaces (the synergies reader's and the CLI's operations), written
  // at their path from the repository root: templates/network/elsewhere/<path>.
  const elsewhere = new Map();
  const elsewhereDir = path.join(templateDir, 'elsewhere');
  for (const rel of walk(elsewhereDir).map((file) => path.relative(elsewhereDir, file))) {
    elsewhere.set(fill(rel, values, rel), fill(read(path.join('elsewhere', rel)), values, rel));
  }
  return { files, elsewhere, strays: migrations.strays };
}

/**
 * The migrations of `sources` (folders of `<timestamp>_<name>/migration.sql`) as a service's files,
 * each under the folder name the service already has for that name; and the service's folders that
 * none of the sources hold.
 */
function migrationFiles(serviceDir, sources, values) {
  const existing = new Map(folders(path.join(serviceDir, 'prisma/migrations')).map((f) => [migrationName(f), f]));
  const files = new Map();
  const known = new Set();
  for (const dir of sources) {
    for (const folder of folders(dir)) {
      const name = migrationName(folder);
      known.add(name);
      const target = existing.get(name) ?? folder;
      const file = path.join(dir, folder, 'migration.sql');
      const where = path.relative(root, file);
      files.set(`prisma/migrations/${target}/migration.sql`, fill(fs.readFileSync(file, 'utf8'), values, where));
    }
  }
  const strays = [...existing.keys()].filter((name) => !known.has(name));
  return { files, strays: strays.map((name) => path.relative(root, path.join(serviceDir, 'prisma/migrations', existing.get(name)))) };
}

function main() {
  const check = process.argv.includes('--check');
  const { KINDS } = loadCatalogue();
  const stale = [];
  const strayFolders = [];
  let count = 0;
  const targets = [];
  for (const kind of KINDS) {
    const { files, elsewhere, strays } = filesFor(kind, KINDS);
    strayFolders.push(...strays);
    targets.push(
      ...[...files].map(([rel, content]) => [path.join(root, 'services', kind.subgraph, rel), content]),
      ...[...elsewhere].map(([rel, content]) => [path.join(root, rel), content]),
    );
  }
  for (const [subgraph, shared] of Object.entries(SHARED_SDL_IN)) {
    targets.push([path.join(root, 'services', subgraph, 'shared.graphql'), sharedSdlFile(subgraph, shared, KINDS)]);
  }
  for (const subgraph of SHARED_MIGRATIONS_ALSO) {
    const serviceDir = path.join(root, 'services', subgraph);
    // Its own migrations are no strays: only the shared ones are written here.
    const { files } = migrationFiles(serviceDir, [sharedMigrationsDir], {});
    targets.push(...[...files].map(([rel, content]) => [path.join(serviceDir, rel), content]));
  }
  if (process.argv.includes('--list')) {
    for (const [target] of targets) console.log(path.relative(root, target));
    return;
  }
  for (const [target, content] of targets) {
    const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    count++;
    if (committed === content) continue;
    if (check) stale.push(path.relative(root, target));
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
      console.log(`wrote ${path.relative(root, target)}`);
    }
  }
  if (strayFolders.length) {
    console.error(
      `migrations not from templates/network or templates/shared (move them into a template, or the kind's additions):\n  ${strayFolders.join('\n  ')}`,
    );
    process.exit(1);
  }
  if (stale.length) {
    console.error(
      `stale files of templates/network or templates/shared (run \`npm run networks\` and commit them):\n  ${stale.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`${count} subgraph files ${check ? 'match' : 'written from'} templates/network and templates/shared`);
}

main();
