import { nafDivision } from '@maillage/reference';
import { intersect, type View } from '../scope';
import { coParticipationMap } from './co-participation';
import { round } from './memo';
import { scanPairs, type NetworkPair, type RankedPair } from './pairs';
import { sectorLinks, type DivisionLink } from './sectors';

export interface ReportPair extends NetworkPair {
  score: number;
  sharedMembers: number[];
  sectorLinks: DivisionLink[];
  initiatives: number[];
  /** Members of both, or members of one who share a third network with a member of the other. */
  introducers: number[];
  /** Why, as data a client can word in its own language; each says it in English in `text`. */
  why: Reason[];
  /** The English texts of `why`, in order. */
  reasons: string[];
}

export type ReasonCode =
  'SHARED_MEMBERS' | 'COMPLEMENTARY_SECTORS' | 'SIMILAR_SECTORS' | 'JOINT_INITIATIVES' | 'NO_JOINT_INITIATIVE' | 'INTRODUCERS';

/** One reason: its code and what it names (actor and initiative indices, division couples). */
export interface Reason {
  code: ReasonCode;
  text: string;
  /** How many in all (the lists name the first few); 0 for NO_JOINT_INITIATIVE. */
  count: number;
  actors: number[];
  sectorLinks: DivisionLink[];
  initiatives: number[];
  /** SIMILAR_SECTORS: the cosine of the two profiles, rounded as the text gives it. */
  similarity: number | null;
}

export interface SynergyReport {
  networks: number;
  members: number;
  pairs: ReportPair[];
}

/**
 * The pairs of networks most worth bringing together in a scope. A pair's potential is what its
 * sector profiles promise (complementarity, similarity at half weight) and how close its members
 * already are (Jaccard index at half weight); shared members make the introduction easy and raise
 * it; joint initiatives already held lower it (they work together already).
 * score = (complementarity + (similarity + jaccard) / 2) × (1 + ln(1 + shared)) / (1 + coParticipation)
 */
export function report(view: View, first = 10): SynergyReport {
  const top = scanPairs(
    view,
    (p, jaccard) => ((p.complementarity + (p.similarity + jaccard) / 2) * (1 + Math.log1p(p.shared))) / (1 + p.coParticipation),
    Math.max(1, first),
  );
  const co = coParticipationMap(view);
  const pairs = top.map((p) => explain(view, p, co.get(view.pairKey(p.a, p.b))?.initiatives ?? []));
  return { networks: view.networks.length, members: view.actorNetworks.size, pairs };
}

const divisionLabel = (d: number) => `${String(d).padStart(2, '0')} ${nafDivision(String(d).padStart(2, '0'))?.label ?? ''}`.trim();
const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

function explain(view: View, p: RankedPair, initiatives: number[]): ReportPair {
  const { ix } = view;
  const sharedMembers = intersect(view.members[p.a], view.members[p.b]).sort(
    (x, y) => (view.actorNetworks.get(y)?.length ?? 0) - (view.actorNetworks.get(x)?.length ?? 0),
  );
  const introducers = sharedMembers.length ? sharedMembers.slice(0, 5) : introducersOf(view, p.a, p.b);
  const links = sectorLinks(view, p.a, p.b);
  const name = (a: number) => ix.actors[a].name;
  const why: Reason[] = [];
  const reason = (code: ReasonCode, text: string, more: Partial<Omit<Reason, 'code' | 'text'>>) =>
    why.push({ code, text, count: 0, actors: [], sectorLinks: [], initiatives: [], similarity: null, ...more });
  if (sharedMembers.length) {
    const named = sharedMembers.slice(0, 5);
    reason('SHARED_MEMBERS', `${plural(sharedMembers.length, 'shared member')}: ${named.map(name).join(', ')}`, {
      count: sharedMembers.length,
      actors: named,
    });
  }
  if (links.length)
    reason(
      'COMPLEMENTARY_SECTORS',
      `complementary sectors: ${links.map((l) => `${divisionLabel(l.a)} ↔ ${divisionLabel(l.b)}`).join('; ')}`,
      {
        count: links.length,
        sectorLinks: links,
      },
    );
  else if (p.similarity > 0) {
    const cosine = p.similarity.toFixed(2);
    reason('SIMILAR_SECTORS', `similar sector profiles (cosine ${cosine})`, { similarity: Number(cosine) });
  }
  if (initiatives.length) {
    const named = initiatives.slice(0, 3);
    reason('JOINT_INITIATIVES', `${plural(initiatives.length, 'joint initiative')} already: ${named.map((i) => ix.iName[i]).join(', ')}`, {
      count: initiatives.length,
      initiatives: named,
    });
  } else reason('NO_JOINT_INITIATIVE', 'no joint initiative yet', {});
  if (!sharedMembers.length && introducers.length) {
    const named = introducers.slice(0, 3);
    reason('INTRODUCERS', `could be introduced by ${named.map(name).join(', ')}, who share a network with members of both`, {
      count: introducers.length,
      actors: named,
    });
  }
  const reasons = why.map((r) => r.text);
  return { ...p, score: round(p.score), sharedMembers, sectorLinks: links, initiatives, introducers, why, reasons };
}

/** Members of A in a third network with a member of B, and members of B in a third with one of A. */
function introducersOf(view: View, a: number, b: number, limit = 5): number[] {
  const shared = view.sharedCounts();
  const out: number[] = [];
  for (const [from, to] of [
    [a, b],
    [b, a],
  ]) {
    for (const x of view.members[from]) {
      if (out.length >= limit) return out;
      const nets = view.actorNetworks.get(x) ?? [];
      if (nets.some((c) => c !== from && c !== to && (shared.get(view.pairKey(c, to)) ?? 0) > 0) && !out.includes(x)) out.push(x);
    }
  }
  return out;
}
