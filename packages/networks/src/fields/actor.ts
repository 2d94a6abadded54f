import { sliceConnection, type PageArgs } from '@maillage/subgraph-server';
import { mayReadMembers, type NetworkRow } from '../rows';
import { activeUnless, type Ctx, type ListArgs } from './common';

/** Fields a network subgraph adds to the directory's `Actor` and `Territory`, and their references. */
export const resolveEntityRef = <R extends { id: string }>(r: R) => r;

// Memberships of networks whose list the viewer may not read are left out, not shown as errors:
// the actor's other memberships stay readable.
export const actorMemberships = async (a: { id: string }, args: ListArgs, { loaders, viewer }: Ctx) => {
  const rows = activeUnless(await loaders.membershipsByActor.load(a.id), args.includeEnded);
  const networks = await loaders.network.loadMany([...new Set(rows.map((m) => m.networkId))]);
  const readable = new Set(
    networks.filter((n): n is NetworkRow => !!n && !(n instanceof Error) && mayReadMembers(viewer, n)).map((n) => n.id),
  );
  return sliceConnection(
    rows.filter((m) => readable.has(m.networkId)),
    args,
  );
};
export const actorInitiatives = async (a: { id: string }, args: PageArgs, { loaders }: Ctx) =>
  sliceConnection(await loaders.initiativesByActor.load(a.id), args);
export const operatedNetworks = async (a: { id: string }, args: PageArgs, { loaders }: Ctx) =>
  sliceConnection(await loaders.networksByActor.load(a.id), args);

export const territoryNetworks = async (t: { id: string }, args: ListArgs, { loaders }: Ctx) =>
  sliceConnection(activeUnless(await loaders.networksByTerritory.load(t.id), args.includeEnded), args);
