import { type PageArgs } from '@maillage/subgraph-server';
import type { NetworkContext } from '../loaders';
import { isActiveOn, type MembershipRow } from '../rows';

export type Ctx = NetworkContext;
export type ListArgs = PageArgs & { includeEnded?: boolean | null };
/** An entity of another subgraph (or of this one, unresolved): the gateway completes it. */
export interface EntityRef<T extends string = string> {
  __typename: T;
  id: string;
}

export const ref = <T extends string>(__typename: T, id: string): EntityRef<T> => ({ __typename, id });

export const activeUnless = <R extends { startDate: Date | null; endDate: Date | null }>(rows: R[], includeEnded?: boolean | null) =>
  includeEnded ? rows : rows.filter((r) => isActiveOn(r));

/** Distinct actor ids of a network's active members. */
export const activeMemberIds = (memberships: MembershipRow[]) => [...new Set(activeUnless(memberships).map((m) => m.actorId))];

/** A row a foreign key guarantees: its absence is a broken database, not a client's error. */
export const required = async <R>(row: Promise<R | null>, what: string): Promise<R> => {
  const found = await row;
  if (found == null) throw new Error(`${what} is missing`);
  return found;
};
