/** Console progress for long provisioning steps: a line when a step starts, a heartbeat while it runs, its time when it ends. */

const HEARTBEAT_MS = 15_000;

function fmtDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function info(message: string): void {
  process.stdout.write(`${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`! ${message}\n`);
}

/** Runs `fn` as a named step; a step that may take minutes prints a heartbeat so nobody thinks it hung. */
export async function step<T>(title: string, fn: () => Promise<T>, opts: { slowHint?: string } = {}): Promise<T> {
  const started = Date.now();
  info(`▸ ${title}${opts.slowHint ? ` (${opts.slowHint})` : ''}`);
  const timer = setInterval(() => info(`  … ${title}: ${fmtDuration(Date.now() - started)} so far`), HEARTBEAT_MS);
  timer.unref();
  try {
    const result = await fn();
    info(`✓ ${title} (${fmtDuration(Date.now() - started)})`);
    return result;
  } catch (err) {
    info(`✗ ${title} failed after ${fmtDuration(Date.now() - started)}`);
    throw err;
  } finally {
    clearInterval(timer);
  }
}

export function skip(title: string, why: string): void {
  info(`✓ ${title} — ${why}`);
}

export { fmtDuration };
