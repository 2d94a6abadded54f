import { nafDivision } from '@maillage/reference';
import type { RegionSnapshot } from '@maillage/synergy';
import { runSynergiesOn } from './harness';

// Every root field through the schema and its type resolvers, in-process, on a region small enough
// to work out by hand. Montpellier COM-34172 lies in DEP-34, Millau COM-12145 in DEP-12.
//   ch-1 (CCI, scope DEP-34) = {Alpha 62.01Z, Bravo 25.62A}; cb-2 (Club, scope DEP-12) = {Bravo, Charlie 62.02A, GE}.
//   One initiative, led by ch-1 with cb-2, on the day of the scope, in Millau, with Alpha taking part.
const region: RegionSnapshot = {
  takenAt: '2026-11-01T00:00:00.000Z',
  actors: [
    { id: 'act-a', name: 'Alpha', kind: 'COMPANY', nafCode: '62.01Z', communeId: 'COM-34172' },
    { id: 'act-b', name: 'Bravo', kind: 'COMPANY', nafCode: '25.62A', communeId: 'COM-34172' },
    { id: 'act-c', name: 'Charlie', kind: 'COMPANY', nafCode: '62.02A', communeId: 'COM-12145', category: 'GE' },
  ],
  networks: [
    { id: 'ch-1', kind: 'CHAMBER', name: 'CCI', scope: ['DEP-34'] },
    { id: 'cb-2', kind: 'CLUB', name: 'Club', scope: ['DEP-12'] },
  ],
  memberships: [
    { networkId: 'ch-1', actorId: 'act-a', startDate: '2020-01-01' },
    { networkId: 'ch-1', actorId: 'act-b', startDate: '2020-01-01' },
    { networkId: 'cb-2', actorId: 'act-b', startDate: '2020-01-01' },
    { networkId: 'cb-2', actorId: 'act-c', startDate: '2020-01-01' },
  ],
  initiatives: [
    {
      id: 'in-1',
      name: 'Rencontre',
      organiserId: 'ch-1',
      coOrganiserIds: ['cb-2'],
      partyActorIds: ['act-a'],
      startDate: '2026-11-01',
      placeId: 'COM-12145',
    },
  ],
};

const run = runSynergiesOn(region);

const S = 'scope: { to: "2026-11-01" }';
const N = '__typename ... on Chamber { id } ... on Club { id }';
const label = (d: string) => nafDivision(d)!.label;

test('overlap: counts, Jaccard, shared members as references, the resolved scope', async () => {
  const { data } = await run(`{ networkOverlap(networkA: "ch-1", networkB: "cb-2", ${S}) {
    networkA { ${N} } networkB { ${N} } membersA membersB sharedCount jaccard sharedMembers { id } scope { territory { id } from to snapshotTakenAt } } }`);
  // {a, b} and {b, c}: one shared of three.
  expect(data!.networkOverlap).toEqual({
    networkA: { __typename: 'Chamber', id: 'ch-1' },
    networkB: { __typename: 'Club', id: 'cb-2' },
    membersA: 2,
    membersB: 2,
    sharedCount: 1,
    jaccard: 0.3333,
    sharedMembers: [{ id: 'act-b' }],
    scope: { territory: null, from: '2026-11-01', to: '2026-11-01', snapshotTakenAt: '2026-11-01T00:00:00.000Z' },
  });
});

test('sector profiles and pairs: divisions with their labels, similarity, complementarity and the couples behind it', async () => {
  const { data } =
    await run(`{ sectorProfiles(${S}) { network { ${N} } memberCount withSector divisions { division { code label } count share } }
    sectorPairs(relation: SIMILAR, ${S}) { networkA { ${N} } similarity complementarity sharedCount jointInitiatives whiteSpace sectorLinks { a { code } b { code } weight } } }`);
  const half = (code: string) => ({ division: { code, label: label(code) }, count: 1, share: 0.5 });
  expect(data!.sectorProfiles).toEqual([
    { network: { __typename: 'Chamber', id: 'ch-1' }, memberCount: 2, withSector: 2, divisions: [half('25'), half('62')] },
    { network: { __typename: 'Club', id: 'cb-2' }, memberCount: 2, withSector: 2, divisions: [half('25'), half('62')] },
  ]);
  // Both {25: ½, 62: ½}: cosine 1. 25 and 62 are in every network, always together: affinity 1 both
  // ways, so complementarity = ½·½ + ½·½ = ½, half of it each way.
  expect(data!.sectorPairs).toEqual([
    {
      networkA: { __typename: 'Chamber', id: 'ch-1' },
      similarity: 1,
      complementarity: 0.5,
      sharedCount: 1,
      jointInitiatives: 1,
      whiteSpace: false,
      sectorLinks: [
        { a: { code: '25' }, b: { code: '62' }, weight: 0.5 },
        { a: { code: '62' }, b: { code: '25' }, weight: 0.5 },
      ],
    },
  ]);
});

