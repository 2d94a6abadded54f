import { GraphQLError } from 'graphql';
import { ErrorCode, userError } from '@maillage/errors';
import { mayReadPrivate, type Viewer } from '@maillage/viewer';
import { sliceConnection, toPage } from '@maillage/subgraph-server';
import { getTerritory, nafDivision } from '@maillage/reference';
import { isLargeBuyer, isoOfDay, networkTypeName, type ResolvedScope, type Scope, type SynergyEngine } from '@maillage/synergy';
import { SNAPSHOT_UNAVAILABLE, type SnapshotStore } from './store';

export interface Context {
  store: SnapshotStore;
  viewer: Viewer;
}

export interface ScopeInput {
  territoryId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

/** Validates the scope argument: a known territory, and from ≤ to. */
function scopeOf(input: ScopeInput | null | undefined): Scope {
  const s = { territoryId: input?.territoryId ?? null, from: iso(input?.from), to: iso(input?.to) };
  if (s.territoryId && !getTerritory(s.territoryId)) throw userError(ErrorCode.UNKNOWN_TERRITORY, `No territory ${s.territoryId}`, 'scope.territoryId');
  if (s.from && s.to && s.from > s.to) throw userError(ErrorCode.INVALID_DATE_RANGE, 'scope.from is after scope.to', 'scope.from');
  return s;
}

/** `first` for the plain lists (not connections): 0 to 100, 20 when absent. */
function limit(first: number | null | undefined, field = 'first'): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 0 || n > 100) throw userError(ErrorCode.BAD_USER_INPUT, `${field} must be between 0 and 100`, field);
  return n;
}

const division = (d: number) => {
  const code = String(d).padStart(2, '0');
  return { code, label: nafDivision(code)?.label ?? code };
};

/** Helpers bound to one engine: entity references and scope output. */
function refs(engine: SynergyEngine) {
  const { ix } = engine;
  const network = (n: number) => ({ __typename: networkTypeName[ix.networks[n].kind], id: ix.networks[n].id });
  const actor = (a: number) => ({ __typename: 'Actor', id: ix.actors[a].id });
  const scope = (s: ResolvedScope) => ({
    territory: s.territoryId ? { __typename: 'Territory', id: s.territoryId } : null,
    from: isoOfDay(s.from),
    to: isoOfDay(s.to),
    snapshotTakenAt: ix.takenAt,
  });
  const initiative = (i: number) => ({
    id: ix.iId[i],
    name: ix.iName[i],
    startDate: Number.isNaN(ix.iStart[i]) ? null : isoOfDay(ix.iStart[i]),
    organiser: network(ix.iOrganisers[i][0]),
  });
  const networkIndex = (id: string, field: string) => {
    const n = ix.networkIndex(id);
    if (n === undefined) throw userError(ErrorCode.UNKNOWN_NETWORK, `No network ${id}`, field);
    return n;
  };
  const actorIndex = (id: string, field: string) => {
    const a = ix.actorIndex(id);
    if (a === undefined) throw userError(ErrorCode.UNKNOWN_ACTOR, `No actor ${id}`, field);
    return a;
  };
  const path = (steps: { network: number; actor: number }[]) => steps.map((s) => ({ network: network(s.network), actor: actor(s.actor) }));
  return { network, actor, scope, initiative, networkIndex, actorIndex, path };
}

const analystEngine = (ctx: Context) => ctx.store.engine(true);

