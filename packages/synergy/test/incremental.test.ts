import {
  actorMemberships,
  listInitiatives,
  listNetworks,
  publicPart,
  searchGraph,
  SynergyEngine,
  type IndexChange,
  type NetworkKind,
  type RegionSnapshot,
  type Scope,
  type SnapshotActor,
  type SnapshotInitiative,
  type SnapshotMembership,
  type SnapshotNetwork,
} from '../src';

/*
 * The index updated change by change must answer as a full build from the same final state. A
 * random sequence of changes (actors added, moved, renamed, deleted and back; networks renamed,
 * made private, deleted; memberships added, ended, moved, deleted, some naming unknown actors or
 * networks; initiatives changed and deleted) is applied to maps by id (as the feed's RegionState
 * keeps them) and to the engines; measures are asked on the way so views are cached and must be
 * dropped when touched; at checkpoints every list, the search and every measure is compared, by
 * ids, with engines built afresh from the maps.
 */

/** A seeded generator (mulberry32): the sequence is the same on every run, and the seed says which. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMUNES = ['COM-12145', 'COM-34172', 'COM-31555', 'COM-81004', null];
const SCOPES = [['DEP-12'], ['DEP-34'], ['REG-76'], ['EPCI-243400017'], ['COM-31555'], ['DEP-12', 'DEP-34']];
const KINDS: NetworkKind[] = ['CHAMBER', 'CLUSTER', 'COUNCIL', 'CLUB'];
const NAFS = ['25.62A', '62.01Z', '25.11Z', '62.02A', '30.30Z', '10.71C', null];
const WORDS = ['Usinage', 'Mécanique', 'Logiciel', 'Vallée', 'Occitanie', 'Numérique', 'Aéro', 'Réseau', 'Club', 'Conseil'];
const STATUSES = ['IDEA', 'PLANNED', 'HELD'];

class Model {
  readonly actors = new Map<string, SnapshotActor>();
  readonly networks = new Map<string, SnapshotNetwork>();
  readonly memberships = new Map<string, SnapshotMembership>();
  readonly initiatives = new Map<string, SnapshotInitiative>();
  snapshot(): RegionSnapshot {
    return {
      actors: [...this.actors.values()],
      networks: [...this.networks.values()],
      memberships: [...this.memberships.values()],
      initiatives: [...this.initiatives.values()],
      takenAt: '2026-11-01T00:00:00Z',
    };
  }
  /** As the feed's RegionState: an upsert sets (keeping the place of a known id), a delete removes. */
  apply(c: IndexChange) {
    const map = { actor: this.actors, network: this.networks, membership: this.memberships, initiative: this.initiatives }[c.type] as Map<
      string,
      unknown
    >;
    if (c.value) map.set(c.id, c.value);
    else map.delete(c.id);
  }
}

