import { ErrorCode, userError } from '@maillage/errors';
import { getTerritory } from '@maillage/reference';
import { mayReadPrivate } from '@maillage/viewer';
import { sliceConnection, type PageArgs } from '@maillage/subgraph-server';
import { networkTypeName, type InitiativeFilter, type NetworkKind, type SynergyEngine } from '@maillage/synergy';
import type { Context } from './context';
import type { InitiativeRef, MembershipRef, NodeRef } from './models';
import { actorRef, networkRef, territoryRef } from './references';

// The cross-kind lists as connections of entity references: the index gives the order and the
// totals, the gateway resolves every node in its own subgraph.

/**
 * The engine a viewer reads the cross-kind lists on: the whole index for analysts and admins, its
 * public part (private member lists left out, as `publicPart` of the synergy measures) for anyone
 * else, so a private list never shows through a cross-kind field, its totals included.
 */
export const engineFor = (ctx: Context): Promise<SynergyEngine> => ctx.store.engine(mayReadPrivate(ctx.viewer));

const KIND_OF_PREFIX: Record<string, NetworkKind> = { ch: 'CHAMBER', cl: 'CLUSTER', co: 'COUNCIL', cb: 'CLUB' };

export const membershipRef = ({ ix }: SynergyEngine, m: number): MembershipRef => ({
  __typename: `${networkTypeName[ix.kinds[ix.mNetwork[m]]]}Membership`,
  id: ix.mId[m],
});

export function initiativeRef({ ix }: SynergyEngine, i: number): InitiativeRef {
  const lead = ix.iOrganisers[i][0];
  const kind = lead === undefined ? KIND_OF_PREFIX[ix.iId[i].slice(0, 2)] : ix.kinds[lead];
  return { __typename: `${networkTypeName[kind ?? 'CHAMBER']}Initiative`, id: ix.iId[i] };
}

/** A page of an index list, each item turned into its reference. */
export function page<R>(items: readonly number[], args: PageArgs, ref: (i: number) => R) {
  const c = sliceConnection(items, args);
  const nodes = c.nodes.map(ref);
  return { totalCount: c.totalCount, pageInfo: c.pageInfo, nodes, edges: c.edges.map((e, k) => ({ cursor: e.cursor, node: nodes[k] })) };
}

export function checkTerritory(id: string | null | undefined, field = 'territoryId'): void {
  if (id && !getTerritory(id)) throw userError(ErrorCode.UNKNOWN_TERRITORY, `No territory ${id}`, field);
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

export interface InitiativeArgs {
  jointOnly?: boolean | null;
  kind?: NetworkKind | null;
  territoryId?: string | null;
  from?: Date | null;
  to?: Date | null;
  status?: string | null;
}

/** The initiative filter of the arguments, checked: a known territory, from ≤ to. */
export function initiativeFilter(args: InitiativeArgs): InitiativeFilter {
  checkTerritory(args.territoryId);
  const f = {
    jointOnly: args.jointOnly,
    kind: args.kind,
    territoryId: args.territoryId,
    from: iso(args.from),
    to: iso(args.to),
    status: args.status,
  };
  if (f.from && f.to && f.from > f.to) throw userError(ErrorCode.INVALID_DATE_RANGE, 'from is after to', 'from');
  return f;
}

const MEMBERSHIP_ID = /^(ch|cl|co|cb)-m-/;
const INITIATIVE_ID = /^(ch|cl|co|cb)-i-/;

/** Anything by its global id, as the index knows it; null when it knows none (or the viewer may not see it). */
export function nodeOf(engine: SynergyEngine, id: string): NodeRef | null {
  const { ix } = engine;
  const a = ix.actorIndex(id);
  if (a !== undefined) return actorRef(engine, a);
  const n = ix.networkIndex(id);
  if (n !== undefined) return networkRef(engine, n);
  if (MEMBERSHIP_ID.test(id)) {
    const m = ix.membershipIndex(id);
    if (m !== undefined) return membershipRef(engine, m);
  }
  if (INITIATIVE_ID.test(id)) {
    const i = ix.initiativeIndex(id);
    if (i !== undefined) return initiativeRef(engine, i);
  }
  return getTerritory(id) ? territoryRef(id) : null;
}
