import { share } from '../arguments';
import type { TerritoryTiesResolvers } from '../generated/resolvers';
import { territoryRef } from '../references';

export const TerritoryTies: TerritoryTiesResolvers = {
  territory: (t) => territoryRef(t.territory),
  share: (t) => share(t.crossing, t.memberships),
  initiativeShare: (t) => share(t.crossingInitiatives, t.initiatives),
};
