// Written by `npm run networks` from templates/network/src/resolvers/: edit the template, not this file.
import type { ImportResult } from '@maillage/networks';

/** `{{Type}}MembershipImport`: what `import{{Type}}Memberships` did. */
export const {{Type}}MembershipImport = {
  {{field}}: (result: ImportResult) => result.network,
};