test('co-participation and bridging actors', async () => {
  const { data } =
    await run(`{ coParticipation(${S}) { networkA { ${N} } networkB { ${N} } count weight initiatives { id name startDate organiser { ${N} } } }
    bridgingActors(${S}) { method actors { actor { id } score networkCount bridges { networkA { ${N} } networkB { ${N} } sharedCount } } } }`);
  // Held on the scope's last day: weight 1.
  expect(data!.coParticipation).toEqual([
    {
      networkA: { __typename: 'Chamber', id: 'ch-1' },
      networkB: { __typename: 'Club', id: 'cb-2' },
      count: 1,
      weight: 1,
      initiatives: [{ id: 'in-1', name: 'Rencontre', startDate: '2026-11-01', organiser: { __typename: 'Chamber', id: 'ch-1' } }],
    },
  ]);
  // The path a – ch-1 – b – cb-2 – c: b lies on 4 of the 6 pairs of the other nodes.
  expect(data!.bridgingActors).toEqual({
    method: 'BETWEENNESS',
    actors: [
      {
        actor: { id: 'act-b' },
        score: 0.666667,
        networkCount: 2,
        bridges: [{ networkA: { __typename: 'Chamber', id: 'ch-1' }, networkB: { __typename: 'Club', id: 'cb-2' }, sharedCount: 1 }],
      },
    ],
  });
});

test('cross-territory ties per network and per territory', async () => {
  const { data } =
    await run(`{ crossTerritoryTies(${S}) { level networks { network { ${N} } seat { id } memberships crossing share territories { territory { id } count } initiatives crossingInitiatives initiativeTerritories { territory { id } count } }
    territories { territory { id } memberships crossing share initiatives crossingInitiatives initiativeShare } } }`);
  const both = [
    { territory: { id: 'DEP-12' }, count: 1 },
    { territory: { id: 'DEP-34' }, count: 1 },
  ];
  // The club (seat DEP-12) has Bravo from DEP-34; the initiative spans DEP-34 (ch-1, Alpha) and DEP-12 (cb-2, Millau).
  expect(data!.crossTerritoryTies).toEqual({
    level: 'DEPARTEMENT',
    networks: [
      {
        network: { __typename: 'Club', id: 'cb-2' },
        seat: { id: 'DEP-12' },
        memberships: 2,
        crossing: 1,
        share: 0.5,
        territories: both,
        initiatives: 1,
        crossingInitiatives: 1,
        initiativeTerritories: both,
      },
      {
        network: { __typename: 'Chamber', id: 'ch-1' },
        seat: { id: 'DEP-34' },
        memberships: 2,
        crossing: 0,
        share: 0,
        territories: [{ territory: { id: 'DEP-34' }, count: 2 }],
        initiatives: 1,
        crossingInitiatives: 1,
        initiativeTerritories: both,
      },
    ],
    territories: [
      {
        territory: { id: 'DEP-34' },
        memberships: 3,
        crossing: 1,
        share: 0.3333,
        initiatives: 1,
        crossingInitiatives: 1,
        initiativeShare: 1,
      },
      { territory: { id: 'DEP-12' }, memberships: 1, crossing: 0, share: 0, initiatives: 1, crossingInitiatives: 1, initiativeShare: 1 },
    ],
  });
});

test('synergy report: the pair, its score and its reasons', async () => {
  const { data } = await run(
    `{ synergyReport(${S}) { networkCount memberCount pairs { networkA { ${N} } score sharedCount reasons sharedMembers { id } sectorLinks { a { code } } jointInitiatives { id } introducers { id } } } }`,
  );
  const report = data!.synergyReport;
  expect(report).toMatchObject({ networkCount: 2, memberCount: 3 });
  const [pair] = report.pairs;
  // (complementarity ½ + (similarity 1 + Jaccard ⅓) / 2) × (1 + ln 2) / (1 + co-participation 1)
  expect(pair.score).toBeCloseTo(((0.5 + (1 + 1 / 3) / 2) * (1 + Math.log(2))) / 2, 4);
  expect(pair).toMatchObject({
    networkA: { id: 'ch-1' },
    sharedCount: 1,
    sharedMembers: [{ id: 'act-b' }],
    sectorLinks: [{ a: { code: '25' } }, { a: { code: '62' } }],
    jointInitiatives: [{ id: 'in-1' }],
    introducers: [{ id: 'act-b' }],
  });
  expect(pair.reasons).toEqual([
    '1 shared member: Bravo',
    `complementary sectors: 25 ${label('25')} ↔ 62 ${label('62')}; 62 ${label('62')} ↔ 25 ${label('25')}`,
    '1 joint initiative already: Rencontre',
  ]);
});

