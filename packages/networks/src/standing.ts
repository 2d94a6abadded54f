import { GraphQLError } from 'graphql';
import { networkPeers } from '@maillage/env';
import { ErrorCode } from '@maillage/errors';
import { EndpointRefusal, type SignedEndpoint } from '@maillage/subgraph-server';
import { gatewayHeaders, hasScopes, mayEditNetwork, Scope, type Viewer } from '@maillage/viewer';
import { ID } from './ids';
import { KINDS, type NetworkNames } from './names';
import { isActiveOn, type NetworkDb } from './rows';

/**
 * Who speaks for an actor, across kinds (docs/architecture.md, "Agreed links", "Standing across
 * kinds"). The editors of a network speak for the actors that are its active members or that
 * operate it. Whether actor X is an active member of network N is known, with authority, by N's
 * subgraph alone; the subgraph that owns an initiative asks it, at the moment of the decision, over
 * a signed route (`POST /standing`, beside its `/graphql`), with the viewer's own statement: the
 * answer is about the networks the viewer edits only, which it may read anyway.
 */

/** Most actors, and most networks, one `/standing` request names. */
export const MAX_STANDING = 100;
/** How long a network subgraph waits for another's `/standing` before it refuses the write (SUBGRAPH_UNAVAILABLE). */
export const STANDING_TIMEOUT_MS = 2000;

/** A network that speaks for an actor, and why. */
export interface StandingPair {
  actorId: string;
  networkId: string;
  as: 'MEMBER' | 'OPERATOR';
}

/**
 * Of these networks of this database, which speak for which of these actors today: the actor is an
 * active member (`isActiveOn`), or operates the network. Two queries, whatever the numbers.
 */
export async function standingIn(db: NetworkDb, actorIds: readonly string[], networkIds: readonly string[]): Promise<StandingPair[]> {
  if (!actorIds.length || !networkIds.length) return [];
  const [memberships, operated] = await Promise.all([
    db.membership.findMany({ where: { actorId: { in: [...actorIds] }, networkId: { in: [...networkIds] } } }),
    db.network.findMany({ where: { actorId: { in: [...actorIds] }, id: { in: [...networkIds] } } }),
  ]);
  const pairs = new Map<string, StandingPair>();
  for (const m of memberships)
    if (isActiveOn(m)) pairs.set(`${m.actorId} ${m.networkId}`, { actorId: m.actorId, networkId: m.networkId, as: 'MEMBER' });
  for (const n of operated) pairs.set(`${n.actorId} ${n.id}`, { actorId: n.actorId!, networkId: n.id, as: 'OPERATOR' });
  return [...pairs.values()];
}

const idList = (value: unknown, field: string): string[] => {
  if (
    !Array.isArray(value) ||
    value.length < 1 ||
    value.length > MAX_STANDING ||
    !value.every((v): v is string => typeof v === 'string' && ID.test(v))
  )
    throw new EndpointRefusal(400, 'BAD_USER_INPUT', `${field} must be a list of 1 to ${MAX_STANDING} ids`);
  return [...new Set(value)];
};

/**
 * `POST /standing` with `{ "actorIds": [...], "networkIds": [...] }`: which of these networks of
 * this subgraph speak for which of these actors, `{ "spokenFor": [{ actorId, networkId, as }] }`.
 * Asked by the other network subgraphs, signed with the viewer's statement: 403 unless the viewer
 * edits every network it names (least privilege: a subgraph learns through it only what the editor
 * could read of its own networks), 400 a bad body; 401 and 503 as every signed route.
 */
export function standingEndpoint(db: NetworkDb): SignedEndpoint {
  return async (viewer, body) => {
    if (!hasScopes(viewer, [[Scope.networkEdit]]))
      throw new EndpointRefusal(403, 'FORBIDDEN', 'Standing is asked for an editor (network:edit scope) or an admin');
    const { actorIds, networkIds } = body as { actorIds?: unknown; networkIds?: unknown };
    const actors = idList(actorIds, 'actorIds');
    const networks = idList(networkIds, 'networkIds');
    const notEdited = networks.find((id) => !mayEditNetwork(viewer, id));
    if (notEdited) throw new EndpointRefusal(403, 'FORBIDDEN', `The viewer does not edit network ${notEdited}`);
    return { spokenFor: await standingIn(db, actors, networks) };
  };
}

