/** Upper bounds (seconds) of the request-duration histogram. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The API's own metrics, rendered in the Prometheus text format at `/metrics`: requests by route and status, their
 * durations, lifecycle refusals by code, idempotent replays and `?after=` waits that ran out of time.
 */
export class ApiMetrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();
  private readonly refusals = new Map<string, number>();
  idempotentReplays = 0;
  readWaitTimeouts = 0;

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hkey = `${method}\u0000${route}`;
    let h = this.durations.get(hkey);
    if (h === undefined) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(hkey, h);
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= (BUCKETS[i] as number)) h.counts[i] = (h.counts[i] as number) + 1;
    h.sum += seconds;
    h.count += 1;
  }

  refused(code: string): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  render(extra: string[] = []): string {
    const out: string[] = [];
    out.push('# HELP partnerflow_http_requests_total HTTP requests answered, by route and status.', '# TYPE partnerflow_http_requests_total counter');
    for (const [key, n] of [...this.requests].sort()) {
      const [method, route, status] = key.split('\u0000') as [string, string, string];
      out.push(`partnerflow_http_requests_total{method="${label(method)}",route="${label(route)}",status="${status}"} ${n}`);
    }
    out.push('# HELP partnerflow_http_request_duration_seconds Time to answer, by route.', '# TYPE partnerflow_http_request_duration_seconds histogram');
    for (const [key, h] of [...this.durations].sort()) {
      const [method, route] = key.split('\u0000') as [string, string];
      const l = `method="${label(method)}",route="${label(route)}"`;
      BUCKETS.forEach((b, i) => out.push(`partnerflow_http_request_duration_seconds_bucket{${l},le="${b}"} ${h.counts[i]}`));
      out.push(`partnerflow_http_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      out.push(`partnerflow_http_request_duration_seconds_sum{${l}} ${h.sum}`, `partnerflow_http_request_duration_seconds_count{${l}} ${h.count}`);
    }
    out.push('# HELP partnerflow_commands_refused_total Commands the lifecycle refused, by reason.', '# TYPE partnerflow_commands_refused_total counter');
    for (const [code, n] of [...this.refusals].sort()) out.push(`partnerflow_commands_refused_total{code="${label(code)}"} ${n}`);
    out.push(
      '# HELP partnerflow_idempotent_replays_total Requests answered from an Idempotency-Key record.',
      '# TYPE partnerflow_idempotent_replays_total counter',
    );
    out.push(`partnerflow_idempotent_replays_total ${this.idempotentReplays}`);
    out.push(
      '# HELP partnerflow_read_wait_timeouts_total Reads whose ?after= wait ran out before the read model caught up.',
      '# TYPE partnerflow_read_wait_timeouts_total counter',
    );
    out.push(`partnerflow_read_wait_timeouts_total ${this.readWaitTimeouts}`);
    return `${[...out, ...extra].join('\n')}\n`;
  }
}
