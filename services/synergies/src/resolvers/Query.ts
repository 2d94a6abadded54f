import { userError, ErrorCode } from '@maillage/errors';
import { mayReadPrivate } from '@maillage/viewer';
import { sliceConnection, toPage } from '@maillage/subgraph-server';
import { getTerritory } from '@maillage/reference';
import { isLargeBuyer, listInitiatives, listNetworks, searchGraph } from '@maillage/synergy';
import { limit, scopeOf } from '../arguments';
import { analystEngine } from '../context';
import type { QueryResolvers } from '../generated/resolvers';
import { checkTerritory, engineFor, initiativeFilter, initiativeRef, nodeOf, page } from '../graph';
import type { SearchHitModel } from '../models';
import { actorIndex, actorRef, networkIndex, networkRef } from '../references';

// Root fields: validate the arguments, run the measure, hand its figures (with the engine) to the
// type resolvers, which shape them. Lists are cut here when `first` is an argument of the root field.

export const Query: QueryResolvers = {
  async node(_, { id }, ctx) {
    return nodeOf(await engineFor(ctx), id);
  },

  async network(_, { id }, ctx) {
    const engine = await engineFor(ctx);
    const n = engine.ix.networkIndex(id);
    return n === undefined ? null : networkRef(engine, n);
  },

  async networks(_, args, ctx) {
    checkTerritory(args.territoryId);
    if (args.search && args.search.length > 200) throw userError(ErrorCode.BAD_USER_INPUT, 'search: 200 characters at most', 'search');
    const engine = await engineFor(ctx);
    return page(listNetworks(engine.ix, args), args, (n) => networkRef(engine, n));
  },

  async initiatives(_, args, ctx) {
    const filter = initiativeFilter(args);
    const engine = await engineFor(ctx);
    return page(listInitiatives(engine.ix, filter), args, (i) => initiativeRef(engine, i));
  },

  async search(_, args, ctx) {
    checkTerritory(args.territoryId);
    if (!args.text.trim()) throw userError(ErrorCode.BAD_USER_INPUT, 'text: say what to look for', 'text');
    if (args.text.length > 200) throw userError(ErrorCode.BAD_USER_INPUT, 'text: 200 characters at most', 'text');
    toPage(args);
    // Names are public: every viewer searches the same actors, networks and initiatives.
    const engine = await engineFor(ctx);
    // Built right after the index, by chunks: a query in the first seconds waits for it to end.
    await engine.searchReady();
    const { ix } = engine;
    const hits = searchGraph(ix, args);
    const toHit = (k: number): SearchHitModel => {
      const h = hits[k];
      if (h.type === 'ACTOR') return { type: h.type, score: h.score, name: ix.actors[h.index].name, node: actorRef(engine, h.index) };
      if (h.type === 'NETWORK') return { type: h.type, score: h.score, name: ix.networks[h.index].name, node: networkRef(engine, h.index) };
      return { type: h.type, score: h.score, name: ix.iName[h.index], node: initiativeRef(engine, h.index) };
    };
    return page(
      hits.map((_, k) => k),
      args,
      toHit,
    );
  },

  async networkOverlap(_, args, ctx) {
    const scope = scopeOf(args.scope);
    const engine = await analystEngine(ctx, args);
    const o = engine.overlap(networkIndex(engine, args.networkA, 'networkA'), networkIndex(engine, args.networkB, 'networkB'), scope);
    return { ...o, engine, scope: engine.scope(scope) };
  },

  async sectorProfiles(_, args, ctx) {
    const scope = scopeOf(args.scope);
    const engine = await analystEngine(ctx, args);
    const view = engine.view(scope);
    const named = args.networkIds?.length ? args.networkIds.map((id, i) => networkIndex(engine, id, `networkIds[${i}]`)) : undefined;
    return (named ?? view.networks)
      .map((n) => ({ ...engine.sectorProfile(n, view), engine }))
      .sort((x, y) => y.memberCount - x.memberCount)
      .slice(0, named ? undefined : limit(args.first));
  },

  async sectorPairs(_, args, ctx) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx, args);
    const view = engine.view(scope);
    const by = args.relation === 'SIMILAR' ? 'similarity' : 'complementarity';
    return engine
      .pairs(scope, (p) => (args.relation === 'WHITE_SPACE' ? p.whiteSpace : p[by] > 0))
      .sort((x, y) => y[by] - x[by] || y.shared - x.shared)
      .slice(0, n)
      .map((p) => ({ ...p, engine, view }));
  },

  async coParticipation(_, args, ctx) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx, args);
    return engine
      .coParticipation(scope)
      .slice(0, n)
      .map((c) => ({ ...c, engine }));
  },

  async bridgingActors(_, args, ctx) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx, args);
    const { method, actors } = engine.bridging(scope);
    return { engine, method, actors: actors.slice(0, n), scope: engine.scope(scope) };
  },

  async crossTerritoryTies(_, args, ctx) {
    const scope = scopeOf(args.scope);
    const level = args.level ?? 'DEPARTEMENT';
    const engine = await analystEngine(ctx, args);
    return { ...engine.crossTerritoryTies(level, scope), engine, level, scope: engine.scope(scope) };
  },

  async synergyReport(_, args, ctx) {
    const scope = scopeOf(args.scope);
    const n = limit(args.first);
    const engine = await analystEngine(ctx, args);
    return { ...engine.report(scope, n), engine, scope: engine.scope(scope), first: n };
  },

  async searchActors(_, args, ctx) {
    if (args.territoryId && !getTerritory(args.territoryId))
      throw userError(ErrorCode.UNKNOWN_TERRITORY, `No territory ${args.territoryId}`, 'territoryId');
    if (args.text && args.text.length > 200) throw userError(ErrorCode.BAD_USER_INPUT, 'text: 200 characters at most', 'text');
    if (args.sector && !/^[0-9]{1,2}(\.[0-9]{0,2}[A-Za-z]?)?$/.test(args.sector.trim()))
      throw userError(ErrorCode.INVALID_CODE, `sector: ${args.sector} is not a NAF code or prefix (62, 62.01, 62.01Z)`, 'sector');
    toPage(args);
    // Anyone may search; who may not read private member lists searches the public part.
    const engine = await ctx.store.engine(mayReadPrivate(ctx.viewer));
    if (args.networkId) networkIndex(engine, args.networkId, 'networkId');
    const page = sliceConnection(engine.search(args), args);
    return { totalCount: page.totalCount, pageInfo: page.pageInfo, nodes: page.nodes.map((h) => ({ ...h, engine })) };
  },

  async whoHasTheSolution(_, args, ctx) {
    if (!args.need.sector?.trim() && !args.need.keyword?.trim())
      throw userError(ErrorCode.BAD_USER_INPUT, 'need: give a sector or a keyword', 'need');
    toPage(args);
    const engine = await ctx.store.engine(mayReadPrivate(ctx.viewer));
    const actor = actorIndex(engine, args.actorId, 'actorId');
    const page = sliceConnection(engine.solutions(actor, args.need), args);
    return { engine, totalCount: page.totalCount, pageInfo: page.pageInfo, nodes: page.nodes, actor, need: args.need };
  },

  async firstClients(_, args, ctx) {
    const n = limit(args.first);
    const engine = await ctx.store.engine(mayReadPrivate(ctx.viewer));
    const found = engine.firstClients(actorIndex(engine, args.actorId, 'actorId'), (a) => isLargeBuyer(engine.ix.actors[a]));
    return found.slice(0, n).map((c) => ({ ...c, engine }));
  },

  async synergySnapshot(_, __, ctx) {
    return ctx.store.figures(await analystEngine(ctx));
  },
};
