// ESLint (flat config) with typescript-eslint, type-aware. A deliberately small rule set, each rule
// catching a real class of bug rather than a style preference (formatting is left to the editor):
// - no-floating-promises: a promise nobody awaits loses its error (an unhandled rejection kills the
//   server) and its ordering (a write that may land after the run finished);
// - no-unused-vars: dead code and half-finished refactors;
// - switch-exhaustiveness-check: a new run status or enum value that a switch silently ignores;
// - consistent-type-imports: type-only imports vanish at runtime, so server-only modules (Prisma,
//   pg, tfjs) never end up in the browser bundle through an import used only for its types.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['node_modules/', '.next/', '.data/', 'coverage/', 'next-env.d.ts', 'server/db/generated/', 'server/graphql/generated.ts', 'app/_graphql/generated.ts'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
);
