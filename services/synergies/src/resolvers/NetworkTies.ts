import { share } from '../arguments';
import type { NetworkTiesResolvers } from '../generated/resolvers';
import { networkRef, territoryRef } from '../references';

export const NetworkTies: NetworkTiesResolvers = {
  network: (t) => networkRef(t.engine, t.network),
  seat: (t) => (t.seat ? territoryRef(t.seat) : null),
  share: (t) => share(t.crossing, t.memberships),
};
