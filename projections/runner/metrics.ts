import { POISON_REASONS, type PoisonReason } from './decode';

/** Per read model counters. */
export interface ModelCounters {
  applied: number;
  duplicates: number;
  held: number;
  gapsDetected: number;
  gapsClosed: number;
  conflicts: number;
}

/** A point-in-time view of a runner, for logs, the CLI and the Prometheus endpoint. */
export interface MetricsSnapshot {
  /** Messages read from the topic (valid or not). */
  consumed: number;
  batches: number;
  /** Writes to Redis, each covering one or more batches. */
  flushes: number;
  deadLettered: Record<PoisonReason, number>;
  deadLetteredTotal: number;
  models: Record<string, ModelCounters>;
  /** Messages per second over the last few seconds. */
  rate: number;
  /** Messages behind the end of each partition (`topic:partition`), as of that partition's last batch. */
  lag: Record<string, number>;
  totalLag: number;
  lastBatchAt: string | null;
}

const RATE_WINDOW_MS = 10_000;

/** Mutable counters behind `metrics()`. */
export class RunnerMetrics {
  consumed = 0;
  batches = 0;
  flushes = 0;
  private readonly deadLettered = Object.fromEntries(POISON_REASONS.map((r) => [r, 0])) as Record<PoisonReason, number>;
  private readonly models = new Map<string, ModelCounters>();
  private readonly lag = new Map<string, number>();
  private readonly samples: Array<[number, number]> = [];
  private lastBatchAt: number | null = null;

  constructor(
    models: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const m of models) this.models.set(m, { applied: 0, duplicates: 0, held: 0, gapsDetected: 0, gapsClosed: 0, conflicts: 0 });
  }

  model(name: string): ModelCounters {
    const counters = this.models.get(name);
    if (counters === undefined) throw new Error(`no metrics for read model "${name}"`);
    return counters;
  }

  poison(reason: PoisonReason): void {
    this.deadLettered[reason] += 1;
  }

  batch(partitionField: string, messages: number, lag: number): void {
    const t = this.now();
    this.consumed += messages;
    this.batches += 1;
    this.lag.set(partitionField, lag);
    this.lastBatchAt = t;
    this.samples.push([t, messages]);
    while (this.samples.length > 0 && (this.samples[0] as [number, number])[0] < t - RATE_WINDOW_MS) this.samples.shift();
  }

  snapshot(): MetricsSnapshot {
    const t = this.now();
    const recent = this.samples.filter(([at]) => at >= t - RATE_WINDOW_MS);
    const span = recent.length > 0 ? Math.max(1000, t - (recent[0] as [number, number])[0]) : RATE_WINDOW_MS;
    const lag = Object.fromEntries(this.lag);
    return {
      consumed: this.consumed,
      batches: this.batches,
      flushes: this.flushes,
      deadLettered: { ...this.deadLettered },
      deadLetteredTotal: Object.values(this.deadLettered).reduce((a, b) => a + b, 0),
      models: Object.fromEntries([...this.models].map(([k, v]) => [k, { ...v }])),
      rate: recent.reduce((sum, [, n]) => sum + n, 0) / (span / 1000),
      lag,
      totalLag: Object.values(lag).reduce((a, b) => a + b, 0),
      lastBatchAt: this.lastBatchAt === null ? null : new Date(this.lastBatchAt).toISOString(),
    };
  }
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Renders a snapshot in the Prometheus text exposition format (version 0.0.4), for an HTTP `/metrics` route. */
export function renderPrometheus(snapshot: MetricsSnapshot, prefix = 'partnerflow_projector'): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`);
    for (const [labels, value] of samples) {
      const rendered = Object.entries(labels)
        .map(([k, v]) => `${k}="${label(v)}"`)
        .join(',');
      lines.push(`${prefix}_${name}${rendered === '' ? '' : `{${rendered}}`} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const models = Object.entries(snapshot.models);
  metric('messages_consumed_total', 'counter', 'Messages read from the lifecycle topic.', [[{}, snapshot.consumed]]);
  metric('batches_total', 'counter', 'Batches applied to Redis.', [[{}, snapshot.batches]]);
  metric('flushes_total', 'counter', 'Writes to Redis (a projector that is behind writes several batches at once).', [[{}, snapshot.flushes]]);
  metric(
    'events_total',
    'counter',
    'Events per read model by outcome: applied, duplicate (already applied), held (behind a gap).',
    models.flatMap(([m, c]) => [
      [{ read_model: m, outcome: 'applied' }, c.applied],
      [{ read_model: m, outcome: 'duplicate' }, c.duplicates],
      [{ read_model: m, outcome: 'held' }, c.held],
    ]),
  );
  metric(
    'gaps_detected_total',
    'counter',
    'Sequence gaps detected per read model.',
    models.map(([m, c]) => [{ read_model: m }, c.gapsDetected]),
  );
  metric(
    'gaps_closed_total',
    'counter',
    'Sequence gaps closed per read model.',
    models.map(([m, c]) => [{ read_model: m }, c.gapsClosed]),
  );
  metric(
    'write_conflicts_total',
    'counter',
    'Fold passes retried because another writer got there first.',
    models.map(([m, c]) => [{ read_model: m }, c.conflicts]),
  );
  metric(
    'dead_lettered_total',
    'counter',
    'Poison messages sent to the dead-letter topic, by reason.',
    Object.entries(snapshot.deadLettered).map(([reason, n]) => [{ reason }, n]),
  );
  metric('consume_rate', 'gauge', 'Messages per second over the last 10 s.', [[{}, snapshot.rate]]);
  metric(
    'lag',
    'gauge',
    'Messages behind the end of the partition.',
    Object.entries(snapshot.lag).map(([p, n]) => [partitionLabels(p), n]),
  );
  return `${lines.join('\n')}\n`;
}

function partitionLabels(field: string): Record<string, string> {
  const at = field.lastIndexOf(':');
  return { topic: field.slice(0, at), partition: field.slice(at + 1) };
}
