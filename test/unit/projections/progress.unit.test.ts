import { formatProgress, progressReporter } from '../../../projections/progress';
import type { RebuildProgress } from '../../../projections/runner';

const at = (done: number, phase: RebuildProgress['phase'] = 'replaying'): RebuildProgress => ({
  done,
  total: 1_000_000,
  lag: 1_000_000 - done,
  rate: 50_000,
  elapsedMs: (done / 50_000) * 1000,
  phase,
});

describe('rebuild progress', () => {
  test('shows percentage, counts, events/s, remaining lag and ETA', () => {
    expect(formatProgress(at(250_000), true)).toBe('[########----------------------]  25.0% 250,000/1,000,000 events  50,000 ev/s  lag 750,000 eta 15s  5s');
  });

  test('without a terminal, prints plain lines at an interval and at every phase change', () => {
    const lines: string[] = [];
    const reporter = progressReporter({ write: (t: string) => lines.push(t), isTTY: false }, { lineEveryMs: 60_000 });

    reporter.update(at(1));
    reporter.update(at(2));
    reporter.update(at(1_000_000, 'switching'));
    reporter.finish();

    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r') && !l.includes('['))).toBe(true);
    expect(lines[1]).toContain('(switching)');
  });

  test('on a terminal, redraws one line in place', () => {
    const out: string[] = [];
    const reporter = progressReporter({ write: (t: string) => out.push(t), isTTY: true }, { redrawMs: 0 });

    reporter.update(at(10));
    reporter.update(at(20));
    reporter.finish();

    expect(out.slice(0, 2).every((t) => t.startsWith('\r['))).toBe(true);
    expect(out[2]).toBe('\n');
  });
});
