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
  /** Whether the one named agreed (packages/networks/src/agreement.ts). */
  status: 'PROPOSED' | 'CONFIRMED' | 'DECLINED';
  proposedBy: string | null;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** A Prisma filter or order as this package writes them: plain objects Prisma validates. */
type Where = Record<string, unknown>;
interface FindManyArgs {
  where?: Where;
  orderBy?: Where | Where[];
  skip?: number;
  take?: number;
}

/** A field's value as the generated clients' inputs take it: the value, a date also as its ISO string. */
type Value<V> = V | (V extends Date ? string : never);

/**
 * What this package may write into a row: any of its fields, each as a value or in Prisma's
 * `{ set }` form. It is no narrower than what every generated client's inputs take (their enums
 * are literal types, `string` here; their update inputs carry operation objects), so each
 * subgraph's PrismaClient satisfies NetworkDb as it is generated, without a cast; a write here is
 * still checked for its field names and value types.
 */
export type WriteData<Row> = { [K in keyof Row]?: Value<Row[K]> | { set?: Value<Row[K]> } };

/** A row to create: the fields every generated client requires (all but defaults and relation keys). */
export type CreateData<Row, Required extends keyof Row> = WriteData<Row> & { [K in Required]: Value<Row[K]> };

/** A row by its id, as the generated clients' unique inputs type it (`id` there may be undefined). */
type ById = { id: string | undefined };

/**
 * The methods of one generated Prisma model delegate this package calls. Declared as methods: a
 * method's parameters compare both ways, so the generated delegates, whose argument types are
 * generic over Prisma's own input types, fit these; the rows coming back are typed by the row
 * interfaces above.
 */
export interface ModelDelegate<Row, Create> {
  findMany(args: FindManyArgs): Promise<Row[]>;
  findUnique(args: { where: { id: string } }): Promise<Row | null>;
  count(args?: { where?: Where }): Promise<number>;
  create(args: { data: Create }): Promise<Row>;
  // Optional where the generated delegate's are (its parameters must fit these): this package
  // always passes them.
  createMany(args?: { data: Create | Create[] }): Promise<{ count: number }>;
  update(args: { where: ById; data: WriteData<Row> }): Promise<Row>;
  updateMany(args: { where?: Where; data: WriteData<Row> }): Promise<{ count: number }>;
  upsert(args: { where: ById; create: Create; update: WriteData<Row> }): Promise<Row>;
  deleteMany(args: { where: Where }): Promise<{ count: number }>;
}

/** The part of a generated PrismaClient (or of its transaction client) this package uses. */
export interface NetworkDb extends IdempotencyStore {
  network: ModelDelegate<NetworkRow, CreateData<NetworkRow, 'id' | 'subtype' | 'name' | 'searchName'>>;
  membership: ModelDelegate<MembershipRow, CreateData<MembershipRow, 'id' | 'actorId' | 'category'>>;
  initiative: ModelDelegate<InitiativeRow, CreateData<InitiativeRow, 'id' | 'kind' | 'status' | 'name'>>;
  // Links are listed, written whole, deleted, and their agreement decided by id (agreement.ts).
  initiativeLink: Pick<
    ModelDelegate<
      LinkRow,
      CreateData<Omit<LinkRow, 'role' | 'status'> & { role: string; status: string }, 'id' | 'role' | 'targetType' | 'targetId'>
    >,
    'findMany' | 'findUnique' | 'createMany' | 'updateMany' | 'deleteMany'
  >;
  $transaction<T>(fn: (tx: NetworkDb) => Promise<T>, opts?: { timeout?: number }): Promise<T>;
  $queryRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<unknown>;
}

/**
 * Takes an initiative's row lock for the rest of the transaction (nothing when there is no such
 * row). Every write of an initiative's links takes it first (an update, a decision), so each reads
 * the links as the one before left them, and a decision never meets a link removed under it.
 */
export async function lockInitiative(tx: NetworkDb, id: string): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "initiative" WHERE "id" = ${id} FOR UPDATE`;
}

/** Active on a day: started (or no start known) and not yet ended. */
export function isActiveOn(row: { startDate: Date | null; endDate: Date | null }, day = new Date()): boolean {
  const t = day.getTime();
  return (!row.startDate || row.startDate.getTime() <= t) && (!row.endDate || row.endDate.getTime() > t);
}

/** Who may read a network's member list: anyone when it is public; else its editors, analysts and admins. */
export const mayReadMembers = (viewer: Viewer, network: Pick<NetworkRow, 'id' | 'membersPublic'>) =>
  network.membersPublic || mayReadPrivate(viewer) || mayEditNetwork(viewer, network.id);
