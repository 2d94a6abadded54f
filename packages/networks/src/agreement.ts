import { randomUUID } from 'node:crypto';
import { ErrorCode, userError } from '@maillage/errors';
import { forbidden, mayEditNetwork, requireScope, Scope, type Viewer } from '@maillage/viewer';
import { recordChanges } from '@maillage/db';
import { connection, toPage, type PageArgs } from '@maillage/subgraph-server';
import { initiativeChange } from './changes';
import { required } from './fields/common';
import type { NetworkContext } from './loaders';
import type { NetworkNames } from './names';
import { lockInitiative, type LinkRow, type NetworkDb } from './rows';
import { standingIn, type NetworkPeers } from './standing';

/**
 * Agreed links (docs/architecture.md, "Agreed links"). Naming a network as co-organiser, or an
 * actor as partner or participant, is a proposal until someone who speaks for the one named
 * confirms it: for a network, its editors; for an actor, the editors of a network it is an active
 * member of (or operated by it), of any kind: another kind's subgraph is asked (standing.ts).
 * Naming is agreement at once when the proposer already speaks for the one named (an editor whose
 * token names both networks, a network naming its own member, or a member of another network the
 * proposer edits).
 * Only confirmed links count: `coOrganisers`, `joint`, `organiserKinds`, `parties` and every
 * synergy measure.
 */
export type AgreementStatus = 'PROPOSED' | 'CONFIRMED' | 'DECLINED';

/** Who decided, as the link records it: the token's subject, else the role (a service, a dev token). */
export const deciderOf = (viewer: Viewer) => viewer.subject ?? `role:${viewer.role}`;

/**
 * Of these actors, those the viewer speaks for: all for an admin; for an editor, those that are
 * active members of, or operate, a network its token names. The networks of this kind are asked of
 * this database (two queries, whatever the number of actors); those of other kinds, of their own
 * subgraph (`peers`, standing.ts), for the actors left, each kind in one request. Without `peers`,
 * this kind's networks only. With `peers`, never inside a transaction: no pooled connection should
 * wait on another subgraph.
 */
export async function actorsSpokenFor(
  db: NetworkDb,
  viewer: Viewer,
  actorIds: string[],
  peers?: Pick<NetworkPeers, 'spokenFor'>,
): Promise<Set<string>> {
  if (viewer.role === 'admin') return new Set(actorIds);
  if (!actorIds.length || !viewer.scopes.includes(Scope.networkEdit) || viewer.networks.length === 0) return new Set();
  const here = new Set((await standingIn(db, actorIds, viewer.networks)).map((p) => p.actorId));
  const left = actorIds.filter((a) => !here.has(a));
  if (!left.length || !peers) return here;
  for (const a of await peers.spokenFor(viewer, left)) here.add(a);
  return here;
}

/**
 * The status each new link starts with: confirmed when its proposer speaks for the one it names.
 * `spokenFor`: the actors `actorsSpokenFor` found with the peers, asked before the write's
 * transaction; without it, this kind's networks are asked of `tx` only.
 */
export async function initialStatuses<L extends { role: string; targetId: string }>(
  tx: NetworkDb,
  viewer: Viewer,
  links: L[],
  spokenFor?: ReadonlySet<string>,
): Promise<(L & { status: AgreementStatus })[]> {
  const actors =
    spokenFor ??
    (await actorsSpokenFor(
      tx,
      viewer,
      links.filter((l) => l.role !== 'CO_ORGANISER').map((l) => l.targetId),
    ));
  return links.map((l) => ({
    ...l,
    status: (l.role === 'CO_ORGANISER' ? mayEditNetwork(viewer, l.targetId) : actors.has(l.targetId)) ? 'CONFIRMED' : 'PROPOSED',
  }));
}

/**
 * Writes an initiative's new links (a creation's, or those an update names anew), each proposed by
 * the viewer now with the status `initialStatuses` gives it; one confirmed at once records its
 * proposer as its decider. Inside the write's transaction (`tx`), `spokenFor` asked before it.
 */
export async function proposeLinks(
  tx: NetworkDb,
  viewer: Viewer,
  initiativeId: string,
  links: { role: string; targetType: string; targetId: string }[],
  spokenFor?: ReadonlySet<string>,
): Promise<void> {
  const now = new Date();
  const proposer = deciderOf(viewer);
  const data = (await initialStatuses(tx, viewer, links, spokenFor)).map((l) => ({
    id: `${initiativeId}-${randomUUID().slice(0, 8)}`,
    initiativeId,
    ...l,
    proposedBy: proposer,
    proposedAt: now,
    ...(l.status === 'CONFIRMED' ? { decidedBy: proposer, decidedAt: now } : {}),
  }));
  await tx.initiativeLink.createMany({ data });
}

type Decision = 'CONFIRMED' | 'DECLINED';

/**
 * `confirm<Type>CoOrganisation`, `decline<Type>CoOrganisation`, `confirm<Type>Participation`,
 * `decline<Type>Participation`: one decision on one proposed link, in one transaction with its
 * outbox entry. The conditional update makes two decisions at once safe: the second finds the link
 * no longer proposed and gets NOT_PROPOSED.
 */
