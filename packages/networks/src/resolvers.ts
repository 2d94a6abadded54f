import { forbidden, isAuthenticated, unauthenticated } from '@maillage/viewer';
import { connection, sliceConnection, toPage, type PageArgs } from '@maillage/subgraph-server';
import { normaliseText } from '@maillage/reference';
import type { NetworkContext } from './loaders';
import { capitalise, KIND_OF_TYPE, type NetworkNames } from './names';
import { isActiveOn, mayReadMembers, type InitiativeRow, type LinkRow, type MembershipRow, type NetworkRow } from './rows';
import { importMutations } from './imports';
import { mutations } from './mutations';

type Ctx = NetworkContext;
type ListArgs = PageArgs & { includeEnded?: boolean | null };

const activeUnless = <R extends { startDate: Date | null; endDate: Date | null }>(rows: R[], includeEnded?: boolean | null) =>
  includeEnded ? rows : rows.filter((r) => isActiveOn(r));

/** Distinct actor ids of a network's active members. */
export const activeMemberIds = (memberships: MembershipRow[]) => [...new Set(activeUnless(memberships).map((m) => m.actorId))];

/**
 * The resolvers every network subgraph shares, named after its own types (`Chamber`,
 * `ChamberMembership`...). Subgraph-specific fields are merged on top by the subgraph.
 */
