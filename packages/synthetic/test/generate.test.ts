import { getTerritory, parseNafCode } from '@maillage/reference';
import { generateRegion } from '../src';

const small = { actors: 2_000, networks: 40, memberships: 8_000, initiatives: 400 };

test('the same seed gives the same region; another seed another', () => {
  const a = generateRegion({ ...small, seed: 7 });
  expect(generateRegion({ ...small, seed: 7 })).toEqual(a);
  expect(generateRegion({ ...small, seed: 8 }).memberships).not.toEqual(a.memberships);
});

test('sizes, real territories and NAF codes, memberships without duplicates', () => {
  const r = generateRegion({ ...small, seed: 1 });
  // Each network brings its own organisation into the directory.
  expect(r.actors).toHaveLength(small.actors + small.networks);
  expect(r.networks).toHaveLength(small.networks);
  expect(r.initiatives).toHaveLength(small.initiatives);
  expect(Math.abs(r.memberships.length - small.memberships) / small.memberships).toBeLessThan(0.1);
  for (const a of r.actors) {
    expect(getTerritory(a.communeId!)?.regionId).toBe('REG-76');
    if (a.nafCode) expect(parseNafCode(a.nafCode)).not.toBeNull();
  }
  const keys = r.memberships.map((m) => `${m.networkId}|${m.actorId}`);
  expect(new Set(keys).size).toBe(keys.length);
  const kinds = new Set(r.networks.map((n) => n.kind));
  expect([...kinds].sort()).toEqual(['CHAMBER', 'CLUB', 'CLUSTER', 'COUNCIL']);
});
