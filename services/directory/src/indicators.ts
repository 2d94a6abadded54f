import { ancestorsOf } from '@maillage/reference';
import type { Indicator, PrismaClient } from './generated/prisma/client';

/** What `Territory.indicators` and `Query.indicators` filter on. */
export interface IndicatorKey {
  territoryId: string;
  kind: string | null;
}

/**
 * A territory's indicators: those of an area it contains or is (the territory is in the figure's
 * reach), and those of an area it lies in (one of its ancestors is in the figure's scope): a figure
 * for the former Midi-Pyrénées is listed for Occitanie, for the Aveyron and for Millau.
 */
export function indicatorsOf(rows: Indicator[], key: IndicatorKey): Indicator[] {
  const above = new Set(ancestorsOf(key.territoryId).map((t) => t.id));
  return rows.filter(
    (r) => (!key.kind || r.kind === key.kind) && (r.reach.includes(key.territoryId) || r.scope.some((id) => above.has(id))),
  );
}

/** One statement for every territory of a batch (a list of territories each asking for its indicators). */
export async function loadIndicators(prisma: PrismaClient, keys: readonly IndicatorKey[]): Promise<Indicator[][]> {
  const ids = [...new Set(keys.map((k) => k.territoryId))];
  const above = [...new Set(ids.flatMap((id) => ancestorsOf(id).map((t) => t.id)))];
  const rows = await prisma.indicator.findMany({
    where: { OR: [{ reach: { hasSome: ids } }, ...(above.length ? [{ scope: { hasSome: above } }] : [])] },
    orderBy: [{ period: 'asc' }, { id: 'asc' }],
  });
  return keys.map((k) => indicatorsOf(rows, k));
}
