import { recordChanges } from '@maillage/db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Prisma, PrismaClient } from './generated/prisma/client';
import type { ActorKind } from './generated/prisma/enums';
import { actorColumns, type ActorFields } from './validation';

interface SeedActor extends Omit<ActorFields, 'foundedOn' | 'closedOn'> {
  id: string;
  kind: ActorKind;
  name: string;
  foundedOn?: string;
  closedOn?: string;
}
interface SeedRole {
  id: string;
  personId: string;
  organisationId: string;
  title: string;
  startDate?: string;
  endDate?: string;
  sources?: string[];
}

const readSeed = <T>(file: string): T[] => JSON.parse(readFileSync(path.join(__dirname, '../seed', file), 'utf8'));
const date = (s?: string) => (s ? new Date(`${s}T00:00:00Z`) : null);

/**
 * Upserts the actors and roles the seed articles name. Seed rows go through the same validation
 * as the API's input, so a wrong SIREN or commune in a data file fails the seed loudly.
 */
export async function seed(prisma: PrismaClient, log: (msg: string) => void = console.log): Promise<void> {
  const actors = readSeed<SeedActor>('actors.json');
  const roles = readSeed<SeedRole>('roles.json');
  await prisma.$transaction(
    async (tx) => {
      for (const { id, ...fields } of actors) {
        let data;
        try {
          data = actorColumns({ ...fields, foundedOn: date(fields.foundedOn), closedOn: date(fields.closedOn) });
        } catch (err) {
          throw new Error(`seed/actors.json ${id}: ${(err as Error).message}`);
        }
        await tx.actor.upsert({ where: { id }, create: { id, ...data } as Prisma.ActorCreateInput, update: data });
      }
      for (const r of roles) {
        const data = {
          personId: r.personId,
          organisationId: r.organisationId,
          title: r.title,
          startDate: date(r.startDate),
          endDate: date(r.endDate),
          sources: r.sources ?? [],
        };
        await tx.role.upsert({ where: { id: r.id }, create: { id: r.id, ...data }, update: data });
      }
      // Rows change wholesale here: followers of the log read everything again.
      await recordChanges(tx, [{ entityType: '*', entityId: '*', op: 'RESEED' }]);
    },
    { timeout: 60_000 },
  );
  log(`seeded ${actors.length} actors, ${roles.length} roles`);
}
