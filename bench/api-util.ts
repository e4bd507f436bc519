/** What the parts of `npm run bench:api` share: output, figures, a worker pool and Ctrl-C. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const err = (line: string) => process.stderr.write(`${line}\n`);
export const out = (line: string) => process.stdout.write(`${line}\n`);

export function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);
export const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-');
/** autocannon records latency in whole milliseconds. */
export const ms1 = (n: number) => (n === 0 ? '<1' : String(n));
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Set on Ctrl-C or SIGTERM: every loop of the bench checks it and stops, and the cleanups run. */
export const interruption = { interrupted: false };
export function checkInterrupted(): void {
  if (interruption.interrupted) throw new Error('interrupted');
}

/** Runs `fn` over `items`, `concurrency` at a time, printing progress every 5 s. */
export async function pool<T>(items: readonly T[], concurrency: number, label: string, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const started = Date.now();
  const timer = setInterval(() => err(`  ${label}: ${done}/${items.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`), 5000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) {
          checkInterrupted();
          await fn(items[next++] as T);
          done += 1;
        }
      }),
    );
  } finally {
    clearInterval(timer);
  }
}

export interface Conditions {
  cpus: number;
  cpuModel: string;
  loadavg: number[];
  node: string;
  fastify: string;
}

/** The machine and versions the figures were taken on. */
export function conditions(): Conditions {
  const fastifyPkg = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('fastify')), 'package.json'), 'utf8')) as { version: string };
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    fastify: fastifyPkg.version,
  };
}
