import { mayEditNetwork, mayReadPrivate, type Viewer } from '@maillage/viewer';

/**
 * Row shapes shared by the four network databases. Each subgraph's Prisma schema declares the same
 * models (Network, Membership, Initiative, InitiativeLink) with its own enums, so code written
 * against these shapes serves all four; the generated clients differ only in enum literals.
 */
export interface NetworkRow {
  id: string;
  subtype: string;
  name: string;
  shortName: string | null;
  searchName: string;
  description: string | null;
  actorId: string | null;
  parentId: string | null;
  predecessorId: string | null;
  scope: string[];
  reach: string[];
  startDate: Date | null;
  endDate: Date | null;
  reportedMemberCount: number | null;
  reportedMemberAsOf: Date | null;
  reportedMemberNote: string | null;
  website: string | null;
  details: unknown;
  /** False when the network keeps its member list private. */
  membersPublic: boolean;
  sources: string[];
}

export interface MembershipRow {
  id: string;
  networkId: string;
  actorId: string;
  category: string;
  role: string | null;
  startDate: Date | null;
  endDate: Date | null;
  sources: string[];
}

export interface InitiativeRow {
  id: string;
  networkId: string;
  kind: string;
  status: string;
  name: string;
  description: string | null;
  startDate: Date | null;
  endDate: Date | null;
  dateNote: string | null;
  placeId: string | null;
  venue: string | null;
  reportedParticipantCount: number | null;
  sources: string[];
}

export interface LinkRow {
  id: string;
  initiativeId: string;
  role: 'CO_ORGANISER' | 'PARTNER' | 'PARTICIPANT';
  targetType: string;
  targetId: string;
}

/**
 * The part of a generated PrismaClient this package uses. Typed loosely on purpose: the four
 * generated clients have the same models but distinct enum types, which no single static type
 * covers; the row interfaces above type what comes back.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Delegate = any;
export interface NetworkDb {
  network: Delegate;
  membership: Delegate;
  initiative: Delegate;
  initiativeLink: Delegate;
  idempotencyKey: Delegate;
  $transaction<T>(fn: (tx: NetworkDb) => Promise<T>, opts?: { timeout?: number }): Promise<T>;
  $queryRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<unknown>;
}

/** Active on a day: started (or no start known) and not yet ended. */
export function isActiveOn(row: { startDate: Date | null; endDate: Date | null }, day = new Date()): boolean {
  const t = day.getTime();
  return (!row.startDate || row.startDate.getTime() <= t) && (!row.endDate || row.endDate.getTime() > t);
}

/** Who may read a network's member list: anyone when it is public; else its editors, analysts and admins. */
export const mayReadMembers = (viewer: Viewer, network: Pick<NetworkRow, 'id' | 'membersPublic'>) =>
  network.membersPublic || mayReadPrivate(viewer) || mayEditNetwork(viewer, network.id);
