// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';
import type { {{Type}}MembershipImportResolvers } from '../generated/resolvers-types';

/** `{{Type}}MembershipImport`: what `import{{Type}}Memberships` did. */
export const {{Type}}MembershipImport: {{Type}}MembershipImportResolvers = {
  {{field}}: (result: ImportResult) => result.network,
};
