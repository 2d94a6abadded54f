import type { SynergyReportResolvers } from '../generated/resolvers';

export const SynergyReport: SynergyReportResolvers = {
  scope: (r) => ({ ...r.scope, engine: r.engine }),
  networkCount: (r) => r.networks,
  memberCount: (r) => r.members,
  pairs: ({ engine, pairs, first }) => pairs.slice(0, first).map((p) => ({ ...p, engine })),
};
