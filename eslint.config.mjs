import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'jest.config.js', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      // kafkajs hands out destructured callbacks (resolveOffset, heartbeat); they are bound.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // API tests read untyped JSON answers and assert on their shape; the assertions are the type check.
    files: ['test/api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Workflow code must stay deterministic: no I/O, no Node APIs, no clients. Side effects belong in activities.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not deterministic: use an activity.' })),
            { name: 'kafkajs', message: 'Kafka is I/O: publish from an activity.' },
            { name: 'ioredis', message: 'Redis is I/O: use an activity or a projection.' },
          ],
          patterns: [
            { group: ['../activities', '../activities/*'], importNamePattern: '^(?!Activities$)', message: 'Import activity types only (import type).' },
            { group: ['../infra/*', '../projections/*', '../services/*'], message: 'Workflows may not depend on infra, projections or services.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
