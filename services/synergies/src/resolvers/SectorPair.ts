import type { SectorPairResolvers } from '../generated/resolvers';
import { networkRef } from '../references';

export const SectorPair: SectorPairResolvers = {
  networkA: (p) => networkRef(p.engine, p.a),
  networkB: (p) => networkRef(p.engine, p.b),
  sharedCount: (p) => p.shared,
  sectorLinks: (p) => p.engine.sectorLinks(p.a, p.b, p.view),
};
