import { randomUUID } from 'node:crypto';
import { assertDateRange, ErrorCode, userError } from '@maillage/errors';
import { forbidden, type Viewer } from '@maillage/viewer';
import { createOnce, recordChanges } from '@maillage/db';
import { enteredBy } from '@maillage/reference';
import { actorChange, roleChange } from '../changes';
import type { Context } from '../context';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { ActorKind } from '../generated/prisma/enums';
import { actorColumns, type ActorFields } from '../validation';
import type { MutationResolvers } from '../generated/resolvers-types';

type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Refuses an identifier another actor already has, naming the field, before anything is written. */
async function assertIdentifiersFree(tx: Tx, data: Record<string, unknown>, selfId?: string) {
  for (const field of ['siren', 'siret', 'rna'] as const) {
    const value = data[field] as string | null | undefined;
    if (!value) continue;
    const other = await tx.actor.findFirst({
      where: { [field]: value, ...(selfId ? { NOT: { id: selfId } } : {}) },
      select: { id: true, name: true },
    });
    if (other) throw userError(ErrorCode.DUPLICATE_IDENTIFIER, `${field} ${value} already belongs to ${other.name} (${other.id})`, field);
  }
}

/** Admins change any actor; an editor changes the actors it created (its token's subject). */
function requireActorEditor(viewer: Viewer, actor: { id: string; createdBy: string | null }) {
  if (viewer.role === 'admin') return;
  if (!viewer.subject || actor.createdBy !== viewer.subject) throw forbidden(`You may change only the actors you created, not ${actor.id}`);
}

export const Mutation: MutationResolvers = {
  createActor: async (
    _: unknown,
    { input, idempotencyKey }: { input: ActorFields & { kind: ActorKind; name: string }; idempotencyKey?: string | null },
    { prisma, viewer }: Context,
  ) => {
    const data = { ...actorColumns(input), createdBy: viewer.subject ?? null, ...enteredBy(viewer) };
    return createOnce(
      prisma,
      { key: idempotencyKey, operation: 'createActor', input },
      async (tx) => {
        await assertIdentifiersFree(tx, data);
        const created = await tx.actor.create({ data: { id: `act-${randomUUID()}`, ...data } as Prisma.ActorCreateInput });
        await recordChanges(tx, [actorChange(created)]);
        return created;
      },
      (tx, id) => tx.actor.findUnique({ where: { id } }),
    );
  },
  updateActor: async (_: unknown, { id, input }: { id: string; input: ActorFields }, { prisma, viewer }: Context) =>
    prisma.$transaction(async (tx) => {
      const current = await tx.actor.findUnique({ where: { id } });
      if (!current) throw userError(ErrorCode.NOT_FOUND, `No actor ${id}`, 'id');
      requireActorEditor(viewer, current);
      // The editor's word now stands for the actor's facts: entered, by whom, when.
      const data = { ...actorColumns(input, current), ...enteredBy(viewer) };
      await assertIdentifiersFree(tx, data, id);
      const updated = await tx.actor.update({ where: { id }, data });
      await recordChanges(tx, [actorChange(updated)]);
      return updated;
    }),
  addRole: async (
    _: unknown,
    {
      input,
      idempotencyKey,
    }: {
      input: {
        personId: string;
        organisationId: string;
        title: string;
        startDate?: Date | null;
        endDate?: Date | null;
        sources?: string[] | null;
      };
      idempotencyKey?: string | null;
    },
    { prisma, viewer }: Context,
  ) => {
    const title = input.title.trim();
    if (!title || title.length > 200) throw userError(ErrorCode.BAD_USER_INPUT, 'title must be 1 to 200 characters', 'title');
    assertDateRange(input.startDate, input.endDate);
    return createOnce(
      prisma,
      { key: idempotencyKey, operation: 'addRole', input },
      async (tx) => {
        const [person, organisation] = await Promise.all([
          tx.actor.findUnique({ where: { id: input.personId } }),
          tx.actor.findUnique({ where: { id: input.organisationId } }),
        ]);
        if (!person || person.kind !== 'PERSON') throw userError(ErrorCode.UNKNOWN_ACTOR, `No person ${input.personId}`, 'personId');
        if (!organisation || organisation.kind === 'PERSON')
          throw userError(ErrorCode.UNKNOWN_ACTOR, `No organisation ${input.organisationId}`, 'organisationId');
        // Roles are recorded by whoever may change the organisation.
        requireActorEditor(viewer, organisation);
        const created = await tx.role.create({
          data: {
            id: `role-${randomUUID()}`,
            personId: person.id,
            organisationId: organisation.id,
            title,
            startDate: input.startDate ?? null,
            endDate: input.endDate ?? null,
            sources: input.sources ?? [],
            ...enteredBy(viewer),
          },
        });
        await recordChanges(tx, [roleChange(created)]);
        return created;
      },
      (tx, id) => tx.role.findUnique({ where: { id } }),
    );
  },
  endRole: async (_: unknown, { id, endDate }: { id: string; endDate: Date }, { prisma, viewer }: Context) =>
    prisma.$transaction(async (tx) => {
      const role = await tx.role.findUnique({ where: { id }, include: { organisation: { select: { id: true, createdBy: true } } } });
      if (!role) throw userError(ErrorCode.NOT_FOUND, `No role ${id}`, 'id');
      requireActorEditor(viewer, role.organisation);
      if (role.endDate) throw userError(ErrorCode.ALREADY_ENDED, `Role ${id} already ended`, 'id');
      assertDateRange(role.startDate, endDate);
      // Conditional, so that of two ends at once the second finds the role ended (see endMembership).
      const { count } = await tx.role.updateMany({ where: { id, endDate: null }, data: { endDate, ...enteredBy(viewer) } });
      if (count === 0) throw userError(ErrorCode.ALREADY_ENDED, `Role ${id} already ended`, 'id');
      const ended = await tx.role.findUniqueOrThrow({ where: { id } });
      await recordChanges(tx, [roleChange(ended)]);
      return ended;
    }),
};
