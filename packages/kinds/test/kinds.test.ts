import { BY_KIND, BY_TYPE, KINDS, kindOfId, TYPE_OF_KIND } from '../src';

describe('the kinds catalogue', () => {
  it('gives each kind distinct names, prefixes and subgraphs', () => {
    for (const key of ['kind', 'type', 'field', 'plural', 'idPrefix', 'subgraph'] as const) {
      expect(new Set(KINDS.map((k) => k[key])).size).toBe(KINDS.length);
    }
  });

  it('derives the schema names from the kind', () => {
    expect(BY_TYPE.Council.fields.memberships).toBe('councilMemberships');
    expect(BY_TYPE.Club.fields.addMembership).toBe('addClubMembership');
    expect(BY_KIND.CHAMBER.fields.operated).toBe('operatedChambers');
    expect(BY_KIND.CLUSTER.types.importMembershipsInput).toBe('ImportClusterMembershipsInput');
    expect(TYPE_OF_KIND.COUNCIL).toBe('Council');
  });

  it('tells a network kind by its id prefix', () => {
    expect(kindOfId('cb-club-entrepreneurs-millavois')?.type).toBe('Club');
    expect(kindOfId('co-m-1')?.kind).toBe('COUNCIL');
    expect(kindOfId('act-edf')).toBeUndefined();
  });

  it('has no duplicate enum values within a kind', () => {
    for (const k of KINDS) {
      expect(new Set(k.subtypes.map((v) => v.value)).size).toBe(k.subtypes.length);
      expect(new Set(k.categories.map((v) => v.value)).size).toBe(k.categories.length);
    }
  });
});
