import type { MembershipRow } from '../rows';
import { ref, required, type Ctx } from './common';

/** Fields of a membership type (`ChamberMembership`...): its network, its actor. */
export const membershipNetwork = (m: MembershipRow, _: unknown, { loaders }: Ctx) => required(loaders.network.load(m.networkId), `network ${m.networkId}`);
export const membershipActor = (m: MembershipRow) => ref('Actor', m.actorId);
