import { connection, toPage, type PageArgs } from '@maillage/subgraph-server';
import { KIND_OF_TYPE, type NetworkNames } from '../names';
import type { InitiativeRow, LinkRow } from '../rows';
import { ref, required, type Ctx } from './common';

/** Fields of an initiative type (`ChamberInitiative`...) that are the same for every kind. */
export const resolveInitiative = (r: { id: string }, { loaders }: Ctx) => loaders.initiative.load(r.id);
export const organiser = (i: InitiativeRow, _: unknown, { loaders }: Ctx) =>
  required(loaders.network.load(i.networkId), `network ${i.networkId}`);
export const place = (i: InitiativeRow) => (i.placeId ? ref('Territory', i.placeId) : null);

const confirmed = (l: LinkRow) => l.status === 'CONFIRMED';

/** An agreement on a link, as `CoOrganisation` and the party edges show it. */
const agreement = (l: LinkRow) => ({ status: l.status, proposedAt: l.proposedAt, decidedAt: l.decidedAt });

/** Parties of one agreement status, confirmed ones unless asked (those are the ones taking part). */
export const parties = async (
  i: InitiativeRow,
  args: PageArgs & { role?: string | null; status?: LinkRow['status'] | null },
  { loaders }: Ctx,
) => {
  const status = args.status ?? 'CONFIRMED';
  const links = (await loaders.linksByInitiative.load(i.id)).filter(
    (l) => l.targetType === 'Actor' && l.status === status && (!args.role || l.role === args.role),
  );
  const page = toPage(args);
  const conn = connection(links.slice(page.offset, page.offset + page.limit), links.length, page);
  return {
    ...conn,
    edges: conn.edges.map((e) => ({
      cursor: e.cursor,
      role: e.node.role as 'PARTNER' | 'PARTICIPANT',
      node: ref('Actor', e.node.targetId),
      ...agreement(e.node),
    })),
  };
};

/** The lead's kind first, then each other kind among the confirmed co-organisers. */
function organiserKindsOf(names: NetworkNames, links: LinkRow[]) {
  const kinds: NetworkNames['kind'][] = [names.kind];
  for (const l of links) {
    const kind = KIND_OF_TYPE[l.targetType as keyof typeof KIND_OF_TYPE];
    if (l.role === 'CO_ORGANISER' && confirmed(l) && kind && !kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

/** Initiative fields that depend on the subgraph's own kind. */
export function initiativeFields(names: NetworkNames) {
  // A co-organiser of our own type is resolved here; others are references the gateway
  // completes from their subgraph.
  const networkOf = (l: LinkRow, { loaders }: Ctx) =>
    l.targetType === names.type ? loaders.network.load(l.targetId) : ref(l.targetType, l.targetId);
  const coOrganising = async (i: InitiativeRow, { loaders }: Ctx) =>
    (await loaders.linksByInitiative.load(i.id)).filter((l) => l.role === 'CO_ORGANISER');
  return {
    /** Confirmed co-organisers only: partners' persisted operations read this as "who organises it". */
    coOrganisers: async (i: InitiativeRow, _: unknown, ctx: Ctx) => {
      const list = await Promise.all((await coOrganising(i, ctx)).filter(confirmed).map((l) => networkOf(l, ctx)));
      return list.filter((n) => n != null);
    },
    /** Every co-organisation named, proposed, confirmed or declined, in the order they were named. */
    coOrganisations: async (i: InitiativeRow, _: unknown, ctx: Ctx) => {
      const rows = await Promise.all(
        (await coOrganising(i, ctx)).map(async (l) => ({ network: await networkOf(l, ctx), ...agreement(l) })),
      );
      return rows.flatMap((r) => (r.network ? [{ ...r, network: r.network }] : []));
    },
    organiserKinds: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) =>
      organiserKindsOf(names, await loaders.linksByInitiative.load(i.id)),
    joint: async (i: InitiativeRow, _: unknown, { loaders }: Ctx) =>
      organiserKindsOf(names, await loaders.linksByInitiative.load(i.id)).length >= 2,
  };
}
