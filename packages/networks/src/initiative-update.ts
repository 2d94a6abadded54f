import { assertDateRange, ErrorCode, userError } from '@maillage/errors';
import { requireNetworkEditor, requireScope, Scope } from '@maillage/viewer';
import { recordChanges } from '@maillage/db';
import { getTerritory } from '@maillage/reference';
import { actorsSpokenFor, proposeLinks } from './agreement';
import { initiativeChange } from './changes';
import type { NetworkContext } from './loaders';
import { linkKey, namedLinks, requireNetwork, text, type InitiativeInput, type NamedLink } from './mutations';
import type { NetworkNames } from './names';
import { enteredBy, lockInitiative, type InitiativeRow, type LinkRow, type NetworkDb } from './rows';

/**
 * `update<Type>Initiative(id, input)`: the fields given change, the others stay. A nullable field
 * given as null is cleared; `coOrganisers` and `parties`, when given, replace the links of their
 * role (docs/architecture.md, "Agreed links"):
 * - a link newly named is a proposal under the rule of a creation (`initialStatuses`: agreed at once
 *   when the editor speaks for the one named);
 * - a link named again keeps its agreement: a confirmed co-organiser stays confirmed;
 * - a proposed or confirmed link no longer named is removed;
 * - a declined link stays as it is, named or not: a decline is the named side's word and final for
 *   that link, so removing and naming it again cannot propose it a second time.
 */
export type InitiativeChanges = Partial<
  Pick<InitiativeInput, 'description' | 'startDate' | 'endDate' | 'dateNote' | 'placeId' | 'venue' | 'coOrganisers' | 'parties'>
> & {
  // Given as null, these are refused (they cannot be cleared): GraphQL lets a client send it.
  kind?: string | null;
  status?: string | null;
  name?: string | null;
  sources?: string[] | null;
};

/** The editable columns of an initiative, as an update writes them. */
type Columns = Pick<
  InitiativeRow,
  'kind' | 'status' | 'name' | 'description' | 'startDate' | 'endDate' | 'dateNote' | 'placeId' | 'venue' | 'sources'
>;

const CO = ['CO_ORGANISER'];
const PARTY = ['PARTNER', 'PARTICIPANT'];

const same = (a: unknown, b: unknown): boolean => {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
};

/**
 * The columns the input changes, validated, against the row as it is: only those that differ, so
 * that an update sent again (a client's retry after a lost answer) finds nothing to change.
 * graphql-js leaves out of `input` the fields a client did not give, and passes null for those it
 * gave as null: the first keep their value, the second clear it, or are refused where the column
 * cannot be empty.
 */
export function changedColumns(current: Columns, input: InitiativeChanges): Partial<Columns> {
  const given = (k: keyof InitiativeChanges) => Object.prototype.hasOwnProperty.call(input, k);
  for (const k of ['kind', 'status', 'name'] as const)
    if (given(k) && input[k] == null) throw userError(ErrorCode.BAD_USER_INPUT, `${k} cannot be cleared`, k);
  const next: Columns = { ...current };
  if (given('kind')) next.kind = input.kind!;
  if (given('status')) next.status = input.status!;
  if (given('name')) next.name = text(input.name, 'name', 300, true)!;
  if (given('description')) next.description = text(input.description, 'description', 4000);
  if (given('startDate')) next.startDate = input.startDate ?? null;
  if (given('endDate')) next.endDate = input.endDate ?? null;
  if (given('dateNote')) next.dateNote = text(input.dateNote, 'dateNote', 200);
  if (given('placeId')) {
    if (input.placeId && !getTerritory(input.placeId))
      throw userError(ErrorCode.UNKNOWN_TERRITORY, `placeId ${JSON.stringify(input.placeId)} is not a territory`, 'placeId');
    next.placeId = input.placeId ?? null;
  }
  if (given('venue')) next.venue = text(input.venue, 'venue', 300);
  if (given('sources')) next.sources = input.sources ?? [];
  // The period as it will be, whichever bound the input moves: the initiative_dates_check constraint's rule.
  assertDateRange(next.startDate, next.endDate);
  const changed: Partial<Columns> = {};
  for (const k of Object.keys(next) as (keyof Columns)[]) if (!same(next[k], current[k])) (changed as Record<string, unknown>)[k] = next[k];
  return changed;
}

