import { devToken, SCOPES_OF_ROLE, viewerOf, type Role, type Viewer } from '@maillage/viewer';

/** Who a test request is made as: a role (an editor of no network, a partner `pk-test`) or a full viewer. */
export type As = Role | Viewer;

/** The viewer a role stands for in in-process tests. */
export function testViewer(as: As, opts: { networks?: string[]; subject?: string } = {}): Viewer {
  if (typeof as !== 'string') return as;
  if (as === 'anonymous') return viewerOf({ scopes: [] });
  return viewerOf({
    scopes: SCOPES_OF_ROLE[as],
    networks: opts.networks,
    subject: as === 'partner' ? undefined : (opts.subject ?? `test-${as}`),
    partnerId: as === 'partner' ? 'pk-test' : undefined,
  });
}

/**
 * A bearer token for a role, signed with the development key the gateway accepts outside
 * production (what `scripts/dev-token.js` prints). Partners have keys, not tokens: see the
 * `createPartnerKey` mutation.
 */
export function tokenFor(
  role: Exclude<Role, 'anonymous' | 'partner'>,
  opts: { networks?: string[]; subject?: string; expiresIn?: string | number } = {},
) {
  return devToken(role, opts);
}
