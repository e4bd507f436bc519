import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The folders are floors (README "Architecture"): lint fails an import from a floor above, so `npm test` does. Each
 * case is a real file, linted by the project's own ESLint and configuration.
 */
describe('the floors lint rule', () => {
  const root = path.resolve(__dirname, '../..');
  const cases: Array<[file: string, source: string, expected: RegExp | null]> = [
    ['domain/floor-probe.ts', "export { loadConfig } from '../platform/config';\n", /domain\/ is on floor 1/],
    ['platform/floor-probe.ts', "export { READ_MODELS } from '../projections';\n", /platform\/ is on floor 2/],
    ['activities/floor-probe.ts', "export { buildApi } from '../services/api/app';\n", /activities\/ is on floor 3/],
    ['workflows/floor-probe.ts', "export { loadConfig } from '../platform/config';\n", /workflows\/ is on floor 3|platform adapters/],
    ['projections/floor-probe.ts', "export { up } from '../infra/stack';\n", /projections\/ is on floor 4/],
    ['services/floor-probe.ts', "export { up } from '../infra/stack';\n", /services\/ is on floor 4/],
    ['infra/floor-probe.ts', "export { people } from '../test/support/lifecycle';\n", /infra\/ is on floor 5/],
    ['services/floor-probe-down.ts', "export { READ_MODELS } from '../projections';\nexport { loadConfig } from '../platform/config';\n", null],
  ];
  let results: Map<string, string[]>;

  beforeAll(() => {
    for (const [file, source] of cases) fs.writeFileSync(path.join(root, file), source);
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...cases.map(([f]) => f)], {
        cwd: root,
        encoding: 'utf8',
      });
      const report = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string }> }>;
      results = new Map(
        report.map((r) => [path.relative(root, r.filePath), r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)]),
      );
    } finally {
      for (const [file] of cases) fs.rmSync(path.join(root, file), { force: true });
    }
  }, 120_000);

  test.each(cases.filter(([, , e]) => e !== null))('an upward import in %s fails lint', (file, _source, expected) => {
    expect((results.get(file) ?? []).join('\n')).toMatch(expected as RegExp);
  });

  test('a downward import passes', () => {
    expect(results.get('services/floor-probe-down.ts')).toEqual([]);
  });
});
