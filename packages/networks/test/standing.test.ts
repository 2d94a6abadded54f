import { parse } from 'graphql';
import { networkPeers } from '@maillage/env';
import { CHAMBER } from '@maillage/kinds';
import { startSubgraph, type RunningServer } from '@maillage/subgraph-server';
import { testViewer } from '@maillage/testing';
import type { Viewer } from '@maillage/viewer';
import { initialStatuses, NetworkPeers, networksElsewhere, subgraphOfNetwork, type NetworkDb, type StandingPair } from '../src';

// Standing across kinds (docs/architecture.md, "Standing across kinds"): the chambers subgraph asks
// the subgraph of each other kind whom the viewer's networks of that kind speak for. The peers here
// are real subgraph servers (the gateway's signature checked on /standing as on every route) whose
// authority is a table of the test; each network subgraph's own /standing over its database is
// tested from the template (services/<kind>/test/agreement.test.ts) and across kinds end to end
// (gateway/test/agreement.e2e.test.ts).

const editor = (networks: string[]) => testViewer('editor', { networks, subject: 'editor-of-several' });

test('a network id names its subgraph by prefix; the viewer networks held elsewhere, by subgraph', () => {
  expect(subgraphOfNetwork('cl-aerospace-valley')).toBe('clusters');
  expect(subgraphOfNetwork('cb-reseau-1234')).toBe('clubs');
  expect(subgraphOfNetwork('xx-nothing')).toBeUndefined();
  const viewer = editor(['ch-cci-herault', 'cl-a', 'cl-b', 'co-c', 'xx-d']);
  expect(networksElsewhere(viewer, CHAMBER)).toEqual(
    new Map([
      ['clusters', ['cl-a', 'cl-b']],
      ['councils', ['co-c']],
    ]),
  );
});

test('NETWORK_PEERS: name=url pairs, the four network subgraphs by default, a bad value named', () => {
  expect(networkPeers({ NETWORK_PEERS: 'clusters=http://127.0.0.1:1/graphql, clubs=http://h:2/graphql' })).toEqual({
    clusters: 'http://127.0.0.1:1/graphql',
    clubs: 'http://h:2/graphql',
  });
  expect(networkPeers({ NETWORK_PEERS: '' })).toEqual({});
  expect(Object.keys(networkPeers({}))).toEqual(['chambers', 'clusters', 'councils', 'clubs']);
  expect(() => networkPeers({ NETWORK_PEERS: 'clusters:4003' })).toThrow(/NETWORK_PEERS/);
});

test('a new link is confirmed when the proposer speaks for the one it names, as found before the write', async () => {
  const viewer = editor(['ch-lead', 'cl-named']);
  const links = [
    { role: 'CO_ORGANISER', targetId: 'cl-named' },
    { role: 'CO_ORGANISER', targetId: 'co-other' },
    { role: 'PARTICIPANT', targetId: 'act-member-elsewhere' },
    { role: 'PARTNER', targetId: 'act-stranger' },
  ];
  // With the actors already found, the transaction is not asked again.
  const untouched = {} as NetworkDb;
  expect((await initialStatuses(untouched, viewer, links, new Set(['act-member-elsewhere']))).map((l) => l.status)).toEqual([
    'CONFIRMED',
    'PROPOSED',
    'CONFIRMED',
    'PROPOSED',
  ]);
});