function generator(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const date = () => `${2018 + Math.floor(r() * 10)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-01`;
  const name = () => `${pick(WORDS)} ${pick(WORDS)}${r() < 0.3 ? ` ${Math.floor(r() * 100)}` : ''}`;
  let next = 0;
  const actorIds = () => Array.from({ length: 40 }, (_, i) => `a${i}`);
  const networkIds = () => Array.from({ length: 10 }, (_, i) => `n${i}`);
  const actor = (id: string): SnapshotActor => ({
    id,
    name: name(),
    kind: pick(['COMPANY', 'COMPANY', 'ASSOCIATION', 'PERSON', 'STARTUP']),
    nafCode: pick(NAFS),
    communeId: pick(COMMUNES),
    category: pick(['PME', 'ETI', 'GE', null]),
  });
  const network = (id: string): SnapshotNetwork => ({
    id,
    kind: pick(KINDS),
    name: name(),
    scope: pick(SCOPES),
    actorId: r() < 0.6 ? pick(actorIds()) : null,
    publicMembers: r() < 0.75,
    startDate: r() < 0.3 ? date() : null,
    endDate: r() < 0.15 ? date() : null,
  });
  const membership = (id: string): SnapshotMembership => {
    const start = r() < 0.2 ? null : date();
    return {
      id,
      // Now and then an actor or network the graph does not know (yet).
      networkId: r() < 0.05 ? 'n-ghost' : pick(networkIds()),
      actorId: r() < 0.05 ? 'a-ghost' : pick(actorIds()),
      startDate: start,
      endDate: r() < 0.4 ? date() : null,
    };
  };
  const initiative = (id: string): SnapshotInitiative => {
    const start = r() < 0.15 ? null : date();
    return {
      id,
      name: name(),
      organiserId: pick(networkIds()),
      coOrganiserIds: Array.from({ length: Math.floor(r() * 3) }, () => pick([...networkIds(), 'n-ghost'])),
      partyActorIds: Array.from({ length: Math.floor(r() * 4) }, () => pick(actorIds())),
      startDate: start,
      endDate: r() < 0.5 ? date() : null,
      placeId: pick(COMMUNES),
      status: pick(STATUSES),
    };
  };
  const initial = (m: Model) => {
    for (const id of actorIds().slice(0, 30)) m.actors.set(id, actor(id));
    for (const id of networkIds().slice(0, 8)) m.networks.set(id, network(id));
    for (let i = 0; i < 60; i++) m.memberships.set(`m${next++}`, membership(`m${next - 1}`));
    for (let i = 0; i < 10; i++) m.initiatives.set(`i${next++}`, initiative(`i${next - 1}`));
  };
  /** A change against the model as it is (an id of the model, or a new one). */
  const change = (m: Model): IndexChange => {
    const known = <T>(map: Map<string, T>) => [...map.keys()];
    const x = r();
    if (x < 0.15) {
      const id = pick(actorIds());
      const old = m.actors.get(id);
      if (old && r() < 0.15) return { type: 'actor', id, value: null };
      // Mostly a move or a rename of a known actor.
      const value =
        old && r() < 0.7 ? { ...old, ...(r() < 0.6 ? { communeId: pick(COMMUNES) } : { name: name(), nafCode: pick(NAFS) }) } : actor(id);
      return { type: 'actor', id, value };
    }
    if (x < 0.25) {
      const id = pick(networkIds());
      const old = m.networks.get(id);
      if (old && r() < 0.25) return { type: 'network', id, value: null };
      const value =
        old && r() < 0.7
          ? { ...old, ...(r() < 0.5 ? { publicMembers: !old.publicMembers } : { name: name(), scope: pick(SCOPES) }) }
          : network(id);
      return { type: 'network', id, value };
    }
    if (x < 0.75) {
      const ids = known(m.memberships);
      if (!ids.length || r() < 0.35) {
        const id = `m${next++}`;
        return { type: 'membership', id, value: membership(id) };
      }
      const id = pick(ids);
      const old = m.memberships.get(id)!;
      const y = r();
      if (y < 0.2) return { type: 'membership', id, value: null };
      if (y < 0.6) return { type: 'membership', id, value: { ...old, endDate: date() } };
      if (y < 0.8) return { type: 'membership', id, value: { ...old, startDate: date(), endDate: null } };
      return { type: 'membership', id, value: { ...old, actorId: pick(actorIds()) } };
    }
    const ids = known(m.initiatives);
    if (!ids.length || r() < 0.3) {
      const id = `i${next++}`;
      return { type: 'initiative', id, value: initiative(id) };
    }
    const id = pick(ids);
    if (r() < 0.2) return { type: 'initiative', id, value: null };
    return { type: 'initiative', id, value: { ...initiative(id), name: r() < 0.5 ? m.initiatives.get(id)!.name : name() } };
  };
  return { initial, change, r };
}

const SCOPES_ASKED: Scope[] = [
  { to: '2026-11-01' },
  { territoryId: 'REG-76', to: '2026-11-01' },
  { territoryId: 'DEP-34', from: '2019-01-01', to: '2026-11-01' },
  { territoryId: 'DEP-12', to: '2022-06-01' },
];
const TEXTS = ['usinage', 'mecanik valee', 'reseau 12', 'club', 'numerique occitanie'];