export function networkResolvers(names: NetworkNames) {
  const T = names.type;
  const P = capitalise(names.plural);
  const coOrganisers = (links: LinkRow[]) => links.filter((l) => l.role === 'CO_ORGANISER');

  const network = {
    __resolveReference: (ref: { id: string }, { loaders }: Ctx) => loaders.network.load(ref.id),
    kind: () => names.kind,
    actor: (n: NetworkRow) => (n.actorId ? { __typename: 'Actor', id: n.actorId } : null),
    parent: (n: NetworkRow, _: unknown, { loaders }: Ctx) => (n.parentId ? loaders.network.load(n.parentId) : null),
    children: async (n: NetworkRow, args: PageArgs, { loaders }: Ctx) => sliceConnection(await loaders.childrenByParent.load(n.id), args),
    predecessor: (n: NetworkRow, _: unknown, { loaders }: Ctx) => (n.predecessorId ? loaders.network.load(n.predecessorId) : null),
    successors: async (n: NetworkRow, args: PageArgs, { loaders }: Ctx) => sliceConnection(await loaders.successorsByPredecessor.load(n.id), args),
    scope: (n: NetworkRow) => n.scope.map((id) => ({ __typename: 'Territory', id })),
    active: (n: NetworkRow) => isActiveOn(n),
    reportedMemberCount: (n: NetworkRow) =>
      n.reportedMemberCount == null ? null : { count: n.reportedMemberCount, asOf: n.reportedMemberAsOf, note: n.reportedMemberNote },
    memberCount: async (n: NetworkRow, _: unknown, { loaders }: Ctx) => activeMemberIds(await loaders.membershipsByNetwork.load(n.id)).length,
    memberListVisibility: (n: NetworkRow) => (n.membersPublic ? 'PUBLIC' : 'PRIVATE'),
    members: async (n: NetworkRow, args: ListArgs & { category?: string | null }, { loaders, viewer }: Ctx) => {
      if (!mayReadMembers(viewer, n)) {
        if (!isAuthenticated(viewer)) throw unauthenticated(`The member list of ${n.id} is private: sign in`);
        throw forbidden(`The member list of ${n.id} is private: it needs the "analyst" scope or an editor of the network`);
      }
      const rows = activeUnless(await loaders.membershipsByNetwork.load(n.id), args.includeEnded);
      return sliceConnection(args.category ? rows.filter((m) => m.category === args.category) : rows, args);
    },
    // A private list hands no ids to the directory: membersByTerritory then names no one.
    memberActorIds: async (n: NetworkRow, _: unknown, { loaders, viewer }: Ctx) =>
      mayReadMembers(viewer, n) ? activeMemberIds(await loaders.membershipsByNetwork.load(n.id)) : [],
    initiatives: async (n: NetworkRow, args: PageArgs & { status?: string | null }, { loaders }: Ctx) => {
      const rows = await loaders.initiativesByNetwork.load(n.id);
      return sliceConnection(args.status ? rows.filter((i) => i.status === args.status) : rows, args);
    },
  };

  const membership = {
    [names.field]: (m: MembershipRow, _: unknown, { loaders }: Ctx) => loaders.network.load(m.networkId),
    actor: (m: MembershipRow) => ({ __typename: 'Actor', id: m.actorId }),
    active: (m: MembershipRow) => isActiveOn(m),
  };

  const initiative = {
    __resolveReference: (ref: { id: string }, { loaders }: Ctx) => loaders.initiative.load(ref.id),
    organiser: (i: InitiativeRow, _: unknown, { loaders }: Ctx) => loaders.network.load(i.networkId),
    coOrganisers: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) =>
      Promise.all(
        coOrganisers(await loaders.linksByInitiative.load(i.id)).map((l) =>
          // A co-organiser of our own type is resolved here; others are references the gateway
          // completes from their subgraph.
          l.targetType === T ? loaders.network.load(l.targetId) : { __typename: l.targetType, id: l.targetId },
        ),
      ).then((list) => list.filter(Boolean)),
    organiserKinds: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) => organiserKinds(names, await loaders.linksByInitiative.load(i.id)),
    joint: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) => organiserKinds(names, await loaders.linksByInitiative.load(i.id)).length >= 2,
    parties: async (i: InitiativeRow, args: PageArgs & { role?: string | null }, { loaders }: Ctx) => {
      const links = (await loaders.linksByInitiative.load(i.id)).filter((l) => l.targetType === 'Actor' && (!args.role || l.role === args.role));
      const page = toPage(args);
      const slice = links.slice(page.offset, page.offset + page.limit);
      const conn = connection(slice, links.length, page);
      return { ...conn, edges: conn.edges.map((e) => ({ cursor: e.cursor, role: e.node.role, node: { __typename: 'Actor', id: e.node.targetId } })) };
    },
    place: (i: InitiativeRow) => (i.placeId ? { __typename: 'Territory', id: i.placeId } : null),
  };

  const Query = {
    [names.field]: (_: unknown, { id }: { id: string }, { loaders }: Ctx) => loaders.network.load(id),
    [names.plural]: async (
      _: unknown,
      args: ListArgs & { search?: string | null; subtype?: string | null; territoryId?: string | null },
      { db, loaders }: Ctx,
    ) => {
      const page = toPage(args);
      if (args.territoryId) {
        const rows = activeUnless(await loaders.networksByTerritory.load(args.territoryId), args.includeEnded).filter(
          (n) => (!args.subtype || n.subtype === args.subtype) && (!args.search || n.searchName.includes(normaliseText(args.search))),
        );
        return connection(rows.slice(page.offset, page.offset + page.limit), rows.length, page);
      }
      const today = new Date();
      const where = {
        ...(args.subtype ? { subtype: args.subtype } : {}),
        ...(args.search?.trim() ? { searchName: { contains: normaliseText(args.search) } } : {}),
        ...(args.includeEnded ? {} : { AND: [{ OR: [{ endDate: null }, { endDate: { gt: today } }] }, { OR: [{ startDate: null }, { startDate: { lte: today } }] }] }),
      };
      const [items, total] = await Promise.all([
        db.network.findMany({ where, orderBy: [{ searchName: 'asc' }, { id: 'asc' }], skip: page.offset, take: page.limit }),
        db.network.count({ where }),
      ]);
      return connection(items, total, page);
    },
    [`${names.field}Initiative`]: (_: unknown, { id }: { id: string }, { loaders }: Ctx) => loaders.initiative.load(id),
    [`${names.field}Initiatives`]: async (_: unknown, args: PageArgs & { jointOnly?: boolean | null; status?: string | null }, { db }: Ctx) => {
      const page = toPage(args);
      const where = {
        ...(args.status ? { status: args.status } : {}),
        // Joint: at least one co-organiser from another kind of network.
        ...(args.jointOnly ? { links: { some: { role: 'CO_ORGANISER', targetType: { not: T, in: Object.keys(KIND_OF_TYPE) } } } } : {}),
      };
      const [items, total] = await Promise.all([
        db.initiative.findMany({ where, orderBy: [{ startDate: 'asc' }, { id: 'asc' }], skip: page.offset, take: page.limit }),
        db.initiative.count({ where }),
      ]);
      return connection(items, total, page);
    },
  };

  return {
    [T]: network,
    [`${T}Membership`]: membership,
    [`${T}Initiative`]: initiative,
    Network: { __resolveType: (obj: { __typename?: string }) => obj.__typename ?? T },
    Actor: {
      __resolveReference: (ref: { id: string }) => ref,
      // Memberships of networks whose list the viewer may not read are left out, not shown as errors:
      // the actor's other memberships stay readable.
      [`${names.field}Memberships`]: async (a: { id: string }, args: ListArgs, { loaders, viewer }: Ctx) => {
        const rows = activeUnless(await loaders.membershipsByActor.load(a.id), args.includeEnded);
        const networks = await loaders.network.loadMany([...new Set(rows.map((m) => m.networkId))]);
        const readable = new Set(networks.filter((n): n is NetworkRow => !!n && !(n instanceof Error) && mayReadMembers(viewer, n)).map((n) => n.id));
        return sliceConnection(rows.filter((m) => readable.has(m.networkId)), args);
      },
      [`${names.field}Initiatives`]: async (a: { id: string }, args: PageArgs, { loaders }: Ctx) => sliceConnection(await loaders.initiativesByActor.load(a.id), args),
      [`operated${P}`]: async (a: { id: string }, args: PageArgs, { loaders }: Ctx) => sliceConnection(await loaders.networksByActor.load(a.id), args),
    },
    Territory: {
      __resolveReference: (ref: { id: string }) => ref,
      [names.plural]: async (t: { id: string }, args: ListArgs, { loaders }: Ctx) =>
        sliceConnection(activeUnless(await loaders.networksByTerritory.load(t.id), args.includeEnded), args),
    },
    Query,
    Mutation: { ...mutations(names), ...importMutations(names) },
  };
}

/** The lead's kind first, then each other kind among the co-organisers. */
function organiserKinds(names: NetworkNames, links: LinkRow[]): string[] {
  const kinds = [names.kind as string];
  for (const l of links) {
    const kind = KIND_OF_TYPE[l.targetType as keyof typeof KIND_OF_TYPE];
    if (l.role === 'CO_ORGANISER' && kind && !kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}