describe('asking the other kinds', () => {
  /** What each peer's authority holds: network → its active members; and what it was asked. */
  const members: Record<string, Record<string, string[]>> = {
    clusters: { 'cl-a': ['act-1', 'act-3'], 'cl-b': ['act-2'] },
    councils: { 'co-c': ['act-2'] },
  };
  const asked: { subgraph: string; viewer: Viewer; body: { actorIds: string[]; networkIds: string[] } }[] = [];
  const servers: Record<string, RunningServer> = {};
  const log: { subgraph: string }[] = [];
  let peers: NetworkPeers;

  beforeAll(async () => {
    for (const subgraph of Object.keys(members)) {
      servers[subgraph] = await startSubgraph(
        {
          name: subgraph,
          typeDefs: parse('type Query { ok: Boolean }'),
          resolvers: {},
          context: () => ({}),
          endpoints: {
            '/standing': async (viewer, body) => {
              const b = body as { actorIds: string[]; networkIds: string[] };
              asked.push({ subgraph, viewer, body: b });
              const pairs: StandingPair[] = b.networkIds.flatMap((networkId) =>
                (members[subgraph][networkId] ?? []).map((actorId) => ({ actorId, networkId, as: 'MEMBER' as const })),
              );
              // An answer beyond the question is no authority's: the asker must leave it out.
              return { spokenFor: [...pairs, { actorId: 'act-never-asked', networkId: b.networkIds[0], as: 'MEMBER' }] };
            },
          },
        },
        { port: 0, host: '127.0.0.1' },
      );
    }
    peers = new NetworkPeers(CHAMBER, 'maillage-development-only-gateway-signing-secret', { warn: (o) => log.push(o as never) });
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s.stop();
    delete process.env.NETWORK_PEERS;
  });
  beforeEach(() => {
    asked.length = 0;
    log.length = 0;
    process.env.NETWORK_PEERS = Object.entries(servers)
      .map(([name, s]) => `${name}=${s.url}`)
      .join(',');
  });

  test("each kind is asked once, about the viewer's networks of that kind, for the viewer itself", async () => {
    const viewer = editor(['ch-own', 'cl-a', 'cl-b', 'co-c']);
    const found = await peers.spokenFor(viewer, ['act-1', 'act-2', 'act-9']);
    expect(found).toEqual(new Set(['act-1', 'act-2']));
    expect(asked.map((a) => [a.subgraph, a.body.networkIds]).sort()).toEqual([
      ['clusters', ['cl-a', 'cl-b']],
      ['councils', ['co-c']],
    ]);
    expect(asked.every((a) => a.viewer.subject === 'editor-of-several' && a.body.actorIds.length === 3)).toBe(true);
  });

  test('a viewer who edits no network of another kind, or is no editor, asks nobody', async () => {
    expect(await peers.spokenFor(editor(['ch-own']), ['act-1'])).toEqual(new Set());
    expect(await peers.spokenFor(testViewer('analyst'), ['act-1'])).toEqual(new Set());
    expect(asked).toEqual([]);
  });

  test('a kind that does not answer: no guess for the actors it might have spoken for', async () => {
    process.env.NETWORK_PEERS = `clusters=${servers.clusters.url},councils=http://127.0.0.1:1/graphql`;
    const viewer = editor(['cl-a', 'co-c']);
    // Everyone asked about is spoken for by the clusters: the councils' silence changes nothing.
    expect(await peers.spokenFor(viewer, ['act-1', 'act-3'])).toEqual(new Set(['act-1', 'act-3']));
    // act-2 might be a member of co-c: only the councils could say.
    await expect(peers.spokenFor(viewer, ['act-1', 'act-2'])).rejects.toMatchObject({
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'councils' },
    });
    expect(log.map((l) => l.subgraph)).toContain('councils');
  });

  test("a peer that refuses the statement (signed for another subgraph's name) is not an answer", async () => {
    // The clusters server reached under the councils' name: its signature check refuses it (401).
    process.env.NETWORK_PEERS = `councils=${servers.clusters.url}`;
    await expect(peers.spokenFor(editor(['co-c']), ['act-2'])).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(asked).toEqual([]);
  });

  test('more than 100 actors or networks are asked in several requests', async () => {
    const actors = Array.from({ length: 150 }, (_, i) => `act-${i}`);
    const found = await peers.spokenFor(editor(['cl-a']), actors);
    expect(found).toEqual(new Set(['act-1', 'act-3']));
    expect(asked.map((a) => a.body.actorIds.length).sort()).toEqual([100, 50]);
  });
});