export function agreementMutations(names: NetworkNames) {
  async function decide(
    { db, viewer, peers }: NetworkContext,
    initiativeId: string,
    target: { roles: string[]; targetId: string; label: string },
    decision: Decision,
    authorize: (speaksFor: (actorId: string) => Promise<boolean>) => Promise<void>,
  ) {
    requireScope(viewer, Scope.networkEdit, Scope.admin);
    // What is refused before the write is read outside its transaction: the standing of an actor
    // may be asked of another subgraph, and no pooled connection should wait on it. An update of the
    // initiative (initiative-update.ts) may remove the link meanwhile, so the transaction takes the
    // initiative's row lock and reads the link again; its status is checked by the conditional update.
    const initiative = await db.initiative.findUnique({ where: { id: initiativeId } });
    if (!initiative) throw userError(ErrorCode.NOT_FOUND, `No ${names.field} initiative ${initiativeId}`, 'initiativeId');
    const links: LinkRow[] = await db.initiativeLink.findMany({ where: { initiativeId } });
    const link = links.find((l) => target.roles.includes(l.role) && l.targetId === target.targetId);
    if (!link) throw userError(ErrorCode.NOT_FOUND, `Initiative ${initiativeId} does not name ${target.label}`, 'initiativeId');
    await authorize(async (actorId) => (await actorsSpokenFor(db, viewer, [actorId], peers)).has(actorId));
    return db.$transaction(async (tx) => {
      // In turn with an update of the initiative's links (initiative-update.ts), which may remove this one.
      await lockInitiative(tx, initiativeId);
      if (!(await tx.initiativeLink.findUnique({ where: { id: link.id } })))
        throw userError(ErrorCode.NOT_FOUND, `Initiative ${initiativeId} does not name ${target.label}`, 'initiativeId');
      const { count } = await tx.initiativeLink.updateMany({
        where: { id: link.id, status: 'PROPOSED' },
        data: { status: decision, decidedBy: deciderOf(viewer), decidedAt: new Date() },
      });
      if (count === 0) {
        const now = await required(tx.initiativeLink.findUnique({ where: { id: link.id } }), `link ${link.id}`);
        throw userError(
          ErrorCode.NOT_PROPOSED,
          `${target.label} was already ${now.status.toLowerCase()} on ${initiativeId}`,
          'initiativeId',
        );
      }
      // The outbox entry carries the initiative as this transaction sees it, with every link's status.
      const current = await required(tx.initiative.findUnique({ where: { id: initiativeId } }), `initiative ${initiativeId}`);
      const after: LinkRow[] = await tx.initiativeLink.findMany({ where: { initiativeId }, orderBy: { id: 'asc' } });
      await recordChanges(tx, [initiativeChange(names, current, after)]);
      return current;
    });
  }

  const coOrganisation =
    (decision: Decision) =>
    (_: unknown, { initiativeId, networkId }: { initiativeId: string; networkId: string }, ctx: NetworkContext) =>
      decide(ctx, initiativeId, { roles: ['CO_ORGANISER'], targetId: networkId, label: `network ${networkId}` }, decision, async () => {
        if (!mayEditNetwork(ctx.viewer, networkId))
          throw forbidden(`Only an editor of ${networkId} decides on its co-organisation: your token does not name it`);
      });
  const participation =
    (decision: Decision) =>
    (_: unknown, { initiativeId, actorId }: { initiativeId: string; actorId: string }, ctx: NetworkContext) =>
      decide(
        ctx,
        initiativeId,
        { roles: ['PARTNER', 'PARTICIPANT'], targetId: actorId, label: `actor ${actorId}` },
        decision,
        async (speaksFor) => {
          if (!(await speaksFor(actorId)))
            throw forbidden(
              `Only an editor of a network (of any kind) that ${actorId} is an active member of, or that it operates, or an admin, decides on its participation`,
            );
        },
      );
  return {
    confirmCoOrganisation: coOrganisation('CONFIRMED'),
    declineCoOrganisation: coOrganisation('DECLINED'),
    confirmParticipation: participation('CONFIRMED'),
    declineParticipation: participation('DECLINED'),
  };
}

/**
 * `<field>InitiativesAwaiting(networkId)`: this subgraph's initiatives that name the network as
 * co-organiser and wait for its decision, for that network's editors (and admins).
 */
export const initiativesAwaiting = async (_: unknown, args: PageArgs & { networkId: string }, { db, viewer }: NetworkContext) => {
  requireScope(viewer, Scope.networkEdit, Scope.admin);
  if (!mayEditNetwork(viewer, args.networkId)) throw forbidden(`Your token does not name network ${args.networkId}`);
  const page = toPage(args);
  const where = {
    // Ids are global (their prefix names the kind): the id alone names the network.
    links: { some: { role: 'CO_ORGANISER', status: 'PROPOSED', targetId: args.networkId } },
  };
  const [items, total] = await Promise.all([
    db.initiative.findMany({ where, orderBy: [{ startDate: 'asc' }, { id: 'asc' }], skip: page.offset, take: page.limit }),
    db.initiative.count({ where }),
  ]);
  return connection(items, total, page);
};
