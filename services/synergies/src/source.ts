import type { NetworkKind, RegionSnapshot, SnapshotActor, SnapshotInitiative, SnapshotMembership, SnapshotNetwork } from '@maillage/synergy';

/**
 * Reads the regional graph through the gateway, as any client would: the directory's actors and,
 * for each kind of network, its networks with their members and its initiatives. Lists of networks
 * and initiatives come 20 a page with up to 100 members or parties each (within the analyst role's
 * cost limit at the gateway), every page followed to its end. Nothing here reaches another subgraph's
 * database: the gateway, its authorization and the subgraphs' rules stay the only door.
 */
export interface SnapshotReader {
  read(): Promise<RegionSnapshot & { requests: number }>;
}

type Post = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

const KINDS: { kind: NetworkKind; one: string; many: string; initiatives: string; initiative: string }[] = [
  { kind: 'CHAMBER', one: 'chamber', many: 'chambers', initiatives: 'chamberInitiatives', initiative: 'chamberInitiative' },
  { kind: 'CLUSTER', one: 'cluster', many: 'clusters', initiatives: 'clusterInitiatives', initiative: 'clusterInitiative' },
  { kind: 'COUNCIL', one: 'council', many: 'councils', initiatives: 'councilInitiatives', initiative: 'councilInitiative' },
  { kind: 'CLUB', one: 'club', many: 'clubs', initiatives: 'clubInitiatives', initiative: 'clubInitiative' },
];

interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface MemberNode {
  actor: { id: string } | null;
  startDate: string | null;
  endDate: string | null;
}
interface NetworkNode {
  id: string;
  name: string;
  memberListVisibility: 'PUBLIC' | 'PRIVATE';
  scope: ({ id: string } | null)[];
  actor: { id: string } | null;
  members: Page<MemberNode> | null;
}
interface PartyEdge {
  node: { id: string } | null;
}
interface InitiativeNode {
  id: string;
  name: string;
  startDate: string | null;
  endDate: string | null;
  place: { id: string } | null;
  organiser: { id: string };
  coOrganisers: ({ id: string } | null)[];
  parties: { edges: PartyEdge[]; pageInfo: Page<unknown>['pageInfo'] };
}

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';
/** Networks or initiatives a page, each with a nested page of 100: what the gateway's cost limit lets through. */
const OUTER_PAGE = 20;
const MEMBERS = `members(first: 100, after: $membersAfter, includeEnded: true) { nodes { actor { id } startDate endDate } ${PAGE_INFO} }`;
const NETWORK_REF = '... on Chamber { id } ... on Cluster { id } ... on Council { id } ... on Club { id }';

/** A GraphQL POST that throws on transport errors and on errors in the answer. */
export function graphqlPoster(url: string, headers: () => Promise<Record<string, string>>, counter: { requests: number }): Post {
  return async <T>(query: string, variables: Record<string, unknown>) => {
    counter.requests++;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(await headers()) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`gateway answered ${res.status} with no GraphQL response`);
    }
    if (body.errors?.length) throw new Error(`gateway: ${body.errors.map((e) => `${e.message} (${e.extensions?.code ?? 'no code'})`).join('; ')}`);
    if (!body.data) throw new Error(`gateway answered ${res.status} without data`);
    return body.data;
  };
}

export class GatewayReader implements SnapshotReader {
  constructor(
    private readonly url: () => string,
    private readonly headers: () => Promise<Record<string, string>>,
  ) {}

  async read(): Promise<RegionSnapshot & { requests: number }> {
    const counter = { requests: 0 };
    const post = graphqlPoster(this.url(), this.headers, counter);
    const takenAt = new Date().toISOString();
    const actors = await this.actors(post);
    const networks: SnapshotNetwork[] = [];
    const memberships: SnapshotMembership[] = [];
    const initiatives: SnapshotInitiative[] = [];
    for (const k of KINDS) {
      await this.networks(post, k, networks, memberships);
      await this.initiatives(post, k, initiatives);
    }
    return { actors, networks, memberships, initiatives, takenAt, requests: counter.requests };
  }

