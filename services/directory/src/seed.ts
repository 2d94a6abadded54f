import { recordChanges } from '@maillage/db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getTerritory, reachOf, seedProvenance, type SeedProvenance } from '@maillage/reference';
import type { Prisma, PrismaClient } from './generated/prisma/client';
import type { ActorKind } from './generated/prisma/enums';
import { actorColumns, type ActorFields } from './validation';

interface SeedActor extends Omit<ActorFields, 'foundedOn' | 'closedOn'> {
  id: string;
  kind: ActorKind;
  name: string;
  foundedOn?: string;
  closedOn?: string;
  provenance?: SeedProvenance;
}
interface SeedRole {
  id: string;
  personId: string;
  organisationId: string;
  title: string;
  startDate?: string;
  endDate?: string;
  sources?: string[];
  provenance?: SeedProvenance;
}
interface SeedIndicator {
  id: string;
  kind: 'GROWTH_FORECAST';
  label: string;
  areaName: string;
  scope: string[];
  value: number;
  unit: string;
  period: string;
  rank?: number;
  rankNote?: string;
  authorId?: string;
  sources: string[];
  provenance?: SeedProvenance;
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
  const indicators = readSeed<SeedIndicator>('indicators.json');
  // Every record cites a public source (or names the rule it is derived by): checked before writing.
  const provenance = new Map<string, ReturnType<typeof seedProvenance>>();
  for (const a of actors) provenance.set(a.id, seedProvenance(`actors.json ${a.id}`, a.sources ?? undefined, a.provenance));
  for (const r of roles) provenance.set(r.id, seedProvenance(`roles.json ${r.id}`, r.sources, r.provenance));
  for (const i of indicators) {
    provenance.set(i.id, seedProvenance(`indicators.json ${i.id}`, i.sources, i.provenance));
    for (const t of i.scope) if (!getTerritory(t)) throw new Error(`seed indicators.json ${i.id}: unknown territory ${t}`);
  }
  await prisma.$transaction(
    async (tx) => {
      for (const { id, provenance: _, ...fields } of actors) {
        let data;
        try {
          data = actorColumns({ ...fields, foundedOn: date(fields.foundedOn), closedOn: date(fields.closedOn) });
        } catch (err) {
          throw new Error(`seed/actors.json ${id}: ${(err as Error).message}`);
        }
        const columns = { ...data, ...provenance.get(id)! };
        await tx.actor.upsert({ where: { id }, create: { id, ...columns } as Prisma.ActorCreateInput, update: columns });
      }
      for (const r of roles) {
        const data = {
          personId: r.personId,
          organisationId: r.organisationId,
          title: r.title,
          startDate: date(r.startDate),
          endDate: date(r.endDate),
          sources: r.sources ?? [],
          ...provenance.get(r.id)!,
        };
        await tx.role.upsert({ where: { id: r.id }, create: { id: r.id, ...data }, update: data });
      }
      for (const { id, provenance: _, ...i } of indicators) {
        const data = {
          ...i,
          rank: i.rank ?? null,
          rankNote: i.rankNote ?? null,
          authorId: i.authorId ?? null,
          reach: reachOf(i.scope),
          ...provenance.get(id)!,
        };
        await tx.indicator.upsert({ where: { id }, create: { id, ...data }, update: data });
      }
      // Rows change wholesale here: followers of the log read everything again.
      await recordChanges(tx, [{ entityType: '*', entityId: '*', op: 'RESEED' }]);
    },
    { timeout: 60_000 },
  );
  log(`seeded ${actors.length} actors, ${roles.length} roles, ${indicators.length} indicators`);
}
