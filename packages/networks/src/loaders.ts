import DataLoader from 'dataloader';
import type { Viewer } from '@maillage/viewer';
import { groupByKey } from '@maillage/subgraph-server';
import { ancestorsOf } from '@maillage/reference';
import type { InitiativeRow, LinkRow, MembershipRow, NetworkDb, NetworkRow } from './rows';
import {
  activeMemberCounts,
  memberPages,
  membershipsOfActors,
  networkPages,
  networksById,
  type MemberPage,
  type MemberPageKey,
  type NetworkPageKey,
} from './sql';
import type { StatementRunner } from '@maillage/db';
import type { NetworkPeers } from './standing';

const byName = [{ searchName: 'asc' }, { id: 'asc' }];
const byDate = [{ startDate: 'asc' }, { id: 'asc' }];

/**
 * Every hop from a list to networks, memberships or initiatives goes through one of these: one SQL
 * statement per batch, whatever the length of the list. Created per request, never shared. The
 * loaders of the (b2) and (c2) fan-outs run typed statements (`run`, sql.ts); the others, Prisma.
 */
export function createLoaders(db: NetworkDb, ownType: string, run: StatementRunner) {
  const by = <R>(load: (keys: readonly string[]) => Promise<R[]>, key: (row: R) => string) =>
    new DataLoader<string, R[]>(async (keys) => groupByKey(await load(keys), key, keys));
  const network = new DataLoader<string, NetworkRow | null>(async (ids) => {
    const rows = await networksById(run, ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
  return {
    network,
    membership: new DataLoader<string, MembershipRow | null>(async (ids) => {
      const rows: MembershipRow[] = await db.membership.findMany({ where: { id: { in: [...ids] } } });
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    initiative: new DataLoader<string, InitiativeRow | null>(async (ids) => {
      const rows: InitiativeRow[] = await db.initiative.findMany({ where: { id: { in: [...ids] } } });
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    membershipsByNetwork: by<MembershipRow>(
      (ids) => db.membership.findMany({ where: { networkId: { in: [...ids] } }, orderBy: byDate }),
      (m) => m.networkId,
    ),
    /** A page of each network's members (`Network.members`): only the rows shown are read. */
    memberPage: new DataLoader<MemberPageKey, MemberPage, string>((keys) => memberPages(run, keys), {
      cacheKeyFn: (k) => JSON.stringify([k.networkId, k.page, k.includeEnded, k.category, k.counted]),
    }),
    /**
     * Pages of `Query.<kind>s` asked in one request (a client paging ahead with aliases): one
     * statement per filter, its total counted in it, whatever the number of pages.
     */
    networkPages: new DataLoader<NetworkPageKey, { rows: NetworkRow[]; total: number }, string>(
      async (keys) => {
        const byFilter = new Map<string, number[]>();
        keys.forEach((k, i) => {
          const f = JSON.stringify(k.filter);
          byFilter.set(f, [...(byFilter.get(f) ?? []), i]);
        });
        const pages: { rows: NetworkRow[]; total: number }[] = new Array(keys.length);
        await Promise.all(
          [...byFilter.values()].map(async (indexes) => {
            const found = await networkPages(
              run,
              keys[indexes[0]].filter,
              indexes.map((i) => keys[i].page),
            );
            indexes.forEach((i, j) => (pages[i] = found[j]));
          }),
        );
        return pages;
      },
      { cacheKeyFn: (k) => JSON.stringify(k) },
    ),
    /** Distinct active members of each network (`Network.memberCount`), counted by the database. */
    memberCount: new DataLoader<string, number>((ids) => activeMemberCounts(run, ids)),
    /**
     * Memberships by actor; the networks they are of come in the same statement and go into
     * `network` (`prime` leaves a network the request already read as it was), where
     * `actorMemberships` looks them up next.
     */
    membershipsByActor: new DataLoader<string, MembershipRow[]>(async (ids) => {
      const { memberships, networks } = await membershipsOfActors(run, ids);
      for (const n of networks) network.prime(n.id, n);
      return groupByKey(memberships, (m) => m.actorId, ids);
    }),
    networksByActor: by<NetworkRow>(
      (ids) => db.network.findMany({ where: { actorId: { in: [...ids] } }, orderBy: byName }),
      (n) => n.actorId ?? '',
    ),
    childrenByParent: by<NetworkRow>(
      (ids) => db.network.findMany({ where: { parentId: { in: [...ids] } }, orderBy: byName }),
      (n) => n.parentId ?? '',
    ),
    successorsByPredecessor: by<NetworkRow>(
      (ids) => db.network.findMany({ where: { predecessorId: { in: [...ids] } }, orderBy: byName }),
      (n) => n.predecessorId ?? '',
    ),
    initiativesByNetwork: by<InitiativeRow>(
      (ids) => db.initiative.findMany({ where: { networkId: { in: [...ids] } }, orderBy: byDate }),
      (i) => i.networkId,
    ),
    linksByInitiative: by<LinkRow>(
      (ids) => db.initiativeLink.findMany({ where: { initiativeId: { in: [...ids] } }, orderBy: { id: 'asc' } }),
      (l) => l.initiativeId,
    ),
    /** Initiatives an actor takes part in (as a confirmed partner or participant), by actor id. */
    initiativesByActor: new DataLoader<string, InitiativeRow[]>(async (actorIds) => {
      const links: LinkRow[] = await db.initiativeLink.findMany({
        where: { targetType: 'Actor', status: 'CONFIRMED', targetId: { in: [...actorIds] } },
      });
      const initiatives: InitiativeRow[] = links.length
        ? await db.initiative.findMany({ where: { id: { in: [...new Set(links.map((l) => l.initiativeId))] } }, orderBy: byDate })
        : [];
      const byId = new Map(initiatives.map((i) => [i.id, i]));
      return groupByKey(links, (l) => l.targetId, actorIds).map((ls) =>
        [...new Set(ls.map((l) => l.initiativeId))].map((id) => byId.get(id)!).filter(Boolean),
      );
    }),
    /**
     * Networks active in a territory: declared in it or inside it (its id is in their reach), or
     * covering it from above (one of its ancestors is in their scope).
     */
    networksByTerritory: new DataLoader<string, NetworkRow[]>(async (territoryIds) => {
      const covering = new Map(territoryIds.map((id) => [id, new Set(ancestorsOf(id).map((a) => a.id))]));
      const allAncestors = [...new Set([...covering.values()].flatMap((s) => [...s]))];
      const rows: NetworkRow[] = await db.network.findMany({
        where: { OR: [{ reach: { hasSome: [...territoryIds] } }, ...(allAncestors.length ? [{ scope: { hasSome: allAncestors } }] : [])] },
        orderBy: byName,
      });
      return territoryIds.map((id) => rows.filter((n) => n.reach.includes(id) || n.scope.some((s) => covering.get(id)!.has(s))));
    }),
    ownType,
  };
}

export type NetworkLoaders = ReturnType<typeof createLoaders>;

export interface NetworkContext {
  db: NetworkDb;
  loaders: NetworkLoaders;
  /** Set by the subgraph server (@maillage/subgraph-server) from the gateway's signed header. */
  viewer: Viewer;
  /** The other network subgraphs, asked whom the viewer's networks of their kind speak for (standing.ts). */
  peers: NetworkPeers;
}