/** Every answer of the engine, with positions turned into ids: what must not depend on how the index was reached. */
function answers(e: SynergyEngine) {
  const { ix } = e;
  const net = (n: number) => ix.networks[n].id;
  const act = (a: number) => ix.actors[a].id;
  const ini = (i: number) => ix.iId[i];
  const nets = (ns: Iterable<number>) => [...ns].map(net);
  const acts = (as: Iterable<number>) => [...as].map(act);
  const out: Record<string, unknown> = {};
  out.counts = ix.counts();
  out.networks = [
    listNetworks(ix, {}),
    listNetworks(ix, { includeEnded: true }),
    listNetworks(ix, { territoryId: 'DEP-34', kind: 'CLUB' }),
    listNetworks(ix, { territoryId: 'COM-34172', includeEnded: true }),
    listNetworks(ix, { search: 'vallee' }),
  ].map(nets);
  out.memberships = [...ix.actorIx]
    .sort()
    .map(([id, a]) => [
      id,
      actorMemberships(ix, a, { includeEnded: true }).map((m) => ix.mId[m]),
      actorMemberships(ix, a, { kind: 'CLUB' }).map((m) => ix.mId[m]),
    ]);
  out.initiatives = [
    listInitiatives(ix, {}),
    listInitiatives(ix, { jointOnly: true }),
    listInitiatives(ix, { territoryId: 'DEP-34', from: '2020-01-01', to: '2024-12-31' }),
    listInitiatives(ix, { kind: 'CHAMBER', status: 'HELD' }),
    ...[...ix.actorIx.values()].slice(0, 10).map((a) => listInitiatives(ix, { party: a })),
  ].map((is) => is.map(ini));
  out.graphSearch = TEXTS.flatMap((text) => [
    searchGraph(ix, { text }).map((h) => [
      h.type,
      h.type === 'ACTOR' ? act(h.index) : h.type === 'NETWORK' ? net(h.index) : ini(h.index),
      h.score,
    ]),
    searchGraph(ix, { text, territoryId: 'DEP-34', types: ['ACTOR', 'NETWORK'] }).map((h) => [h.type, h.index >= 0]),
  ]);
  out.actorSearch = [{ text: 'usinage' }, { sector: '62' }, { territoryId: 'DEP-12' }, {}].map((q) =>
    e.search(q).map((h) => [act(h.actor), h.score]),
  );
  out.scopes = SCOPES_ASKED.map((s) => {
    const view = e.view(s);
    const report = e.report(s, 5);
    return {
      members: view.networks.map((n) => [net(n), acts(view.members[n])]),
      report: {
        networks: report.networks,
        members: report.members,
        pairs: report.pairs.map((p) => ({
          ...p,
          a: net(p.a),
          b: net(p.b),
          sharedMembers: acts(p.sharedMembers),
          introducers: acts(p.introducers),
          initiatives: p.initiatives.map(ini),
          why: p.why.map((w) => ({ ...w, actors: acts(w.actors), initiatives: w.initiatives.map(ini) })),
        })),
      },
      pairs: e.pairs(s).map((p) => ({ ...p, a: net(p.a), b: net(p.b) })),
      coParticipation: e.coParticipation(s).map((c) => ({ ...c, a: net(c.a), b: net(c.b), initiatives: c.initiatives.map(ini) })),
      bridging: e.bridging(s).actors.map((b) => ({ ...b, actor: act(b.actor), pairs: b.pairs.map((p) => [net(p.a), net(p.b), p.shared]) })),
      ties: (() => {
        const t = e.crossTerritoryTies('DEPARTEMENT', s);
        return { networks: t.networks.map((n) => ({ ...n, network: net(n.network) })), territories: t.territories };
      })(),
      profiles: view.networks.map((n) => ({ ...e.sectorProfile(n, view), network: net(n) })),
    };
  });
  const firstActor = [...ix.actorIx.keys()].sort()[0];
  if (firstActor) {
    const a = ix.actorIndex(firstActor)!;
    out.matchmaking = {
      solutions: e.solutions(a, { sector: '25' }).map((s) => [act(s.actor), s.reach]),
      networks: e.solutionNetworks(a, { keyword: 'club' }).map((s) => [net(s.network), s.nearness, s.share]),
      firstClients: e.firstClients(a, () => true).map((c) => [act(c.actor), c.hops]),
    };
  }
  return out;
}

