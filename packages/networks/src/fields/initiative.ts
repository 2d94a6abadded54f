import { connection, toPage, type PageArgs } from '@maillage/subgraph-server';
import { KIND_OF_TYPE, type NetworkNames } from '../names';
import type { InitiativeRow, LinkRow } from '../rows';
import { ref, required, type Ctx } from './common';

/** Fields of an initiative type (`ChamberInitiative`...) that are the same for every kind. */
export const resolveInitiative = (r: { id: string }, { loaders }: Ctx) => loaders.initiative.load(r.id);
export const organiser = (i: InitiativeRow, _: unknown, { loaders }: Ctx) =>
  required(loaders.network.load(i.networkId), `network ${i.networkId}`);
export const place = (i: InitiativeRow) => (i.placeId ? ref('Territory', i.placeId) : null);

export const parties = async (i: InitiativeRow, args: PageArgs & { role?: string | null }, { loaders }: Ctx) => {
  const links = (await loaders.linksByInitiative.load(i.id)).filter(
    (l) => l.targetType === 'Actor' && (!args.role || l.role === args.role),
  );
  const page = toPage(args);
  const conn = connection(links.slice(page.offset, page.offset + page.limit), links.length, page);
  return {
    ...conn,
    edges: conn.edges.map((e) => ({
      cursor: e.cursor,
      role: e.node.role as 'PARTNER' | 'PARTICIPANT',
      node: ref('Actor', e.node.targetId),
    })),
  };
};

/** The lead's kind first, then each other kind among the co-organisers. */
function organiserKindsOf(names: NetworkNames, links: LinkRow[]) {
  const kinds: NetworkNames['kind'][] = [names.kind];
  for (const l of links) {
    const kind = KIND_OF_TYPE[l.targetType as keyof typeof KIND_OF_TYPE];
    if (l.role === 'CO_ORGANISER' && kind && !kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

/** Initiative fields that depend on the subgraph's own kind. */
export function initiativeFields(names: NetworkNames) {
  return {
    coOrganisers: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) => {
      const links = (await loaders.linksByInitiative.load(i.id)).filter((l) => l.role === 'CO_ORGANISER');
      // A co-organiser of our own type is resolved here; others are references the gateway
      // completes from their subgraph.
      const list = await Promise.all(
        links.map((l) => (l.targetType === names.type ? loaders.network.load(l.targetId) : ref(l.targetType, l.targetId))),
      );
      return list.filter((n) => n != null);
    },
    organiserKinds: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) =>
      organiserKindsOf(names, await loaders.linksByInitiative.load(i.id)),
    joint: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) =>
      organiserKindsOf(names, await loaders.linksByInitiative.load(i.id)).length >= 2,
  };
}
