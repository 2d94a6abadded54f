// TypeScript types for the persisted operations partners run (schema/operations/*.graphql), from the
// API schema of the committed supergraph, and typed documents for the operations Maillage's own tools
// send through the gateway (the CLI, the synergies subgraph's reader). `npm run codegen` writes
// src/operations.ts, ../cli/src/graphql.ts and ../../services/synergies/src/generated/gateway.ts;
// `npm run codegen:check` (part of `npm test`) fails when a committed file is stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

// What every output shares: the types of what its operations use (not the whole schema), the
// scalars as the API serialises them, every selected field present (null, not absent).
const shared = {
  onlyOperationTypes: true,
  scalars: { Date: 'string', DateTime: 'string', ID: 'string' },
  avoidOptionals: { field: true },
  useTypeImports: true,
};
// Maillage's own tools get typed documents, with the "generated" header.
const typedDocuments = ['./codegen/header.cjs', 'typescript', 'typescript-operations', 'typed-document-node'];

const config: CodegenConfig = {
  overwrite: true,
  schema: [{ '../../schema/supergraph.graphql': { loader: './codegen/api-schema.cjs' } } as never],
  generates: {
    'src/operations.ts': {
      documents: '../../schema/operations/*.graphql',
      plugins: ['typescript', 'typescript-operations', './codegen/persisted-ids.cjs'],
      // Partners get the types of what they run, enums as string unions.
      config: { ...shared, enumsAsTypes: true },
    },
    // The maillage CLI's own operations (packages/cli): enums as constant objects, so the CLI checks
    // a spreadsheet's categories against the schema's values before sending anything.
    '../cli/src/graphql.ts': {
      documents: '../cli/src/operations/*.graphql',
      plugins: typedDocuments,
      config: { ...shared, enumsAsConst: true },
    },
    // What the synergies subgraph reads through the gateway to build its snapshot of the region.
    '../../services/synergies/src/generated/gateway.ts': {
      documents: '../../services/synergies/src/operations/*.graphql',
      plugins: typedDocuments,
      // No __typename in the results: the four kinds' documents then share one result shape.
      config: { ...shared, enumsAsTypes: true, skipTypename: true },
    },
  },
};

export default config;