/** What an update does to the links of the roles it names (the rule above). */
export interface LinkPlan {
  /** Links no longer named, proposed or confirmed: deleted. */
  remove: LinkRow[];
  /** Links named for the first time: their status is the agreement rule's. */
  add: NamedLink[];
}

export function planLinks(current: LinkRow[], wanted: Map<string, NamedLink>, roles: string[]): LinkPlan {
  const held = new Map(current.filter((l) => roles.includes(l.role)).map((l) => [linkKey(l), l]));
  return {
    remove: [...held.values()].filter((l) => l.status !== 'DECLINED' && !wanted.has(linkKey(l))),
    add: [...wanted.entries()].filter(([key, l]) => roles.includes(l.role) && !held.has(key)).map(([, l]) => l),
  };
}

export function initiativeUpdates(names: NetworkNames) {
  const T = names.type;
  return {
    updateInitiative: async (
      _: unknown,
      { id, input }: { id: string; input: InitiativeChanges },
      { db, viewer, peers }: NetworkContext,
    ) => {
      requireScope(viewer, Scope.networkEdit, Scope.admin);
      const given = (k: keyof InitiativeChanges) => Object.prototype.hasOwnProperty.call(input, k);
      // Whom the editor speaks for among the parties newly named is asked before the transaction,
      // as on creation: it may need another kind's subgraph (agreement.ts), and no pooled connection
      // should wait on it. A party that turns out new only under the lock (a link removed meanwhile)
      // is not in the answer, so it is a proposal: the safe side.
      const named = input.parties ?? [];
      const already = named.length ? await db.initiativeLink.findMany({ where: { initiativeId: id, targetType: 'Actor' } }) : [];
      const newIds = [
        ...new Set(named.filter((p) => !already.some((l) => l.targetId === p.actorId && l.role === p.role)).map((p) => p.actorId)),
      ];
      const spokenFor = newIds.length ? await actorsSpokenFor(db, viewer, newIds, peers) : new Set<string>();
      return db.$transaction(async (tx: NetworkDb) => {
        // The initiative's row lock orders this update with any other write of its links (another
        // update, a confirmation): each reads the links as the previous one left them.
        await lockInitiative(tx, id);
        const current = await tx.initiative.findUnique({ where: { id } });
        if (!current) throw userError(ErrorCode.NOT_FOUND, `No ${names.field} initiative ${id}`, 'id');
        requireNetworkEditor(viewer, current.networkId);
        const columns = changedColumns(current, input);
        // The lead stays the lead: the organiser is the owner of the row, not an editable field.
        const wanted = namedLinks(names, current.networkId, { coOrganisers: input.coOrganisers, parties: input.parties });
        const links: LinkRow[] = await tx.initiativeLink.findMany({ where: { initiativeId: id }, orderBy: { id: 'asc' } });
        const roles = [...(given('coOrganisers') ? CO : []), ...(given('parties') ? PARTY : [])];
        const plan = planLinks(links, wanted, roles);
        if (!Object.keys(columns).length && !plan.remove.length && !plan.add.length) return current;

        for (const l of plan.add) if (l.targetType === T) await requireNetwork(tx, l.targetId, names, 'coOrganisers');
        // Whatever the update changes, the initiative is from now on the editor's word.
        const updated = await tx.initiative.update({ where: { id }, data: { ...columns, ...enteredBy(viewer) } });
        if (plan.remove.length) await tx.initiativeLink.deleteMany({ where: { id: { in: plan.remove.map((l) => l.id) } } });
        if (plan.add.length) await proposeLinks(tx, viewer, id, plan.add, spokenFor);
        const after: LinkRow[] = await tx.initiativeLink.findMany({ where: { initiativeId: id }, orderBy: { id: 'asc' } });
        await recordChanges(tx, [initiativeChange(names, updated, after)]);
        return updated;
      });
    },
  };
}
