import { CHAMBER, CLUB } from '@maillage/kinds';
import { testViewer } from '@maillage/testing';
import { activeMemberIds, isActiveOn, mayReadMembers, network, type MembershipRow, type NetworkRow } from '../src';
import { ID } from '../src/mutations';

const day = (s: string) => new Date(`${s}T00:00:00Z`);

const row = (over: Partial<NetworkRow> = {}): NetworkRow => ({
  id: 'ch-test',
  subtype: 'CCI_TERRITORIALE',
  name: 'CCI Test',
  shortName: null,
  searchName: 'cci test',
  description: null,
  actorId: null,
  parentId: null,
  predecessorId: null,
  scope: ['DEP-34'],
  reach: ['DEP-34', 'REG-76'],
  startDate: null,
  endDate: null,
  reportedMemberCount: null,
  reportedMemberAsOf: null,
  reportedMemberNote: null,
  website: null,
  details: {},
  membersPublic: true,
  sources: [],
  names: [],
  provenance: 'STATED',
  provenanceRule: null,
  enteredBy: null,
  enteredAt: null,
  ...over,
});

const member = (actorId: string, startDate: string | null, endDate: string | null): MembershipRow => ({
  id: `m-${actorId}-${startDate}`,
  networkId: 'ch-test',
  actorId,
  category: 'PARTNER',
  role: null,
  startDate: startDate ? day(startDate) : null,
  endDate: endDate ? day(endDate) : null,
  sources: [],
  provenance: 'STATED',
  provenanceRule: null,
  enteredBy: null,
  enteredAt: null,
});

describe('activity on a day', () => {
  const on = day('2024-06-01');
  it('counts a row as active from its start, until the day it ends', () => {
    expect(isActiveOn({ startDate: day('2024-06-01'), endDate: null }, on)).toBe(true);
    expect(isActiveOn({ startDate: day('2024-06-02'), endDate: null }, on)).toBe(false);
    expect(isActiveOn({ startDate: null, endDate: day('2024-06-01') }, on)).toBe(false);
    expect(isActiveOn({ startDate: null, endDate: day('2024-06-02') }, on)).toBe(true);
  });

  it('lists each active member once', () => {
    const rows = [
      member('act-a', '2020-01-01', null),
      member('act-a', '2010-01-01', '2011-01-01'),
      member('act-b', null, '2000-01-01'),
      member('act-c', null, null),
    ];
    expect(activeMemberIds(rows)).toEqual(['act-a', 'act-c']);
  });
});

describe('who reads a member list', () => {
  const hidden = row({ membersPublic: false });
  it('lets anyone read a public list', () => {
    expect(mayReadMembers(testViewer('anonymous'), row())).toBe(true);
  });
  it('keeps a private list to analysts, admins and the network editors', () => {
    expect(mayReadMembers(testViewer('anonymous'), hidden)).toBe(false);
    expect(mayReadMembers(testViewer('analyst'), hidden)).toBe(true);
    expect(mayReadMembers(testViewer('admin'), hidden)).toBe(true);
    expect(mayReadMembers(testViewer('editor', { networks: ['ch-test'] }), hidden)).toBe(true);
    expect(mayReadMembers(testViewer('editor', { networks: ['ch-other'] }), hidden)).toBe(false);
  });
});

describe('network fields', () => {
  it('hands the directory references, not rows', () => {
    expect(network.actor(row({ actorId: 'act-cci' }))).toEqual({ __typename: 'Actor', id: 'act-cci' });
    expect(network.actor(row())).toBeNull();
    expect(network.scope(row({ scope: ['DEP-34', 'DEP-30'] }))).toEqual([
      { __typename: 'Territory', id: 'DEP-34' },
      { __typename: 'Territory', id: 'DEP-30' },
    ]);
  });

  it('states a reported count with its date and note, or none', () => {
    expect(network.reportedMemberCount(row())).toBeNull();
    const asOf = day('2023-01-01');
    expect(
      network.reportedMemberCount(row({ reportedMemberCount: 80, reportedMemberAsOf: asOf, reportedMemberNote: "donneurs d'ordre" })),
    ).toEqual({
      count: 80,
      asOf,
      note: "donneurs d'ordre",
    });
  });

  it('names the visibility of the member list', () => {
    expect(network.memberListVisibility(row())).toBe('PUBLIC');
    expect(network.memberListVisibility(row({ membersPublic: false }))).toBe('PRIVATE');
  });

  it('tells its own rows from references to other kinds in the Network union', () => {
    expect(network.resolveNetworkType(CHAMBER.type)(row())).toBe('Chamber');
    expect(network.resolveNetworkType(CHAMBER.type)({ __typename: CLUB.type, id: 'cb-x' })).toBe('Club');
  });
});

describe('ids', () => {
  it('accepts the ids this API hands out and refuses anything else', () => {
    expect(ID.test('ch-cci-herault')).toBe(true);
    expect(ID.test('ch-m-0b5e3c1a-7d1e-4f0a-9d56-2a8f3b1c9e70')).toBe(true);
    expect(ID.test('')).toBe(false);
    expect(ID.test('-leading-dash')).toBe(false);
    expect(ID.test("x'; DROP TABLE network; --")).toBe(false);
    expect(ID.test('x'.repeat(101))).toBe(false);
  });
});
