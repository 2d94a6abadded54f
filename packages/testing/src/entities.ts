import { Kind, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import type { SubgraphHarness } from './subgraph';

/** One `@key` of a type, as the subgraph's SDL declares it. */
export interface EntityKey {
  type: string;
  field: string;
}

const arg = (d: ConstDirectiveNode, name: string) => d.arguments?.find((a) => a.name.value === name)?.value;

/**
 * Every `@key` a subgraph resolves, read from its SDL: the keys of types it owns or extends, not
 * those marked `resolvable: false` (references it only names). Keys of one scalar field only: the
 * Maillage subgraphs key everything by `id`, and a compound key would need fixtures of its own.
 */
export function resolvableKeys(typeDefs: DocumentNode): EntityKey[] {
  const keys: EntityKey[] = [];
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const d of def.directives ?? []) {
      if (d.name.value !== 'key') continue;
      const resolvable = arg(d, 'resolvable');
      if (resolvable?.kind === Kind.BOOLEAN && !resolvable.value) continue;
      const fields = arg(d, 'fields');
      if (fields?.kind !== Kind.STRING || !/^\w+$/.test(fields.value.trim())) {
        throw new Error(
          `${def.name.value}: only single-field keys are supported, not ${fields?.kind === Kind.STRING ? fields.value : '?'}`,
        );
      }
      keys.push({ type: def.name.value, field: fields.value.trim() });
    }
  }
  return keys;
}

/**
 * Resolves entities of one type by id through `_entities`, selecting `selection` on each (answers in
 * the order of `ids`, null for an unknown one): a subgraph test of what its entities carry.
 */
export function resolveEntities(harness: Pick<SubgraphHarness<unknown>, 'execute'>, type: string, ids: string[], selection: string) {
  return harness.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { ${selection} } } }`, {
    r: ids.map((id) => ({ __typename: type, id })),
  });
}

export interface EntityFixtures {
  /** Entities the subgraph owns, each with the key of a seeded one: an unknown key resolves to null. */
  owned: Record<string, string>;
  /** Entities of another subgraph it adds fields to: any key resolves to a reference carrying it. */
  extended?: Record<string, string>;
}

/**
 * Declares one jest test per `@key` of the subgraph (its `_entities` resolves the fixture's key,
 * and answers an unknown key as the entity's owner would), plus one that every key has a fixture
 * and every fixture a key: a new entity in the SDL fails until its test exists.
 */
export function describeEntities(harness: () => SubgraphHarness<unknown>, typeDefs: DocumentNode, fixtures: EntityFixtures): void {
  const keys = resolvableKeys(typeDefs);
  const known = { ...fixtures.owned, ...fixtures.extended };

  test('every resolvable @key has an _entities fixture, and every fixture a @key', () => {
    expect(Object.keys(known).sort()).toEqual([...new Set(keys.map((k) => k.type))].sort());
  });

  for (const { type, field } of keys) {
    const owned = type in fixtures.owned;
    test(`_entities resolves ${type} by ${field}${owned ? ', and null for an unknown one' : ' (a reference to extend)'}`, async () => {
      const value = known[type];
      if (value === undefined) throw new Error(`no fixture for ${type}`);
      const unknown = `unknown-${type.toLowerCase()}`;
      const res = await harness().execute(
        `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on ${type} { ${field} } } }`,
        {
          r: [
            { __typename: type, [field]: value },
            { __typename: type, [field]: unknown },
          ],
        },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toEqual([{ __typename: type, [field]: value }, owned ? null : { __typename: type, [field]: unknown }]);
    });
  }
}