/** The subgraph that holds a network, from its id's prefix (`cl-…` → clusters); undefined for no kind. */
export const subgraphOfNetwork = (networkId: string) => KINDS.find((k) => networkId.startsWith(`${k.idPrefix}-`))?.subgraph;

/** The viewer's networks held by other subgraphs than `own`, by subgraph. Ids of no kind hold nothing: left out. */
export function networksElsewhere(viewer: Viewer, own: NetworkNames): Map<string, string[]> {
  const bySubgraph = new Map<string, string[]>();
  for (const id of viewer.networks) {
    const subgraph = subgraphOfNetwork(id);
    if (!subgraph || subgraph === own.subgraph) continue;
    bySubgraph.set(subgraph, [...(bySubgraph.get(subgraph) ?? []), id]);
  }
  return bySubgraph;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** What the owner subgraph is told when an authority it needed did not answer: nothing was written. */
export const standingUnavailable = (subgraph: string) =>
  new GraphQLError(
    `The ${subgraph} subgraph did not answer whether your networks there speak for this actor; nothing was done. Retry later.`,
    { extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, subgraph } },
  );

export interface StandingLog {
  warn(obj: object, msg: string): void;
}

/**
 * The other network subgraphs, asked whether the viewer's networks of their kind speak for actors.
 * One per service; URLs come from `NETWORK_PEERS` at each ask (read once at construction, so a bad
 * value stops the service at start).
 */
export class NetworkPeers {
  constructor(
    private readonly own: NetworkNames,
    private readonly secret: string,
    private readonly log: StandingLog,
    private readonly timeoutMs = STANDING_TIMEOUT_MS,
  ) {
    networkPeers();
  }

  /**
   * Of `actorIds`, those a network of another kind that the viewer edits speaks for, each kind
   * asked of its own subgraph, all at once. When one does not answer and an actor is left that
   * it might have spoken for, SUBGRAPH_UNAVAILABLE: a decision is never taken on a guess.
   */
  async spokenFor(viewer: Viewer, actorIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!actorIds.length || !viewer.scopes.includes(Scope.networkEdit)) return found;
    const asks = [...networksElsewhere(viewer, this.own)].flatMap(([subgraph, ids]) =>
      chunks(ids, MAX_STANDING).flatMap((networks) =>
        chunks([...new Set(actorIds)], MAX_STANDING).map((actors) => ({ subgraph, networks, actors })),
      ),
    );
    const answers = await Promise.allSettled(asks.map((a) => this.ask(viewer, a.subgraph, a.actors, a.networks)));
    const failed: string[] = [];
    answers.forEach((answer, i) => {
      if (answer.status === 'fulfilled') for (const p of answer.value) found.add(p.actorId);
      else {
        failed.push(asks[i].subgraph);
        this.log.warn({ err: answer.reason, subgraph: asks[i].subgraph }, `standing: ${asks[i].subgraph} did not answer`);
      }
    });
    if (failed.length && actorIds.some((a) => !found.has(a))) throw standingUnavailable(failed[0]);
    return found;
  }

  private async ask(viewer: Viewer, subgraph: string, actorIds: string[], networkIds: string[]): Promise<StandingPair[]> {
    const url = networkPeers()[subgraph];
    if (!url) throw new Error(`NETWORK_PEERS names no ${subgraph} subgraph`);
    const body = JSON.stringify({ actorIds, networkIds });
    const res = await fetch(url.replace(/\/graphql\/?$/, '/standing'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(viewer, this.secret, subgraph, body)) },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`${subgraph} /standing answered HTTP ${res.status}`);
    const { spokenFor } = (await res.json()) as { spokenFor?: StandingPair[] };
    if (!Array.isArray(spokenFor)) throw new Error(`${subgraph} /standing answered without spokenFor`);
    // Only what was asked: an answer about other actors or networks is no authority's.
    return spokenFor.filter((p) => actorIds.includes(p.actorId) && networkIds.includes(p.networkId));
  }
}
