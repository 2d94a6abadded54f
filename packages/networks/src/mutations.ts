import { randomUUID } from 'node:crypto';
import { assertDateRange, ErrorCode, userError } from '@maillage/errors';
import { requireNetworkEditor, type Viewer } from '@maillage/viewer';
import { createOnce, recordChanges } from '@maillage/db';
import { getTerritory } from '@maillage/reference';
import { actorsSpokenFor, proposeLinks } from './agreement';
import { ID } from './ids';
import { initiativeChange, membershipChange, networkChange } from './changes';
import { required } from './fields/common';
import type { NetworkContext } from './loaders';
import { TYPE_OF_KIND, type NetworkNames } from './names';
import { overlaps } from './periods';
import { enteredBy, type LinkRow, type MembershipRow, type NetworkDb } from './rows';

const MAX_CO_ORGANISERS = 20;
const MAX_PARTIES = 500;
export { ID };

type Ctx = NetworkContext;

export interface MembershipInput {
  actorId: string;
  category: string;
  role?: string | null;
  startDate?: Date | null;
  endDate?: Date | null;
  sources?: string[] | null;
}

export interface InitiativeInput {
  kind: string;
  status: string;
  name: string;
  description?: string | null;
  startDate?: Date | null;
  endDate?: Date | null;
  dateNote?: string | null;
  placeId?: string | null;
  venue?: string | null;
  coOrganisers?: { kind: keyof typeof TYPE_OF_KIND; id: string }[] | null;
  parties?: { actorId: string; role: string }[] | null;
  sources?: string[] | null;
}

export function text(value: string | null | undefined, field: string, max: number, required = false): string | null {
  const t = value?.trim() ?? '';
  if (required && !t) throw userError(ErrorCode.BAD_USER_INPUT, `${field} must not be empty`, field);
  if (t.length > max) throw userError(ErrorCode.BAD_USER_INPUT, `${field} is longer than ${max} characters`, field);
  return t || null;
}

export function reference(id: string, field: string): string {
  if (!ID.test(id)) throw userError(ErrorCode.BAD_USER_INPUT, `${field}: ${JSON.stringify(id)} is not an id`, field);
  return id;
}

export async function requireNetwork(tx: NetworkDb, id: string, names: NetworkNames, field: string) {
  const network = await tx.network.findUnique({ where: { id } });
  if (!network) throw userError(ErrorCode.UNKNOWN_NETWORK, `No ${names.field} ${id}`, field);
  return network;
}

/** The network a write's input names (`<field>Id`), once the viewer is known to be one of its editors. */
export function editedNetwork(input: Record<string, unknown>, names: NetworkNames, viewer: Viewer): string {
  const networkId = input[names.fields.networkId] as string;
  requireNetworkEditor(viewer, networkId);
  return networkId;
}

/** A link an initiative's input names: a co-organiser (a network) or a party (an actor), keyed as the database keys it. */
export interface NamedLink {
  role: string;
  targetType: string;
  targetId: string;
}

/** The key of a link, unique per initiative in the database (`initiative_link_initiative_id_role_target_type_target_id_key`). */
export const linkKey = (l: NamedLink) => `${l.role}/${l.targetType}/${l.targetId}`;

/**
 * The links an initiative's input names, checked (bounds, ids, the lead not its own co-organiser)
 * and keyed, a link named twice once. Shared by create and update, so both refuse alike.
 */
export function namedLinks(
  names: NetworkNames,
  leadId: string,
  input: Pick<InitiativeInput, 'coOrganisers' | 'parties'>,
): Map<string, NamedLink> {
  const coOrganisers = input.coOrganisers ?? [];
  const parties = input.parties ?? [];
  if (coOrganisers.length > MAX_CO_ORGANISERS)
    throw userError(ErrorCode.BAD_USER_INPUT, `at most ${MAX_CO_ORGANISERS} co-organisers`, 'coOrganisers');
  if (parties.length > MAX_PARTIES) throw userError(ErrorCode.BAD_USER_INPUT, `at most ${MAX_PARTIES} parties`, 'parties');
  const links = new Map<string, NamedLink>();
  for (const ref of coOrganisers) {
    const targetType = TYPE_OF_KIND[ref.kind];
    if (targetType === names.type && ref.id === leadId)
      throw userError(ErrorCode.BAD_USER_INPUT, 'the lead cannot also be a co-organiser', 'coOrganisers');
    const link = { role: 'CO_ORGANISER', targetType, targetId: reference(ref.id, 'coOrganisers') };
    links.set(linkKey(link), link);
  }
  for (const p of parties) {
    const link = { role: p.role, targetType: 'Actor', targetId: reference(p.actorId, 'parties') };
    links.set(linkKey(link), link);
  }
  return links;
}

/**
 * Writes are validated whole before the first row is written, and each runs in one transaction:
 * a refused input leaves the database as it was.
 */
