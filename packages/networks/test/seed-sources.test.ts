import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { INTERNAL_SOURCE, seedProvenance } from '../src/seed';

// Every seed file of every subgraph (services/*/seed/*.json), read as data: each record cites a
// public source (a press article, the network's site, an official register), never the project's
// own notes, and says how its facts are known.

const services = path.resolve(__dirname, '../../../services');
const seedFiles = readdirSync(services).flatMap((s) => {
  const dir = path.join(services, s, 'seed');
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
});

/** Every `sources` array anywhere in a value, with where it is. */
function sourceLists(value: unknown, where: string): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, k) => sourceLists(v, `${where}[${k}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'sources' ? [[`${where}.sources`, v] as [string, unknown]] : sourceLists(v, `${where}.${k}`),
  );
}

test('the seed files are found: five subgraphs with data', () => {
  expect(new Set(seedFiles.map((f) => path.basename(path.dirname(path.dirname(f))))).size).toBe(5);
  expect(seedFiles.length).toBeGreaterThanOrEqual(15);
});

test.each(seedFiles.map((f) => [path.relative(services, f), f]))('%s: every record cites public sources only', (_, file) => {
  const records = JSON.parse(readFileSync(file, 'utf8')) as { id: string; sources?: string[] }[];
  expect(records.length).toBeGreaterThan(0);
  for (const r of records) {
    // A record stands on a source, or on a rule applied to facts that do.
    expect([r.id, (r.sources ?? []).length > 0]).toEqual([r.id, true]);
    for (const [where, list] of sourceLists(r, r.id)) {
      expect(Array.isArray(list)).toBe(true);
      for (const s of list as unknown[]) {
        expect(typeof s).toBe('string');
        expect([where, INTERNAL_SOURCE.test(s as string) ? s : null]).toEqual([where, null]);
      }
    }
  }
});

test('the seed loader refuses an internal note, a derived fact without its rule, and an entered one', () => {
  expect(() => seedProvenance('x', ['shared/DOMAIN.md (faits de réseau)'], undefined)).toThrow(/internal note/);
  expect(() => seedProvenance('x', ['an article'], { kind: 'DERIVED' })).toThrow(/names its rule/);
  expect(() => seedProvenance('x', ['an article'], { kind: 'ENTERED' as never })).toThrow(/only an editor enters/);
  expect(() => seedProvenance('x', [], undefined)).toThrow(/no source/);
  expect(seedProvenance('x', ['an article'], { kind: 'DERIVED', rule: 'a law' })).toMatchObject({
    provenance: 'DERIVED',
    provenanceRule: 'a law',
  });
});