describe('the index updated change by change', () => {
  it.each([1, 2, 3, 4])('answers as a full build from the same state (seed %i)', (seed) => {
    const g = generator(seed);
    const model = new Model();
    g.initial(model);
    const start = model.snapshot();
    const full = new SynergyEngine(start);
    // The public engine shares the full one's search, as the service's store does.
    const pub = new SynergyEngine(start, { publicOnly: true, search: full.names });
    const kinds = new Set<string>();
    for (let step = 1; step <= 300; step++) {
      const c = g.change(model);
      kinds.add(`${c.type}:${c.value ? 'upsert' : 'delete'}`);
      model.apply(c);
      full.apply(c);
      pub.apply(c);
      // Measures asked now and then between changes: their views are cached, and must be dropped when touched.
      if (g.r() < 0.3) {
        full.report(SCOPES_ASKED[step % SCOPES_ASKED.length]);
        pub.report(SCOPES_ASKED[(step + 1) % SCOPES_ASKED.length]);
      }
      if (step % 30 === 0) {
        const snapshot = model.snapshot();
        expect(answers(full)).toEqual(answers(new SynergyEngine(snapshot)));
        expect(answers(pub)).toEqual(answers(new SynergyEngine(publicPart(snapshot))));
      }
    }
    // Every kind of change was exercised.
    expect([...kinds].sort()).toEqual(
      ['actor', 'network', 'membership', 'initiative'].flatMap((t) => [`${t}:delete`, `${t}:upsert`]).sort(),
    );
  });

  it('keeps a membership whose actor comes later, and lets it go with its network', () => {
    const e = new SynergyEngine({ actors: [], networks: [], memberships: [], initiatives: [], takenAt: '2026-11-01T00:00:00Z' });
    e.apply({ type: 'membership', id: 'ch-m-1', value: { networkId: 'ch-1', actorId: 'act-1', startDate: '2020-01-01' } });
    expect(e.ix.counts()).toMatchObject({ memberships: 0, dangling: 1 });
    e.apply({ type: 'network', id: 'ch-1', value: { id: 'ch-1', kind: 'CHAMBER', name: 'CCI Hérault', scope: ['DEP-34'] } });
    e.apply({ type: 'actor', id: 'act-1', value: { id: 'act-1', name: 'Valéo', kind: 'COMPANY', communeId: 'COM-34172' } });
    expect(e.ix.counts()).toMatchObject({ memberships: 1, dangling: 0 });
    expect(e.view({ territoryId: 'DEP-34', to: '2026-11-01' }).members[0]).toEqual(Int32Array.of(0));
    expect(searchGraph(e.ix, { text: 'valeo' }).map((h) => h.type)).toEqual(['ACTOR']);
    e.apply({ type: 'network', id: 'ch-1', value: null });
    expect(e.ix.counts()).toMatchObject({ networks: 0, memberships: 0, dangling: 1 });
    expect(e.view({ territoryId: 'DEP-34', to: '2026-11-01' }).networks).toEqual([]);
    expect(listNetworks(e.ix, { includeEnded: true })).toEqual([]);
  });

  it('drops only the views a change touches', () => {
    const e = new SynergyEngine({
      actors: [
        { id: 'a1', name: 'Usinage Millavois', kind: 'COMPANY', communeId: 'COM-12145' },
        { id: 'a2', name: 'Logiciel Héraultais', kind: 'COMPANY', communeId: 'COM-34172' },
      ],
      networks: [{ id: 'n1', kind: 'CLUB', name: 'Club', scope: ['REG-76'] }],
      memberships: [],
      initiatives: [],
      takenAt: '2026-11-01T00:00:00Z',
    });
    const herault = { territoryId: 'DEP-34', to: '2026-11-01' };
    const aveyron = { territoryId: 'DEP-12', to: '2026-11-01' };
    const past = { territoryId: 'DEP-12', to: '2019-01-01' };
    const [h, a, p, region] = [e.view(herault), e.view(aveyron), e.view(past), e.view({ to: '2026-11-01' })];
    // A member in Millau since 2020: the Aveyron and the région now, not Hérault, not 2019.
    e.apply({ type: 'membership', id: 'm1', value: { networkId: 'n1', actorId: 'a1', startDate: '2020-01-01' } });
    expect(e.view(herault)).toBe(h);
    expect(e.view(past)).toBe(p);
    expect(e.view(aveyron)).not.toBe(a);
    expect(e.view(aveyron).members[0]).toEqual(Int32Array.of(0));
    expect(e.view({ to: '2026-11-01' })).not.toBe(region);
    // The member moves to Montpellier: Hérault's view is built again and counts it.
    e.apply({ type: 'actor', id: 'a1', value: { id: 'a1', name: 'Usinage Millavois', kind: 'COMPANY', communeId: 'COM-34172' } });
    expect(e.view(herault)).not.toBe(h);
    expect(e.view(herault).members[0]).toEqual(Int32Array.of(0));
    expect(e.view(aveyron).members[0]).toEqual(Int32Array.of());
  });
});