test('synergy report: the same reasons as data, a code and what each names, with the English text', async () => {
  const { data, errors } = await run(
    `{ synergyReport(${S}) { pairs { reasons reasonDetails { code text count actors { id } sectorLinks { a { code } b { code } } initiatives { id name } similarity } } } }`,
  );
  expect(errors).toBeUndefined();
  const [pair] = data!.synergyReport.pairs;
  expect(pair.reasonDetails.map((r: { text: string }) => r.text)).toEqual(pair.reasons);
  expect(pair.reasonDetails).toEqual([
    {
      code: 'SHARED_MEMBERS',
      text: '1 shared member: Bravo',
      count: 1,
      actors: [{ id: 'act-b' }],
      sectorLinks: [],
      initiatives: [],
      similarity: null,
    },
    {
      code: 'COMPLEMENTARY_SECTORS',
      text: pair.reasons[1],
      count: 2,
      actors: [],
      sectorLinks: [
        { a: { code: '25' }, b: { code: '62' } },
        { a: { code: '62' }, b: { code: '25' } },
      ],
      initiatives: [],
      similarity: null,
    },
    {
      code: 'JOINT_INITIATIVES',
      text: '1 joint initiative already: Rencontre',
      count: 1,
      actors: [],
      sectorLinks: [],
      initiatives: [{ id: 'in-1', name: 'Rencontre' }],
      similarity: null,
    },
  ]);
});

test('search, who has the solution and first clients', async () => {
  const search = await run(
    `{ searchActors(text: "BRAVO") { totalCount pageInfo { hasNextPage } nodes { actor { id } name score } } }`,
    'anonymous',
  );
  expect(search.data!.searchActors).toEqual({
    totalCount: 1,
    pageInfo: { hasNextPage: false },
    nodes: [{ actor: { id: 'act-b' }, name: 'Bravo', score: 1 }],
  });
  const { data } = await run(
    `{ whoHasTheSolution(actorId: "act-a", need: { sector: "25" }) { totalCount nodes { actor { id } name nearness path { network { ${N} } actor { id } } } networks { network { ${N} } nearness share } }
    firstClients(actorId: "act-a") { buyer { id } name hops path { network { ${N} } actor { id } } } }`,
    'editor',
  );
  expect(data!.whoHasTheSolution).toEqual({
    totalCount: 1,
    nodes: [
      {
        actor: { id: 'act-b' },
        name: 'Bravo',
        nearness: 'SAME_NETWORK',
        path: [{ network: { __typename: 'Chamber', id: 'ch-1' }, actor: { id: 'act-b' } }],
      },
    ],
    networks: [
      { network: { __typename: 'Chamber', id: 'ch-1' }, nearness: 'MEMBER', share: 0.5 },
      { network: { __typename: 'Club', id: 'cb-2' }, nearness: 'ONE_NETWORK_AWAY', share: 0.5 },
    ],
  });
  // Alpha reaches Charlie (GE) through Bravo: ch-1, then cb-2.
  expect(data!.firstClients).toEqual([
    {
      buyer: { id: 'act-c' },
      name: 'Charlie',
      hops: 2,
      path: [
        { network: { __typename: 'Chamber', id: 'ch-1' }, actor: { id: 'act-b' } },
        { network: { __typename: 'Club', id: 'cb-2' }, actor: { id: 'act-c' } },
      ],
    },
  ]);
});

test('the snapshot figures, and bad arguments named with their codes', async () => {
  const { data } = await run('{ synergySnapshot { takenAt actors networks memberships initiatives dangling } }');
  expect(data!.synergySnapshot).toEqual({
    takenAt: '2026-11-01T00:00:00.000Z',
    actors: 3,
    networks: 2,
    memberships: 4,
    initiatives: 1,
    dangling: 0,
  });
  const codes = await Promise.all(
    [
      '{ networkOverlap(networkA: "ch-9", networkB: "cb-2") { jaccard } }',
      '{ synergyReport(scope: { from: "2026-02-01", to: "2026-01-01" }) { networkCount } }',
      '{ coParticipation(first: 101) { count } }',
      '{ coParticipation { initiatives(first: -1) { id } } }',
      '{ firstClients(actorId: "act-z") { name } }',
    ].map(async (q) => (await run(q)).errors?.map((e) => [e.extensions.code, e.extensions.field])),
  );
  expect(codes).toEqual([
    [['UNKNOWN_NETWORK', 'networkA']],
    [['INVALID_DATE_RANGE', 'scope.from']],
    [['BAD_USER_INPUT', 'first']],
    [['BAD_USER_INPUT', 'first']],
    [['UNKNOWN_ACTOR', 'actorId']],
  ]);
});
