import { limit } from '../arguments';
import type { CoParticipationResolvers } from '../generated/resolvers';
import { networkRef } from '../references';

export const CoParticipation: CoParticipationResolvers = {
  networkA: (c) => networkRef(c.engine, c.a),
  networkB: (c) => networkRef(c.engine, c.b),
  initiatives: ({ engine, initiatives }, { first }) => initiatives.slice(0, limit(first)).map((initiative) => ({ engine, initiative })),
};
