import { getTerritory, provenanceOf } from '@maillage/reference';
import type { Context } from '../context';
import type { Indicator as IndicatorRow } from '../generated/prisma/client';
import type { IndicatorResolvers } from '../generated/resolvers-types';

/** `Indicator`: a figure a source states about an area, its author an actor of this directory. */
export const Indicator: IndicatorResolvers = {
  scope: (i: IndicatorRow) => i.scope.flatMap((id) => getTerritory(id) ?? []),
  author: (i: IndicatorRow, _: unknown, { loaders }: Context) => (i.authorId ? loaders.actor.load(i.authorId) : null),
  provenance: provenanceOf,
};
