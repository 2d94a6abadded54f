import { CLUB } from '@maillage/kinds';
import { changedColumns, planLinks } from '../src/initiative-update';
import { namedLinks } from '../src/mutations';
import type { InitiativeRow, LinkRow } from '../src';

const day = (s: string) => new Date(`${s}T00:00:00Z`);

const initiative: InitiativeRow = {
  id: 'cb-i-1',
  networkId: 'cb-lead',
  kind: 'MEETING',
  status: 'PLANNED',
  name: 'Rencontre',
  description: 'Une rencontre',
  startDate: day('2026-03-01'),
  endDate: day('2026-03-02'),
  dateNote: null,
  placeId: 'COM-34172',
  venue: null,
  reportedParticipantCount: null,
  sources: ['https://example.org/a'],
  provenance: 'STATED',
  provenanceRule: null,
  enteredBy: null,
  enteredAt: null,
};

const link = (role: LinkRow['role'], targetType: string, targetId: string, status: LinkRow['status']): LinkRow => ({
  id: `l-${role}-${targetId}`,
  initiativeId: initiative.id,
  role,
  targetType,
  targetId,
  status,
  proposedBy: 'lead',
  proposedAt: day('2026-01-01'),
  decidedBy: status === 'PROPOSED' ? null : 'named',
  decidedAt: status === 'PROPOSED' ? null : day('2026-01-02'),
});

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return undefined;
};

describe('the columns an update changes', () => {
  it('changes only the fields given, and only where they differ', () => {
    expect(changedColumns(initiative, { status: 'HELD', name: 'Rencontre' })).toEqual({ status: 'HELD' });
    expect(changedColumns(initiative, {})).toEqual({});
    // The same dates as new Date objects, the same sources: nothing to write (an update sent again).
    expect(changedColumns(initiative, { startDate: day('2026-03-01'), sources: ['https://example.org/a'] })).toEqual({});
  });

  it('clears a nullable field given as null, trims text, and refuses to clear kind, status or name', () => {
    expect(changedColumns(initiative, { description: null, placeId: null, venue: '  Salle Pasteur ' })).toEqual({
      description: null,
      placeId: null,
      venue: 'Salle Pasteur',
    });
    expect(codeOf(() => changedColumns(initiative, { name: null }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(codeOf(() => changedColumns(initiative, { status: null }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
    expect(codeOf(() => changedColumns(initiative, { name: '   ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(codeOf(() => changedColumns(initiative, { venue: 'x'.repeat(301) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'venue' });
  });

  it('checks the period as it will be, whichever bound moves, as initiative_dates_check does', () => {
    expect(codeOf(() => changedColumns(initiative, { startDate: day('2026-03-05') }))).toMatchObject({
      code: 'INVALID_DATE_RANGE',
      field: 'endDate',
    });
    expect(codeOf(() => changedColumns(initiative, { endDate: day('2026-02-01') }))).toMatchObject({ code: 'INVALID_DATE_RANGE' });
    // Moving both, or clearing the end, is fine.
    expect(changedColumns(initiative, { startDate: day('2026-04-01'), endDate: day('2026-04-02') })).toEqual({
      startDate: day('2026-04-01'),
      endDate: day('2026-04-02'),
    });
    expect(changedColumns(initiative, { startDate: day('2026-04-01'), endDate: null })).toEqual({
      startDate: day('2026-04-01'),
      endDate: null,
    });
  });

  it('refuses a place that is not a territory', () => {
    expect(codeOf(() => changedColumns(initiative, { placeId: 'COM-00000' }))).toMatchObject({
      code: 'UNKNOWN_TERRITORY',
      field: 'placeId',
    });
  });
});

describe('what an update does to the links', () => {
  const current = [
    link('CO_ORGANISER', 'Council', 'co-confirmed', 'CONFIRMED'),
    link('CO_ORGANISER', 'Chamber', 'ch-proposed', 'PROPOSED'),
    link('CO_ORGANISER', 'Cluster', 'cl-declined', 'DECLINED'),
    link('PARTICIPANT', 'Actor', 'act-a', 'CONFIRMED'),
  ];
  const wanted = (input: Parameters<typeof namedLinks>[2]) => namedLinks(CLUB, 'cb-lead', input);

  it('keeps a link named again as it is, adds the new ones, removes those left out', () => {
    const plan = planLinks(
      current,
      wanted({
        coOrganisers: [
          { kind: 'COUNCIL', id: 'co-confirmed' },
          { kind: 'CHAMBER', id: 'ch-new' },
        ],
      }),
      ['CO_ORGANISER'],
    );
    expect(plan.add).toEqual([{ role: 'CO_ORGANISER', targetType: 'Chamber', targetId: 'ch-new' }]);
    // The proposal left out goes; the declined one stays, named or not; parties are not touched.
    expect(plan.remove.map((l) => l.targetId)).toEqual(['ch-proposed']);
  });

  it('does not propose a declined link again when it is named again', () => {
    const plan = planLinks(current, wanted({ coOrganisers: [{ kind: 'CLUSTER', id: 'cl-declined' }] }), ['CO_ORGANISER']);
    expect(plan.add).toEqual([]);
    expect(plan.remove.map((l) => l.targetId).sort()).toEqual(['ch-proposed', 'co-confirmed']);
  });

  it('treats a party in another role as a new link', () => {
    const plan = planLinks(current, wanted({ parties: [{ actorId: 'act-a', role: 'PARTNER' }] }), ['PARTNER', 'PARTICIPANT']);
    expect(plan.add).toEqual([{ role: 'PARTNER', targetType: 'Actor', targetId: 'act-a' }]);
    expect(plan.remove.map((l) => l.id)).toEqual(['l-PARTICIPANT-act-a']);
  });

  it('leaves the links of a role the update does not name', () => {
    expect(planLinks(current, wanted({}), [])).toEqual({ add: [], remove: [] });
  });

  it('refuses the lead as its own co-organiser, and more than 20 co-organisers, as a creation does', () => {
    expect(codeOf(() => wanted({ coOrganisers: [{ kind: 'CLUB', id: 'cb-lead' }] }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    const many = Array.from({ length: 21 }, (_, i) => ({ kind: 'COUNCIL' as const, id: `co-${i}` }));
    expect(codeOf(() => wanted({ coOrganisers: many }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'coOrganisers' });
  });
});