  private async actors(post: Post): Promise<SnapshotActor[]> {
    const out: SnapshotActor[] = [];
    const query = `query SynergyActors($after: String) { actors(first: 100, after: $after) {
      nodes { id name kind sector { code } commune { id } category headcountBand { code } } ${PAGE_INFO} } }`;
    type A = { id: string; name: string; kind: string; sector: { code: string } | null; commune: { id: string } | null; category: string | null; headcountBand: { code: string } | null };
    for (let after: string | null = null; ; ) {
      const { actors }: { actors: Page<A> } = await post(query, { after });
      for (const a of actors.nodes)
        out.push({ id: a.id, name: a.name, kind: a.kind, nafCode: a.sector?.code ?? null, communeId: a.commune?.id ?? null, category: a.category, headcountBand: a.headcountBand?.code ?? null });
      if (!actors.pageInfo.hasNextPage) return out;
      after = actors.pageInfo.endCursor;
    }
  }

  private async networks(post: Post, k: (typeof KINDS)[number], networks: SnapshotNetwork[], memberships: SnapshotMembership[]) {
    const list = `query SynergyNetworks($after: String, $membersAfter: String) { ${k.many}(first: ${OUTER_PAGE}, after: $after, includeEnded: true) {
      nodes { id name memberListVisibility scope { id } actor { id } ${MEMBERS} } ${PAGE_INFO} } }`;
    const more = `query SynergyMembers($id: ID!, $membersAfter: String) { ${k.one}(id: $id) { ${MEMBERS} } }`;
    const add = (networkId: string, page: Page<MemberNode>) => {
      for (const m of page.nodes) if (m.actor) memberships.push({ networkId, actorId: m.actor.id, startDate: m.startDate, endDate: m.endDate });
    };
    for (let after: string | null = null; ; ) {
      const data: Record<string, Page<NetworkNode>> = await post(list, { after, membersAfter: null });
      const page = data[k.many];
      for (const n of page.nodes) {
        networks.push({ id: n.id, kind: k.kind, name: n.name, scope: n.scope.filter((t): t is { id: string } => !!t).map((t) => t.id), actorId: n.actor?.id ?? null, publicMembers: n.memberListVisibility !== 'PRIVATE' });
        if (!n.members) continue;
        add(n.id, n.members);
        for (let cursor = n.members.pageInfo; cursor.hasNextPage; ) {
          const next: Record<string, { members: Page<MemberNode> }> = await post(more, { id: n.id, membersAfter: cursor.endCursor });
          add(n.id, next[k.one].members);
          cursor = next[k.one].members.pageInfo;
        }
      }
      if (!page.pageInfo.hasNextPage) return;
      after = page.pageInfo.endCursor;
    }
  }

  private async initiatives(post: Post, k: (typeof KINDS)[number], out: SnapshotInitiative[]) {
    const fields = `id name startDate endDate place { id } organiser { id } coOrganisers { ${NETWORK_REF} }
      parties(first: 100, after: $partiesAfter) { edges { node { id } } ${PAGE_INFO} }`;
    const list = `query SynergyInitiatives($after: String, $partiesAfter: String) { ${k.initiatives}(first: ${OUTER_PAGE}, after: $after) { nodes { ${fields} } ${PAGE_INFO} } }`;
    const more = `query SynergyParties($id: ID!, $partiesAfter: String) { ${k.initiative}(id: $id) { parties(first: 100, after: $partiesAfter) { edges { node { id } } ${PAGE_INFO} } } }`;
    for (let after: string | null = null; ; ) {
      const data: Record<string, Page<InitiativeNode>> = await post(list, { after, partiesAfter: null });
      const page = data[k.initiatives];
      for (const i of page.nodes) {
        const parties = i.parties.edges.flatMap((e) => (e.node ? [e.node.id] : []));
        for (let cursor = i.parties.pageInfo; cursor.hasNextPage; ) {
          const next: Record<string, { parties: InitiativeNode['parties'] }> = await post(more, { id: i.id, partiesAfter: cursor.endCursor });
          parties.push(...next[k.initiative].parties.edges.flatMap((e) => (e.node ? [e.node.id] : [])));
          cursor = next[k.initiative].parties.pageInfo;
        }
        out.push({
          id: i.id,
          name: i.name,
          organiserId: i.organiser.id,
          coOrganiserIds: i.coOrganisers.flatMap((c) => (c ? [c.id] : [])),
          partyActorIds: parties,
          startDate: i.startDate,
          endDate: i.endDate,
          placeId: i.place?.id ?? null,
        });
      }
      if (!page.pageInfo.hasNextPage) return;
      after = page.pageInfo.endCursor;
    }
  }
}
