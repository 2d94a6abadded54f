import type { BridgedPairResolvers } from '../generated/resolvers';
import { networkRef } from '../references';

export const BridgedPair: BridgedPairResolvers = {
  networkA: (p) => networkRef(p.engine, p.a),
  networkB: (p) => networkRef(p.engine, p.b),
  sharedCount: (p) => p.shared,
};
