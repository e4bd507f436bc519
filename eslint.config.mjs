import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The folders as floors (README "Architecture"): each imports only the floors below it, domain at the ground. bench/
 * and test/ stand beside the house and may import any floor; no floor imports them.
 */
const FLOORS = [['domain'], ['platform'], ['activities', 'workflows'], ['projections', 'services'], ['infra']];
const OUTSIDE = ['bench', 'test'];

function floorRules() {
  return FLOORS.flatMap((floor, level) =>
    floor.map((folder) => {
      const above = [...FLOORS.slice(level + 1).flat(), ...OUTSIDE];
      const patterns = above.map((name) => ({
        group: [`**/${name}`, `**/${name}/**`],
        message: `${folder}/ is on floor ${level + 1}: it may import only the floors below it (${FLOORS.slice(0, level).flat().join(', ') || 'nothing of ours'}), not ${name}/.`,
      }));
      const paths = [];
      if (folder === 'workflows') {
        // Workflow code must stay deterministic: no I/O, no Node APIs, no clients. Side effects belong in activities.
        paths.push(
          ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not deterministic: use an activity.' })),
          { name: 'kafkajs', message: 'Kafka is I/O: publish from an activity.' },
          { name: 'ioredis', message: 'Redis is I/O: use an activity or a projection.' },
        );
        patterns.push(
          { group: ['../activities', '../activities/*'], importNamePattern: '^(?!Activities$)', message: 'Import activity types only (import type).' },
          { group: ['**/platform', '**/platform/**'], message: 'Workflows may not depend on platform adapters (clients, config): they run in the workflow sandbox.' },
        );
      }
      return { files: [`${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
    }),
  );
}

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', '.data/**', 'coverage/**', 'jest.config.js', 'eslint.config.mjs'] },
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
  ...floorRules(),
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
