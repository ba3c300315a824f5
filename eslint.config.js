// Lint rules for every package: type-aware typescript-eslint, formatting left to Prettier.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The parts of @fsbus/shared that run on Node only (exported as @fsbus/shared/node). */
const SHARED_NODE_ONLY = [
  'shared/src/node.ts',
  'shared/src/version.ts',
  'shared/src/config/load.ts',
  'shared/src/config/password.ts',
  'shared/src/config/files.ts',
  'shared/src/log/**',
  'shared/src/process/**',
  'shared/src/net/**',
  'shared/src/cli/**',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/**', 'test/artefacts/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './kiosk/renderer/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'error',
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // CLIs and scripts talk to a person on a terminal.
    files: ['**/cli/**/*.ts', '**/scripts/**/*.ts', '**/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
  {
    // shared/ is loaded by the kiosk renderer too: no Electron in the contracts, and nothing
    // from Node outside the Node-only parts exported as @fsbus/shared/node.
    files: ['shared/src/**/*.ts'],
    ignores: [...SHARED_NODE_ONLY, 'shared/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'Electron stays in kiosk/main.' },
            {
              group: ['node:*', 'pino', 'yaml'],
              message: 'Node-only: put it under @fsbus/shared/node.',
            },
          ],
        },
      ],
    },
  },
  {
    files: SHARED_NODE_ONLY,
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'electron/*'] }],
    },
  },
  prettier,
);
