import { connection, toPage, type PageArgs } from '@maillage/subgraph-server';
import { normaliseText } from '@maillage/reference';
import { KIND_OF_TYPE, type NetworkNames } from '../names';
import { activeUnless, type Ctx, type ListArgs } from './common';

export type NetworksArgs = ListArgs & { search?: string | null; subtype?: string | null; territoryId?: string | null };
export type InitiativesArgs = PageArgs & { jointOnly?: boolean | null; status?: string | null };

/** The root fields of a network subgraph: `chamber`, `chambers`, `chamberInitiative`, `chamberInitiatives`... */
export function queries(names: NetworkNames) {
  return {
    network: (_: unknown, { id }: { id: string }, { loaders }: Ctx) => loaders.network.load(id),
    networks: async (_: unknown, args: NetworksArgs, { loaders }: Ctx) => {
      const page = toPage(args);
      if (args.territoryId) {
        const rows = activeUnless(await loaders.networksByTerritory.load(args.territoryId), args.includeEnded).filter(
          (n) => (!args.subtype || n.subtype === args.subtype) && (!args.search || n.searchName.includes(normaliseText(args.search))),
        );
        return connection(rows.slice(page.offset, page.offset + page.limit), rows.length, page);
      }
      // Through a loader: pages asked side by side (aliases) are read in one statement with their total.
      const { rows, total } = await loaders.networkPages.load({
        filter: {
          subtype: args.subtype ?? null,
          search: args.search?.trim() ? normaliseText(args.search) : null,
          includeEnded: !!args.includeEnded,
        },
        page,
      });
      return connection(rows, total, page);
    },
    initiative: (_: unknown, { id }: { id: string }, { loaders }: Ctx) => loaders.initiative.load(id),
    initiatives: async (_: unknown, args: InitiativesArgs, { db }: Ctx) => {
      const page = toPage(args);
      const where = {
        ...(args.status ? { status: args.status } : {}),
        // Joint: at least one confirmed co-organiser from another kind of network.
        ...(args.jointOnly
          ? {
              links: {
                some: { role: 'CO_ORGANISER', status: 'CONFIRMED', targetType: { not: names.type, in: Object.keys(KIND_OF_TYPE) } },
              },
            }
          : {}),
      };
      const [items, total] = await Promise.all([
        db.initiative.findMany({ where, orderBy: [{ startDate: 'asc' }, { id: 'asc' }], skip: page.offset, take: page.limit }),
        db.initiative.count({ where }),
      ]);
      return connection(items, total, page);
    },
  };
}
