import { isoOfDay } from '@maillage/synergy';
import type { InitiativeSummaryResolvers } from '../generated/resolvers';
import { networkRef } from '../references';

export const InitiativeSummary: InitiativeSummaryResolvers = {
  id: ({ engine, initiative }) => engine.ix.iId[initiative],
  name: ({ engine, initiative }) => engine.ix.iName[initiative],
  startDate: ({ engine: { ix }, initiative }) => (Number.isNaN(ix.iStart[initiative]) ? null : isoOfDay(ix.iStart[initiative])),
  organiser: ({ engine, initiative }) => networkRef(engine, engine.ix.iOrganisers[initiative][0]),
};
