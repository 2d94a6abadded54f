import { provenanceOf } from '@maillage/reference';
import { forbidden, isAuthenticated, unauthenticated } from '@maillage/viewer';
import type { GraphQLResolveInfo } from 'graphql';
import { asksForCount, connection, sliceConnection, toKeyPage, type PageArgs } from '@maillage/subgraph-server';
import type { NetworkType } from '@maillage/kinds';
import { isActiveOn, mayReadMembers, type NetworkNameEntry, type NetworkRow } from '../rows';
import { MEMBER_LIST, memberKey } from '../sql';
import { activeMemberIds, ref, type Ctx, type EntityRef, type ListArgs } from './common';

/**
 * Fields of a network type (`Chamber`, `Cluster`, `Council`, `Club`), the same for every kind; each
 * subgraph's `src/resolvers/<Type>.ts` binds them by name.
 */
export const resolveNetwork = (r: { id: string }, { loaders }: Ctx) => loaders.network.load(r.id);
export const actor = (n: NetworkRow) => (n.actorId ? ref('Actor', n.actorId) : null);
export const parent = (n: NetworkRow, _: unknown, { loaders }: Ctx) => (n.parentId ? loaders.network.load(n.parentId) : null);
export const children = async (n: NetworkRow, args: PageArgs, { loaders }: Ctx) =>
  sliceConnection(await loaders.childrenByParent.load(n.id), args);
export const predecessor = (n: NetworkRow, _: unknown, { loaders }: Ctx) =>
  n.predecessorId ? loaders.network.load(n.predecessorId) : null;
export const successors = async (n: NetworkRow, args: PageArgs, { loaders }: Ctx) =>
  sliceConnection(await loaders.successorsByPredecessor.load(n.id), args);
/** `provenance` of a network, membership or initiative row (a derived row's sources are those of the facts its rule was applied to). */
export const provenance = provenanceOf;

/** Names over time: the stored history, or the one name it has always had (from its start). */
export const names = (n: NetworkRow) => {
  const stored = Array.isArray(n.names) ? (n.names as NetworkNameEntry[]) : [];
  if (stored.length)
    return stored.map((e) => ({ ...e, shortName: e.shortName ?? null, from: e.from ?? null, to: e.to ?? null, sources: e.sources ?? [] }));
  return [{ name: n.name, shortName: n.shortName, from: n.startDate, to: n.endDate, sources: n.sources }];
};
export const scope = (n: NetworkRow) => n.scope.map((id) => ref('Territory', id));
export const active = (row: { startDate: Date | null; endDate: Date | null }) => isActiveOn(row);
export const reportedMemberCount = (n: NetworkRow) =>
  n.reportedMemberCount == null ? null : { count: n.reportedMemberCount, asOf: n.reportedMemberAsOf, note: n.reportedMemberNote };
export const memberCount = (n: NetworkRow, _: unknown, { loaders }: Ctx) => loaders.memberCount.load(n.id);
export const memberListVisibility = (n: NetworkRow) => (n.membersPublic ? ('PUBLIC' as const) : ('PRIVATE' as const));

export const members = async (
  n: NetworkRow,
  args: ListArgs & { category?: string | null },
  { loaders, viewer }: Ctx,
  info: GraphQLResolveInfo,
) => {
  if (!mayReadMembers(viewer, n)) {
    if (!isAuthenticated(viewer)) throw unauthenticated(`The member list of ${n.id} is private: sign in`);
    throw forbidden(`The member list of ${n.id} is private: it needs the "analyst" scope or an editor of the network`);
  }
  const page = toKeyPage(args, MEMBER_LIST);
  const { rows, total, more } = await loaders.memberPage.load({
    networkId: n.id,
    page,
    includeEnded: !!args.includeEnded,
    category: args.category ?? null,
    counted: asksForCount(info),
  });
  // Without `totalCount` or `pageInfo` asked, nothing reads the total.
  return connection(rows, total ?? page.offset + rows.length, page, { list: MEMBER_LIST, keyOf: memberKey, hasNextPage: more });
};

// A private list hands no ids to the directory: membersByTerritory then names no one.
export const memberActorIds = async (n: NetworkRow, _: unknown, { loaders, viewer }: Ctx) =>
  mayReadMembers(viewer, n) ? activeMemberIds(await loaders.membershipsByNetwork.load(n.id)) : [];

export const initiatives = async (n: NetworkRow, args: PageArgs & { status?: string | null }, { loaders }: Ctx) => {
  const rows = await loaders.initiativesByNetwork.load(n.id);
  return sliceConnection(args.status ? rows.filter((i) => i.status === args.status) : rows, args);
};

/** `Network.__resolveType`: rows of this subgraph carry no `__typename`, references do. */
export const resolveNetworkType = (ownType: NetworkType) => (obj: NetworkRow | EntityRef) =>
  ('__typename' in obj ? obj.__typename : ownType) as NetworkType;
