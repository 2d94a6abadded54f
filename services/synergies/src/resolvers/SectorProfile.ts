import type { SectorProfileResolvers } from '../generated/resolvers';
import { networkRef } from '../references';

export const SectorProfile: SectorProfileResolvers = {
  network: (p) => networkRef(p.engine, p.network),
  divisions: (p) =>
    p.divisions.map(([division, count]) => ({ division, count, share: Math.round((count / p.withSector) * 10_000) / 10_000 })),
};
