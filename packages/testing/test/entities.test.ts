import { parse } from 'graphql';
import { resolvableKeys } from '../src/entities';

describe('resolvableKeys', () => {
  it('finds the @key types a subgraph resolves, leaving out references it only names', () => {
    const sdl = parse(`
      type Actor @key(fields: "id") { id: ID! }
      type Cluster @key(fields: "id", resolvable: false) { id: ID! }
      type Chamber @key(fields: "id") @key(fields: "siren") { id: ID! siren: String }
      type PageInfo { hasNextPage: Boolean! }
      extend type Territory @key(fields: "id") { id: ID! }
    `);
    expect(resolvableKeys(sdl)).toEqual([
      { type: 'Actor', field: 'id' },
      { type: 'Chamber', field: 'id' },
      { type: 'Chamber', field: 'siren' },
      { type: 'Territory', field: 'id' },
    ]);
  });

  it('refuses a compound key rather than testing it wrongly', () => {
    expect(() => resolvableKeys(parse('type Role @key(fields: "person { id } organisation { id }") { id: ID! }'))).toThrow(
      /single-field keys/,
    );
  });
});
