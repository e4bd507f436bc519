/** The command line of `npm run bench:api`, checked. */

function positive(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new Error(`--${name} takes a ${allowZero ? 'non-negative' : 'positive'} number (got ${value})`);
  return n;
}

export interface BenchOptions {
  partnerships: number;
  duration: number;
  connections: number;
  rate: number;
  warmup: number;
  seedConcurrency: number;
  only: 'both' | 'throughput' | 'lag';
}

export function benchOptions(
  values: Partial<Record<'partnerships' | 'duration' | 'connections' | 'rate' | 'warmup' | 'seed-concurrency' | 'only', string>>,
): BenchOptions {
  const partnerships = Math.round(positive('partnerships', values.partnerships, 200));
  const duration = positive('duration', values.duration, 10);
  const connections = Math.round(positive('connections', values.connections, 50));
  const rate = positive('rate', values.rate, 50);
  const warmup = positive('warmup', values.warmup, 2, true);
  const seedConcurrency = Math.round(positive('seed-concurrency', values['seed-concurrency'], 16));
  const only = values.only ?? 'both';
  if (only !== 'both' && only !== 'throughput' && only !== 'lag') throw new Error('--only takes throughput or lag');
  if (only !== 'throughput' && partnerships < 20) throw new Error('--partnerships: give at least 20 (the lag part needs optimization-stage partnerships)');
  return { partnerships, duration, connections, rate, warmup, seedConcurrency, only };
}
