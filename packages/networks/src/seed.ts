import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getTerritory, normaliseText, reachOf } from '@maillage/reference';
import { recordChanges } from '@maillage/db';
import { reseedChange } from './changes';
import { TYPE_OF_KIND } from './names';
import type { NetworkDb } from './rows';

interface SeedNetwork {
  id: string;
  subtype: string;
  name: string;
  shortName?: string;
  description?: string;
  actorId?: string;
  parentId?: string;
  predecessorId?: string;
  scope: string[];
  startDate?: string;
  endDate?: string;
  reportedMemberCount?: { count: number; asOf?: string; note?: string };
  website?: string;
  details?: Record<string, unknown>;
  sources: string[];
}
interface SeedMembership {
  id: string;
  networkId: string;
  actorId: string;
  category: string;
  role?: string;
  startDate?: string;
  endDate?: string;
  sources?: string[];
}
interface SeedInitiative {
  id: string;
  networkId: string;
  kind: string;
  status: string;
  name: string;
  description?: string;
  startDate?: string;
  endDate?: string;
  dateNote?: string;
  placeId?: string;
  venue?: string;
  reportedParticipantCount?: number;
  coOrganisers?: { kind: keyof typeof TYPE_OF_KIND; id: string }[];
  parties?: { actorId: string; role: 'PARTNER' | 'PARTICIPANT' }[];
  sources?: string[];
}

const date = (s?: string) => (s ? new Date(`${s}T00:00:00Z`) : null);

function read<T>(dir: string, file: string): T[] {
  try {
    return JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function check(ok: boolean, where: string, message: string) {
  if (!ok) throw new Error(`seed ${where}: ${message}`);
}

/**
 * Loads a network subgraph's seed files (networks.json, memberships.json, initiatives.json) in one
 * transaction. Idempotent: rows are upserted by id, an initiative's links replaced as a whole.
 */
export async function seedNetworks(db: NetworkDb, seedDir: string, log: (msg: string) => void): Promise<void> {
  const networks = read<SeedNetwork>(seedDir, 'networks.json');
  const memberships = read<SeedMembership>(seedDir, 'memberships.json');
  const initiatives = read<SeedInitiative>(seedDir, 'initiatives.json');
  for (const n of networks) for (const t of n.scope) check(!!getTerritory(t), `networks.json ${n.id}`, `unknown territory ${t}`);
  for (const i of initiatives)
    if (i.placeId) check(!!getTerritory(i.placeId), `initiatives.json ${i.id}`, `unknown territory ${i.placeId}`);
  for (const m of memberships) {
    check(!m.startDate || !m.endDate || m.startDate <= m.endDate, `memberships.json ${m.id}`, 'ends before it starts');
  }

  const seededAt = new Date();
  await db.$transaction(
    async (tx) => {
      // Networks first without their links to each other, so order in the file does not matter.
      for (const n of networks) {
        const data = {
          subtype: n.subtype,
          name: n.name,
          shortName: n.shortName ?? null,
          searchName: normaliseText(`${n.name} ${n.shortName ?? ''}`),
          description: n.description ?? null,
          actorId: n.actorId ?? null,
          scope: n.scope,
          reach: reachOf(n.scope),
          startDate: date(n.startDate),
          endDate: date(n.endDate),
          reportedMemberCount: n.reportedMemberCount?.count ?? null,
          reportedMemberAsOf: date(n.reportedMemberCount?.asOf),
          reportedMemberNote: n.reportedMemberCount?.note ?? null,
          website: n.website ?? null,
          details: n.details ?? {},
          sources: n.sources,
        };
        await tx.network.upsert({ where: { id: n.id }, create: { id: n.id, ...data }, update: data });
      }
      for (const n of networks) {
        await tx.network.update({ where: { id: n.id }, data: { parentId: n.parentId ?? null, predecessorId: n.predecessorId ?? null } });
      }
      for (const m of memberships) {
        const data = {
          networkId: m.networkId,
          actorId: m.actorId,
          category: m.category,
          role: m.role ?? null,
          startDate: date(m.startDate),
          endDate: date(m.endDate),
          sources: m.sources ?? [],
        };
        await tx.membership.upsert({ where: { id: m.id }, create: { id: m.id, ...data }, update: data });
      }
      for (const i of initiatives) {
        const data = {
          networkId: i.networkId,
          kind: i.kind,
          status: i.status,
          name: i.name,
          description: i.description ?? null,
          startDate: date(i.startDate),
          endDate: date(i.endDate),
          dateNote: i.dateNote ?? null,
          placeId: i.placeId ?? null,
          venue: i.venue ?? null,
          reportedParticipantCount: i.reportedParticipantCount ?? null,
          sources: i.sources ?? [],
        };
        await tx.initiative.upsert({ where: { id: i.id }, create: { id: i.id, ...data }, update: data });
        await tx.initiativeLink.deleteMany({ where: { initiativeId: i.id } });
        // The co-organisers and parties of an initiative a source states (a press article, the
        // network's own site) are stated by that source: confirmed. Without a source, a seeded link
        // is a proposal like any other until the one it names decides.
        const agreement = i.sources?.length
          ? { status: 'CONFIRMED', proposedBy: 'source', decidedBy: 'source', decidedAt: seededAt }
          : { status: 'PROPOSED', proposedBy: 'seed' };
        const links = [
          ...(i.coOrganisers ?? []).map((c) => ({ role: 'CO_ORGANISER', targetType: TYPE_OF_KIND[c.kind], targetId: c.id })),
          ...(i.parties ?? []).map((p) => ({ role: p.role, targetType: 'Actor', targetId: p.actorId })),
        ];
        if (links.length) {
          await tx.initiativeLink.createMany({
            data: links.map((l, k) => ({ id: `${i.id}-${k}`, initiativeId: i.id, ...l, ...agreement })),
          });
        }
      }
      await recordChanges(tx, [reseedChange]);
    },
    { timeout: 60_000 },
  );
  log(`seeded ${networks.length} networks, ${memberships.length} memberships, ${initiatives.length} initiatives`);
}
