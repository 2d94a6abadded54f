import { GraphQLClient, type GraphQLClientOptions } from '@maillage/client';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { NetworkKind } from '@maillage/kinds';
import type { RegionSnapshot, SnapshotActor, SnapshotInitiative, SnapshotMembership, SnapshotNetwork } from '@maillage/synergy';
import * as ops from './generated/gateway';

/**
 * Reads the regional graph through the gateway, as any client would: the directory's actors and,
 * for each kind of network, its networks with their members and its initiatives (the operations of
 * src/operations/*.graphql, typed by graphql-codegen). Lists of networks and initiatives come 20 a
 * page with up to 100 members or parties each (within the analyst role's cost limit at the
 * gateway), every page followed to its end. Nothing here reaches another subgraph's
 * database: the gateway, its authorization and the subgraphs' rules stay the only door.
 */
export interface SnapshotReader {
  read(): Promise<RegionSnapshot & { requests: number }>;
}

type Doc<D, V> = TypedDocumentNode<D, V>;

/**
 * Each kind of network with its four operations (src/operations/<kinds>.graphql). The documents
 * alias their root fields alike, so every kind's results have the chambers' shape: tsc checks it here.
 */
interface KindOperations {
  kind: NetworkKind;
  networks: Doc<ops.SynergyChambersQuery, ops.SynergyChambersQueryVariables>;
  members: Doc<ops.SynergyChamberMembersQuery, ops.SynergyChamberMembersQueryVariables>;
  initiatives: Doc<ops.SynergyChamberInitiativesQuery, ops.SynergyChamberInitiativesQueryVariables>;
  parties: Doc<ops.SynergyChamberPartiesQuery, ops.SynergyChamberPartiesQueryVariables>;
}

const KINDS: KindOperations[] = [
  {
    kind: 'CHAMBER',
    networks: ops.SynergyChambersDocument,
    members: ops.SynergyChamberMembersDocument,
    initiatives: ops.SynergyChamberInitiativesDocument,
    parties: ops.SynergyChamberPartiesDocument,
  },
  {
    kind: 'CLUSTER',
    networks: ops.SynergyClustersDocument,
    members: ops.SynergyClusterMembersDocument,
    initiatives: ops.SynergyClusterInitiativesDocument,
    parties: ops.SynergyClusterPartiesDocument,
  },
  {
    kind: 'COUNCIL',
    networks: ops.SynergyCouncilsDocument,
    members: ops.SynergyCouncilMembersDocument,
    initiatives: ops.SynergyCouncilInitiativesDocument,
    parties: ops.SynergyCouncilPartiesDocument,
  },
  {
    kind: 'CLUB',
    networks: ops.SynergyClubsDocument,
    members: ops.SynergyClubMembersDocument,
    initiatives: ops.SynergyClubInitiativesDocument,
    parties: ops.SynergyClubPartiesDocument,
  },
];

type MemberPage = NonNullable<ops.SynergyChambersQuery['networks']['nodes'][number]['members']>;
type PartyPage = ops.SynergyChamberInitiativesQuery['initiatives']['nodes'][number]['parties'];

/** The shared GraphQL client, counting the requests of one read. */
class CountingClient {
  requests = 0;
  constructor(private readonly client: GraphQLClient) {}
  request<D, V>(doc: Doc<D, V>, variables: V): Promise<D> {
    this.requests++;
    return this.client.request(doc, variables);
  }
}

export class GatewayReader implements SnapshotReader {
  private readonly client: GraphQLClient;

  /** `url` is read at each request: in tests the gateway's port is known only after this service starts. */
  constructor(url: () => string, headers: () => Promise<Record<string, string>>, opts: Pick<GraphQLClientOptions, 'timeoutMs'> = {}) {
    this.client = new GraphQLClient({ url, headers, ...opts });
  }

  async read(): Promise<RegionSnapshot & { requests: number }> {
    const post = new CountingClient(this.client);
    const takenAt = new Date().toISOString();
    const actors = await this.actors(post);
    const networks: SnapshotNetwork[] = [];
    const memberships: SnapshotMembership[] = [];
    const initiatives: SnapshotInitiative[] = [];
    for (const k of KINDS) {
      await this.networks(post, k, networks, memberships);
      await this.initiatives(post, k, initiatives);
    }
    return { actors, networks, memberships, initiatives, takenAt, requests: post.requests };
  }

  private async actors(post: CountingClient): Promise<SnapshotActor[]> {
    const out: SnapshotActor[] = [];
    for (let after: string | null = null; ;) {
      const { actors }: ops.SynergyActorsQuery = await post.request(ops.SynergyActorsDocument, { after });
      for (const a of actors.nodes)
        out.push({
          id: a.id,
          name: a.name,
          kind: a.kind,
          nafCode: a.sector?.code ?? null,
          communeId: a.commune?.id ?? null,
          category: a.category,
          headcountBand: a.headcountBand?.code ?? null,
        });
      if (!actors.pageInfo.hasNextPage) return out;
      after = actors.pageInfo.endCursor;
    }
  }

  private async networks(post: CountingClient, k: KindOperations, networks: SnapshotNetwork[], memberships: SnapshotMembership[]) {
    const add = (networkId: string, page: MemberPage) => {
      for (const m of page.nodes)
        if (m.actor)
          memberships.push({
            id: m.id,
            networkId,
            actorId: m.actor.id,
            startDate: m.startDate,
            endDate: m.endDate,
            derived: m.provenance.kind === 'DERIVED',
          });
    };
    for (let after: string | null = null; ;) {
      const { networks: page }: ops.SynergyChambersQuery = await post.request(k.networks, { after, membersAfter: null });
      for (const n of page.nodes) {
        networks.push({
          id: n.id,
          kind: k.kind,
          name: n.name,
          scope: n.scope.flatMap((t) => (t ? [t.id] : [])),
          actorId: n.actor?.id ?? null,
          publicMembers: n.memberListVisibility !== 'PRIVATE',
          startDate: n.startDate,
          endDate: n.endDate,
        });
        if (!n.members) continue;
        add(n.id, n.members);
        for (let cursor = n.members.pageInfo; cursor.hasNextPage;) {
          const more = (await post.request(k.members, { id: n.id, membersAfter: cursor.endCursor })).network?.members;
          if (!more) break;
          add(n.id, more);
          cursor = more.pageInfo;
        }
      }
      if (!page.pageInfo.hasNextPage) return;
      after = page.pageInfo.endCursor;
    }
  }

  private async initiatives(post: CountingClient, k: KindOperations, out: SnapshotInitiative[]) {
    const ids = (page: PartyPage) => page.edges.flatMap((e) => (e.node ? [e.node.id] : []));
    for (let after: string | null = null; ;) {
      const { initiatives: page }: ops.SynergyChamberInitiativesQuery = await post.request(k.initiatives, { after, partiesAfter: null });
      for (const i of page.nodes) {
        const parties = ids(i.parties);
        for (let cursor = i.parties.pageInfo; cursor.hasNextPage;) {
          const more = (await post.request(k.parties, { id: i.id, partiesAfter: cursor.endCursor })).initiative?.parties;
          if (!more) break;
          parties.push(...ids(more));
          cursor = more.pageInfo;
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
          status: i.status,
          derived: i.provenance.kind === 'DERIVED',
        });
      }
      if (!page.pageInfo.hasNextPage) return;
      after = page.pageInfo.endCursor;
    }
  }
}