export const Query = {
  async networkOverlap(_: unknown, args: { networkA: string; networkB: string; scope?: ScopeInput }, ctx: Context) {
    const scope = scopeOf(args.scope);
    const engine = await analystEngine(ctx);
    const r = refs(engine);
    const o = engine.overlap(r.networkIndex(args.networkA, 'networkA'), r.networkIndex(args.networkB, 'networkB'), scope);
    const byName = [...o.shared].sort((x, y) => engine.ix.actors[x].name.localeCompare(engine.ix.actors[y].name, 'fr'));
    return {
      networkA: r.network(o.networkA),
      networkB: r.network(o.networkB),
      membersA: o.membersA,
      membersB: o.membersB,
      sharedCount: o.shared.length,
      jaccard: o.jaccard,
      sharedMembers: ({ first }: { first?: number }) => byName.slice(0, limit(first)).map(r.actor),
      scope: r.scope(engine.scope(scope)),
    };
  },

  async sectorProfiles(_: unknown, args: { scope?: ScopeInput; networkIds?: string[] | null; first?: number }, ctx: Context) {
    const scope = scopeOf(args.scope);
    const engine = await analystEngine(ctx);
    const r = refs(engine);
    const view = engine.view(scope);
    const nets = args.networkIds?.length ? args.networkIds.map((id, i) => r.networkIndex(id, `networkIds[${i}]`)) : view.networks;
    return nets
      .map((n) => engine.sectorProfile(n, view))
      .sort((x, y) => y.memberCount - x.memberCount)
      .slice(0, args.networkIds?.length ? undefined : limit(args.first))
      .map((p) => ({
        network: r.network(p.network),
        memberCount: p.memberCount,
        withSector: p.withSector,
        divisions: p.divisions.map(([d, count]) => ({ division: division(d), count, share: Math.round((count / p.withSector) * 10_000) / 10_000 })),
      }));
  },

  async sectorPairs(_: unknown, args: { relation: 'SIMILAR' | 'COMPLEMENTARY' | 'WHITE_SPACE'; scope?: ScopeInput; first?: number }, ctx: Context) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx);
    const r = refs(engine);
    const view = engine.view(scope);
    const by = args.relation === 'SIMILAR' ? 'similarity' : 'complementarity';
    const pairs = engine
      .pairs(scope, (p) => (args.relation === 'WHITE_SPACE' ? p.whiteSpace : p[by] > 0))
      .sort((x, y) => y[by] - x[by] || y.shared - x.shared)
      .slice(0, n);
    return pairs.map((p) => ({
      networkA: r.network(p.a),
      networkB: r.network(p.b),
      similarity: p.similarity,
      complementarity: p.complementarity,
      sharedCount: p.shared,
      jointInitiatives: p.jointInitiatives,
      whiteSpace: p.whiteSpace,
      sectorLinks: engine.sectorLinks(p.a, p.b, view).map((l) => ({ a: division(l.a), b: division(l.b), weight: l.weight })),
    }));
  },

  async coParticipation(_: unknown, args: { scope?: ScopeInput; first?: number }, ctx: Context) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx);
    const r = refs(engine);
    return engine
      .coParticipation(scope)
      .slice(0, n)
      .map((c) => ({
        networkA: r.network(c.a),
        networkB: r.network(c.b),
        count: c.count,
        weight: c.weight,
        initiatives: ({ first }: { first?: number }) => c.initiatives.slice(0, limit(first)).map(r.initiative),
      }));
  },

  async bridgingActors(_: unknown, args: { scope?: ScopeInput; first?: number }, ctx: Context) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx);
    const r = refs(engine);
    const { method, actors } = engine.bridging(scope);
    return {
      method,
      scope: r.scope(engine.scope(scope)),
      actors: actors.slice(0, n).map((b) => ({
        actor: r.actor(b.actor),
        score: b.score,
        networkCount: b.networks,
        bridges: ({ first }: { first?: number }) => b.pairs.slice(0, limit(first)).map((p) => ({ networkA: r.network(p.a), networkB: r.network(p.b), sharedCount: p.shared })),
      })),
    };
  },

  async crossTerritoryTies(_: unknown, args: { level?: 'DEPARTEMENT' | 'REGION'; scope?: ScopeInput }, ctx: Context) {
    const scope = scopeOf(args.scope);
    const level = args.level ?? 'DEPARTEMENT';
    const engine = await analystEngine(ctx);
    const r = refs(engine);
    const ties = engine.crossTerritoryTies(level, scope);
    const share = (x: number, of: number) => (of ? Math.round((x / of) * 10_000) / 10_000 : 0);
    const territory = (id: string | null) => (id ? { __typename: 'Territory', id } : null);
    return {
      level,
      scope: r.scope(engine.scope(scope)),
      networks: ({ first }: { first?: number }) =>
        ties.networks.slice(0, limit(first)).map((t) => ({
          network: r.network(t.network),
          seat: territory(t.seat),
          memberships: t.memberships,
          crossing: t.crossing,
          share: share(t.crossing, t.memberships),
          territories: t.territories.map((c) => ({ territory: territory(c.territory), count: c.count })),
          initiatives: t.initiatives,
          crossingInitiatives: t.crossingInitiatives,
          initiativeTerritories: t.initiativeTerritories.map((c) => ({ territory: territory(c.territory), count: c.count })),
        })),
      territories: ties.territories.map((t) => ({
        ...t,
        territory: territory(t.territory),
        share: share(t.crossing, t.memberships),
        initiativeShare: share(t.crossingInitiatives, t.initiatives),
      })),
    };
  },

  async synergyReport(_: unknown, args: { scope?: ScopeInput; first?: number }, ctx: Context) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx);
    const r = refs(engine);
    const report = engine.report(scope, n);
    return {
      scope: r.scope(engine.scope(scope)),
      networkCount: report.networks,
      memberCount: report.members,
      pairs: report.pairs.slice(0, n).map((p) => ({
        networkA: r.network(p.a),
        networkB: r.network(p.b),
        score: p.score,
        similarity: p.similarity,
        complementarity: p.complementarity,
        sharedCount: p.shared,
        whiteSpace: p.whiteSpace,
        reasons: p.reasons,
        sharedMembers: ({ first }: { first?: number }) => p.sharedMembers.slice(0, limit(first)).map(r.actor),
        sectorLinks: p.sectorLinks.map((l) => ({ a: division(l.a), b: division(l.b), weight: l.weight })),
        jointInitiatives: ({ first }: { first?: number }) => p.initiatives.slice(0, limit(first)).map(r.initiative),
        introducers: p.introducers.map(r.actor),
      })),
    };
  },

  async searchActors(_: unknown, args: { text?: string; sector?: string; territoryId?: string; networkId?: string; first?: number; after?: string }, ctx: Context) {
    if (args.territoryId && !getTerritory(args.territoryId)) throw userError(ErrorCode.UNKNOWN_TERRITORY, `No territory ${args.territoryId}`, 'territoryId');
    if (args.text && args.text.length > 200) throw userError(ErrorCode.BAD_USER_INPUT, 'text: 200 characters at most', 'text');
    if (args.sector && !/^[0-9]{1,2}(\.[0-9]{0,2}[A-Za-z]?)?$/.test(args.sector.trim())) throw userError(ErrorCode.INVALID_CODE, `sector: ${args.sector} is not a NAF code or prefix (62, 62.01, 62.01Z)`, 'sector');
    toPage(args);
    // Anyone may search; who may not read private member lists searches the public part.
    const engine = await ctx.store.engine(mayReadPrivate(ctx.viewer));
    const r = refs(engine);
    if (args.networkId) r.networkIndex(args.networkId, 'networkId');
    const hits = engine.search({ text: args.text, sector: args.sector, territoryId: args.territoryId, networkId: args.networkId });
    const page = sliceConnection(hits, args);
    return { totalCount: page.totalCount, pageInfo: page.pageInfo, nodes: page.nodes.map((h) => ({ actor: r.actor(h.actor), name: engine.ix.actors[h.actor].name, score: h.score })) };
  },

  async whoHasTheSolution(_: unknown, args: { actorId: string; need: { sector?: string; keyword?: string }; first?: number; after?: string }, ctx: Context) {
    if (!args.need.sector?.trim() && !args.need.keyword?.trim()) throw userError(ErrorCode.BAD_USER_INPUT, 'need: give a sector or a keyword', 'need');
    toPage(args);
    const engine = await ctx.store.engine(mayReadPrivate(ctx.viewer));
    const r = refs(engine);
    const found = engine.solutions(r.actorIndex(args.actorId, 'actorId'), args.need);
    const page = sliceConnection(found, args);
    return {
      totalCount: page.totalCount,
      pageInfo: page.pageInfo,
      nodes: page.nodes.map((c) => ({ actor: r.actor(c.actor), name: engine.ix.actors[c.actor].name, nearness: c.reach, path: r.path(c.path) })),
      networks: ({ first }: { first?: number }) =>
        engine
          .solutionNetworks(engine.ix.actorIndex(args.actorId)!, args.need)
          .slice(0, limit(first))
          .map((n) => ({ network: r.network(n.network), nearness: n.nearness, share: n.share })),
    };
  },

  async firstClients(_: unknown, args: { actorId: string; first?: number }, ctx: Context) {
    const n = limit(args.first);
    const engine = await ctx.store.engine(mayReadPrivate(ctx.viewer));
    const r = refs(engine);
    const found = engine.firstClients(r.actorIndex(args.actorId, 'actorId'), (a) => isLargeBuyer(engine.ix.actors[a]));
    return found.slice(0, n).map((c) => ({ buyer: r.actor(c.actor), name: engine.ix.actors[c.actor].name, hops: c.hops, path: r.path(c.path) }));
  },

  async synergySnapshot(_: unknown, __: unknown, ctx: Context) {
    return ctx.store.figures(await analystEngine(ctx));
  },
};

export const Mutation = {
  async refreshSynergySnapshot(_: unknown, __: unknown, ctx: Context) {
    try {
      const loaded = await ctx.store.refresh('refresh mutation');
      return ctx.store.figures(loaded.engine);
    } catch (err) {
      throw new GraphQLError(`The regional graph could not be read: ${(err as Error).message}`, { extensions: { code: SNAPSHOT_UNAVAILABLE } });
    }
  },
};

export const Network = {
  __resolveType: (o: { __typename: string }) => o.__typename,
};
