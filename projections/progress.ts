import type { RebuildProgress } from './runner/rebuild';

/** Where progress goes: a terminal gets a redrawn bar, anything else a line every `lineEveryMs`. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fmtSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** One rendering of the progress: bar (when `bar`), percentage, counts, events/s, remaining lag and ETA. */
export function formatProgress(p: RebuildProgress, bar: boolean): string {
  const fraction = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const filled = Math.round(fraction * WIDTH);
  const eta = p.rate > 0 && p.lag > 0 ? ` eta ${fmtSeconds((p.lag / p.rate) * 1000)}` : '';
  const head = bar ? `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ` : '';
  const phase = p.phase === 'replaying' ? '' : ` (${p.phase})`;
  return `${head}${(fraction * 100).toFixed(1).padStart(5)}% ${fmtInt(p.done)}/${fmtInt(p.total)} events  ${fmtInt(p.rate)} ev/s  lag ${fmtInt(p.lag)}${eta}  ${fmtSeconds(p.elapsedMs)}${phase}`;
}

/**
 * A progress reporter for `rebuild`: on a TTY it redraws one line in place (at most every `redrawMs`); otherwise (CI,
 * logs, pipes) it prints a plain line every `lineEveryMs` and at every phase change, so a log shows it is alive.
 */
export function progressReporter(
  out: ProgressOutput,
  opts: { redrawMs?: number; lineEveryMs?: number } = {},
): {
  update(p: RebuildProgress): void;
  finish(): void;
} {
  const tty = out.isTTY === true;
  const every = tty ? (opts.redrawMs ?? 100) : (opts.lineEveryMs ?? 2000);
  let last = 0;
  let lastPhase: RebuildProgress['phase'] | undefined;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < every && p.phase === lastPhase) return;
      last = now;
      lastPhase = p.phase;
      if (tty) {
        out.write(`\r${formatProgress(p, true)}\u001b[K`);
        drawn = true;
      } else out.write(`${formatProgress(p, false)}\n`);
    },
    finish() {
      if (tty && drawn) out.write('\n');
    },
  };
}
