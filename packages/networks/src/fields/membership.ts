import { mayReadMembers, type MembershipRow } from '../rows';
import { ref, required, type Ctx } from './common';

/** Fields of a membership type (`ChamberMembership`...): its network, its actor. */
export const membershipNetwork = (m: MembershipRow, _: unknown, { loaders }: Ctx) =>
  required(loaders.network.load(m.networkId), `network ${m.networkId}`);
export const membershipActor = (m: MembershipRow) => ref('Actor', m.actorId);

/**
 * A membership by reference (the cross-kind lists of the synergies subgraph name memberships by id):
 * null when the viewer may not read its network's member list, as `members` would refuse it.
 */
export const resolveMembership = async (r: { id: string }, { loaders, viewer }: Ctx) => {
  const m = await loaders.membership.load(r.id);
  if (!m) return null;
  const n = await loaders.network.load(m.networkId);
  return n && mayReadMembers(viewer, n) ? m : null;
};
