import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getTerritory, normaliseText, reachOf, seedProvenance, type SeedProvenance } from '@maillage/reference';
import { recordChanges } from '@maillage/db';
import { reseedChange } from './changes';
import { TYPE_OF_KIND } from './names';
import type { NetworkDb, NetworkNameEntry } from './rows';

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
  names?: NetworkNameEntry[];
  sources: string[];
  provenance?: SeedProvenance;
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
  provenance?: SeedProvenance;
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
  provenance?: SeedProvenance;
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

/** A network's names over time, checked: dated in order, the current name last. */
function seedNames(n: SeedNetwork): NetworkNameEntry[] {
  const names = n.names ?? [];
  if (!names.length) return [];
  const where = `networks.json ${n.id}`;
  check(names[names.length - 1].name === n.name, where, 'the last of names is the current name');
  for (let k = 1; k < names.length; k++) {
    const before = names[k - 1].to;
    const from = names[k].from;
    check(!!before && !!from && before < from, where, `names[${k}] starts after names[${k - 1}] ends`);
  }
  for (const e of names) seedProvenance(`${where} name ${e.name}`, e.sources, undefined);
  return names;
}

export { INTERNAL_SOURCE, seedProvenance } from '@maillage/reference';

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
  const provenance = new Map<string, ReturnType<typeof seedProvenance>>();
  for (const n of networks) provenance.set(n.id, seedProvenance(`networks.json ${n.id}`, n.sources, n.provenance));
  for (const m of memberships) provenance.set(m.id, seedProvenance(`memberships.json ${m.id}`, m.sources, m.provenance));
  for (const i of initiatives) provenance.set(i.id, seedProvenance(`initiatives.json ${i.id}`, i.sources, i.provenance));
  const names = new Map(networks.map((n) => [n.id, seedNames(n)]));

  const seededAt = new Date();
  await db.$transaction(
    async (tx) => {
      // Networks first without their links to each other, so order in the file does not matter.
      for (const n of networks) {
        const data = {
          subtype: n.subtype,
          name: n.name,
          shortName: n.shortName ?? null,
          // Former names too: a 2017 article's « CCI Marseille-Provence » still finds the CCIAMP.
          searchName: normaliseText(
            [n.name, n.shortName, ...(n.names ?? []).flatMap((e) => [e.name, e.shortName])].filter(Boolean).join(' '),
          ),
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
          names: names.get(n.id) ?? [],
          ...provenance.get(n.id)!,
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
          ...provenance.get(m.id)!,
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
          ...provenance.get(i.id)!,
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
