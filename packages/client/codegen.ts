// TypeScript types for the persisted operations partners run (schema/operations/*.graphql), from the
// API schema of the committed supergraph, and typed documents for the operations Maillage's own tools
// send through the gateway (the CLI, the synergies subgraph's reader). `npm run codegen` writes
// src/operations.ts, ../cli/src/graphql.ts and ../../services/synergies/src/generated/gateway.ts;
// `npm run codegen:check` (part of `npm test`) fails when a committed file is stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  overwrite: true,
  schema: [{ '../../schema/supergraph.graphql': { loader: './codegen/api-schema.cjs' } } as never],
  generates: {
    'src/operations.ts': {
      documents: '../../schema/operations/*.graphql',
      plugins: ['typescript', 'typescript-operations', './codegen/persisted-ids.cjs'],
      config: {
        // Only what the operations use: partners get the types of what they run, not the whole schema.
        onlyOperationTypes: true,
        enumsAsTypes: true,
        scalars: { Date: 'string', DateTime: 'string', ID: 'string' },
        avoidOptionals: { field: true },
        useTypeImports: true,
      },
    },
    // The maillage CLI's own operations (packages/cli): enums as constant objects, so the CLI checks
    // a spreadsheet's categories against the schema's values before sending anything.
    '../cli/src/graphql.ts': {
      documents: '../cli/src/operations/*.graphql',
      plugins: ['./codegen/header.cjs', 'typescript', 'typescript-operations', 'typed-document-node'],
      config: {
        onlyOperationTypes: true,
        enumsAsConst: true,
        scalars: { Date: 'string', DateTime: 'string', ID: 'string' },
        avoidOptionals: { field: true },
        useTypeImports: true,
      },
    },
    // What the synergies subgraph reads through the gateway to build its snapshot of the region.
    '../../services/synergies/src/generated/gateway.ts': {
      documents: '../../services/synergies/src/operations/*.graphql',
      plugins: ['./codegen/header.cjs', 'typescript', 'typescript-operations', 'typed-document-node'],
      config: {
        onlyOperationTypes: true,
        enumsAsTypes: true,
        // No __typename in the results: the four kinds' documents then share one result shape.
        skipTypename: true,
        scalars: { Date: 'string', DateTime: 'string', ID: 'string' },
        avoidOptionals: { field: true },
        useTypeImports: true,
      },
    },
  },
};

export default config;