export function mutations(names: NetworkNames) {
  const T = names.type;
  const networkField = names.fields.networkId;
  return {
    addMembership: async (
      _: unknown,
      { input, idempotencyKey }: { input: MembershipInput & Record<string, unknown>; idempotencyKey?: string | null },
      { db, viewer }: Ctx,
    ) => {
      const networkId = editedNetwork(input, names, viewer);
      const actorId = reference(input.actorId, 'actorId');
      const role = text(input.role, 'role', 200);
      assertDateRange(input.startDate, input.endDate);
      return createOnce(
        db,
        { key: idempotencyKey, operation: names.fields.addMembership, input },
        async (tx) => {
          await requireNetwork(tx, networkId, names, networkField);
          const existing: MembershipRow[] = await tx.membership.findMany({ where: { networkId, actorId, category: input.category } });
          const clash = existing.find((m) => overlaps(m, input));
          if (clash) {
            throw userError(
              ErrorCode.DUPLICATE_MEMBERSHIP,
              `Actor ${actorId} already has a ${input.category} membership of ${networkId} over that period (${clash.id})`,
              'actorId',
            );
          }
          const created = await tx.membership.create({
            data: {
              id: `${names.idPrefix}-m-${randomUUID()}`,
              networkId,
              actorId,
              category: input.category,
              role,
              startDate: input.startDate ?? null,
              endDate: input.endDate ?? null,
              sources: input.sources ?? [],
              ...enteredBy(viewer),
            },
          });
          await recordChanges(tx, [membershipChange(names, created)]);
          return created;
        },
        (tx, id) => tx.membership.findUnique({ where: { id } }),
      );
    },
    endMembership: async (_: unknown, { id, endDate }: { id: string; endDate: Date }, { db, viewer }: Ctx) =>
      db.$transaction(async (tx) => {
        const m: MembershipRow | null = await tx.membership.findUnique({ where: { id } });
        if (!m) throw userError(ErrorCode.NOT_FOUND, `No membership ${id}`, 'id');
        requireNetworkEditor(viewer, m.networkId);
        if (m.endDate) throw userError(ErrorCode.ALREADY_ENDED, `Membership ${id} already ended`, 'id');
        assertDateRange(m.startDate, endDate);
        // Conditional: of two ends at once, the second waits for the first's row lock, then finds
        // it ended (read committed re-checks the condition on the row it waited for). The end date is
        // the editor's word: the membership is from now on an entered fact (its sources kept).
        const { count } = await tx.membership.updateMany({ where: { id, endDate: null }, data: { endDate, ...enteredBy(viewer) } });
        if (count === 0) throw userError(ErrorCode.ALREADY_ENDED, `Membership ${id} already ended`, 'id');
        const ended = await required(tx.membership.findUnique({ where: { id } }), `membership ${id}`);
        await recordChanges(tx, [membershipChange(names, ended)]);
        return ended;
      }),
    createInitiative: async (
      _: unknown,
      { input, idempotencyKey }: { input: InitiativeInput & Record<string, unknown>; idempotencyKey?: string | null },
      { db, viewer, peers }: Ctx,
    ) => {
      const networkId = editedNetwork(input, names, viewer);
      const name = text(input.name, 'name', 300, true)!;
      assertDateRange(input.startDate, input.endDate);
      if (input.placeId && !getTerritory(input.placeId)) {
        throw userError(ErrorCode.UNKNOWN_TERRITORY, `placeId ${JSON.stringify(input.placeId)} is not a territory`, 'placeId');
      }
      const links = namedLinks(names, networkId, input);
      // Whom the proposer speaks for is asked before the transaction: it may need another kind's
      // subgraph (agreement.ts), and no pooled connection should wait on it. Its failure is raised
      // only if the initiative is to be created: a retry whose key already has an answer gets it.
      const actorIds = [...links.values()].filter((l) => l.targetType === 'Actor').map((l) => l.targetId);
      const spokenFor = await actorsSpokenFor(db, viewer, actorIds, peers).catch((err: unknown) => ({ failed: err }));
      return createOnce(
        db,
        { key: idempotencyKey, operation: names.fields.createInitiative, input },
        async (tx) => {
          if ('failed' in spokenFor) throw spokenFor.failed;
          await requireNetwork(tx, networkId, names, networkField);
          // Co-organisers of our own kind live in this database: check they exist. Those of other
          // subgraphs are entity references the gateway resolves.
          for (const l of links.values()) {
            if (l.targetType === T) await requireNetwork(tx, l.targetId, names, 'coOrganisers');
          }
          const id = `${names.idPrefix}-i-${randomUUID()}`;
          await tx.initiative.create({
            data: {
              id,
              networkId,
              kind: input.kind,
              status: input.status,
              name,
              description: text(input.description, 'description', 4000),
              startDate: input.startDate ?? null,
              endDate: input.endDate ?? null,
              dateNote: text(input.dateNote, 'dateNote', 200),
              placeId: input.placeId ?? null,
              venue: text(input.venue, 'venue', 300),
              sources: input.sources ?? [],
              ...enteredBy(viewer),
            },
          });
          if (links.size) {
            // Each link is a proposal unless the proposer speaks for the one it names (agreement.ts).
            await proposeLinks(tx, viewer, id, [...links.values()], spokenFor);
          }
          const created = await required(tx.initiative.findUnique({ where: { id } }), `initiative ${id}`);
          const written: LinkRow[] = await tx.initiativeLink.findMany({ where: { initiativeId: id }, orderBy: { id: 'asc' } });
          await recordChanges(tx, [initiativeChange(names, created, written)]);
          return created;
        },
        (tx, id) => tx.initiative.findUnique({ where: { id } }),
      );
    },
    setMemberListVisibility: async (
      _: unknown,
      { id, visibility }: { id: string; visibility: 'PUBLIC' | 'PRIVATE' },
      { db, viewer }: Ctx,
    ) => {
      requireNetworkEditor(viewer, id);
      return db.$transaction(async (tx) => {
        const before = await requireNetwork(tx, id, names, 'id');
        const updated = await tx.network.update({ where: { id }, data: { membersPublic: visibility === 'PUBLIC' } });
        await recordChanges(tx, [networkChange(names, updated, before.membersPublic === updated.membersPublic ? [] : ['membersPublic'])]);
        return updated;
      });
    },
  };
}
