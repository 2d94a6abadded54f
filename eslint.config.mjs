// One lint for the whole repository (`npm run lint`, part of `npm test`). TypeScript is linted with
// type information from each workspace's own tsconfig (the project service finds it), so a promise
// left floating or handed to a callback that ignores it is caught where tsc alone says nothing.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = [
  'error',
  // `_`-prefixed names are kept on purpose: a rest sibling that drops a key, a positional argument.
  { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      // The network template's files are written into the four network subgraphs, where they are linted.
      'templates/**',
      '**/src/generated/**',
      '**/.data/**',
      '**/coverage/**',
      'test-artifacts/**',
      // Written by graphql-codegen (`npm run codegen`), checked by codegen:check.
      'packages/client/src/operations.ts',
    ],
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { 'no-unused-vars': unusedVars },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    // Served to browsers: the partner widgets and the playground's credentials box.
    files: ['gateway/widgets/**/*.js', 'gateway/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        projectService: {
          // Config files outside any workspace's `include`.
          allowDefaultProject: ['services/*/prisma.config.ts', 'packages/client/codegen.ts', 'services/synergies/codegen.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': unusedVars,
    },
  },
  {
    // Tests and the harness read GraphQL answers as JSON whose shape the assertions themselves check.
    files: ['**/test/**/*.ts', 'packages/testing/src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
