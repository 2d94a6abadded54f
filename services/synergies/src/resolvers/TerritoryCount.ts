import type { TerritoryCountResolvers } from '../generated/resolvers';
import { territoryRef } from '../references';

export const TerritoryCount: TerritoryCountResolvers = {
  territory: (c) => territoryRef(c.territory),
};
