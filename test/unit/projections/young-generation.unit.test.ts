import fs from 'node:fs';
import path from 'node:path';
import { FOLDING_NODE_FLAGS } from '../../../projections/runner/young-generation';

describe('the young generation of code that folds events', () => {
  it('bench:projections runs with the projector process flags (V8 flags are process-wide: they would override the rebuild threads’ own limit)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    const bench = pkg.scripts['bench:projections'] ?? '';
    const flags = bench.match(/--max-semi-space-size=\d+/g) ?? [];
    expect(flags).toEqual([...FOLDING_NODE_FLAGS]);
  });
});
