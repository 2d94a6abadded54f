import { ErrorCode, userError } from '@maillage/errors';
import { networkTypeName, type SynergyEngine } from '@maillage/synergy';
import type { ActorRef, NetworkRef, TerritoryRef } from './models';

// Entity references the gateway resolves in their own subgraphs, from the engine's indices.

export const networkRef = ({ ix }: SynergyEngine, n: number): NetworkRef => ({
  __typename: networkTypeName[ix.networks[n].kind],
  id: ix.networks[n].id,
});
export const actorRef = ({ ix }: SynergyEngine, a: number): ActorRef => ({ __typename: 'Actor', id: ix.actors[a].id });
export const territoryRef = (id: string): TerritoryRef => ({ __typename: 'Territory', id });

/** The index of a network named by an argument, or UNKNOWN_NETWORK on that argument. */
export function networkIndex({ ix }: SynergyEngine, id: string, field: string): number {
  const n = ix.networkIndex(id);
  if (n === undefined) throw userError(ErrorCode.UNKNOWN_NETWORK, `No network ${id}`, field);
  return n;
}

/** The index of an actor named by an argument, or UNKNOWN_ACTOR on that argument. */
export function actorIndex({ ix }: SynergyEngine, id: string, field: string): number {
  const a = ix.actorIndex(id);
  if (a === undefined) throw userError(ErrorCode.UNKNOWN_ACTOR, `No actor ${id}`, field);
  return a;
}
