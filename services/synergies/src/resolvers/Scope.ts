import { isoOfDay } from '@maillage/synergy';
import type { ScopeResolvers } from '../generated/resolvers';
import { territoryRef } from '../references';

export const Scope: ScopeResolvers = {
  territory: (s) => (s.territoryId ? territoryRef(s.territoryId) : null),
  from: (s) => isoOfDay(s.from),
  to: (s) => isoOfDay(s.to),
  snapshotTakenAt: (s) => s.engine.takenAt,
};
