import type { IdempotencyStore } from '@maillage/db';
import type { ProvenanceColumns } from '@maillage/reference';
import { mayEditNetwork, mayReadPrivate, type Viewer } from '@maillage/viewer';

export type { ProvenanceColumns, ProvenanceKind } from '@maillage/reference';
export { enteredBy } from '@maillage/reference';

/** A name a network bore over a period, as stored in `network.names` (ISO dates). */
export interface NetworkNameEntry {
  name: string;
  shortName?: string | null;
  from?: string | null;
  to?: string | null;
  sources?: string[];
}

/**
 * Row shapes shared by the four network databases. Each subgraph's Prisma schema declares the same
 * models (Network, Membership, Initiative, InitiativeLink) with its own enums, so code written
 * against these shapes serves all four; the generated clients differ only in enum literals.
 */
export interface NetworkRow extends ProvenanceColumns {
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
  /** Its names over time, the current one last; [] when it never changed. */
  names: unknown;
}

export interface MembershipRow extends ProvenanceColumns {
  id: string;
  networkId: string;
  actorId: string;
  category: string;
  role: string | null;
  startDate: Date | null;
  endDate: Date | null;
  sources: string[];
}

export interface InitiativeRow extends ProvenanceColumns {
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

/** A Prisma filter, order or payload as this package writes them: plain objects Prisma validates. */
type Where = Record<string, unknown>;
interface FindManyArgs {
  where?: Where;
  orderBy?: Where | Where[];
  skip?: number;
  take?: number;
}

/**
 * The methods of one generated Prisma model delegate this package calls. Declared as methods, so
 * each subgraph's client fits although its enums are narrower literal types than the `string`s
 * here; the rows coming back are typed by the row interfaces above.
 */
export interface ModelDelegate<Row, Create = Row> {
  findMany(args: FindManyArgs): Promise<Row[]>;
  findUnique(args: { where: { id: string } }): Promise<Row | null>;
  count(args?: { where?: Where }): Promise<number>;
  create(args: { data: Create }): Promise<Row>;
  createMany(args: { data: Create[] }): Promise<{ count: number }>;
  update(args: { where: { id: string }; data: Partial<Create> }): Promise<Row>;
  updateMany(args: { where: Where; data: Partial<Create> }): Promise<{ count: number }>;
  upsert(args: { where: { id: string }; create: Create; update: Omit<Create, 'id'> }): Promise<Row>;
  deleteMany(args: { where: Where }): Promise<{ count: number }>;
}

/** What a write may leave to the columns' defaults: a row is STATED unless it says otherwise. */
type ProvenanceDefaults<T> = Omit<T, keyof ProvenanceColumns> & Partial<ProvenanceColumns>;
type NetworkData = ProvenanceDefaults<Omit<NetworkRow, 'membersPublic' | 'parentId' | 'predecessorId' | 'names'>> &
  Partial<Pick<NetworkRow, 'membersPublic' | 'parentId' | 'predecessorId'>> & { names?: NetworkNameEntry[] };
type MembershipData = ProvenanceDefaults<MembershipRow>;
type InitiativeData = ProvenanceDefaults<Omit<InitiativeRow, 'reportedParticipantCount'>> & { reportedParticipantCount?: number | null };

/** The part of a generated PrismaClient (or of its transaction client) this package uses. */
export interface NetworkDb extends IdempotencyStore {
  network: ModelDelegate<NetworkRow, NetworkData>;
  membership: ModelDelegate<MembershipRow, MembershipData>;
  initiative: ModelDelegate<InitiativeRow, InitiativeData>;
  initiativeLink: ModelDelegate<LinkRow, Omit<LinkRow, 'role'> & { role: string }>;
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
