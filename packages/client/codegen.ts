// TypeScript types for the persisted operations partners run (schema/operations/*.graphql), from the
// API schema of the committed supergraph, and for the maillage CLI's own operations. `npm run codegen`
// writes src/operations.ts and ../cli/src/graphql.ts;
// `npm run codegen:check` (part of `npm test`) fails when a committed file is stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  overwrite: true,
  schema: [{ '../../schema/supergraph.graphql': { loader: './codegen/api-schema.cjs' } } as never],
  generates: {
    'src/operations.ts': {
      documents: '../../schema/operations/*.graphql',
      plugins: [
        'typescript',
        'typescript-operations',
        './codegen/persisted-ids.cjs',
      ],
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
      plugins: ['./codegen/header.cjs', 'typescript', 'typescript-operations'],
      config: {
        onlyOperationTypes: true,
        enumsAsConst: true,
        scalars: { Date: 'string', DateTime: 'string', ID: 'string' },
        avoidOptionals: { field: true },
        useTypeImports: true,
      },
    },
  },
};

export default config;
