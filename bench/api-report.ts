/** The results of `npm run bench:api`: tables for people on stdout, then one JSON line for scripts. */
import type { LagResult } from './api-lag';
import type { ThroughputResult } from './api-throughput';
import { fmtInt, fmtMs, ms1, out, round, type Conditions } from './api-util';

export interface BenchResults {
  before: Conditions;
  after: Conditions;
  partnerships: number;
  seed: { seconds: number; commands: number; line: string };
  options: { connections: number; duration: number; warmup: number };
  throughput: ThroughputResult | undefined;
  lag: LagResult | undefined;
  deadLettered: number;
}

function printThroughput(t: ThroughputResult, { connections, duration, warmup }: BenchResults['options']): void {
  out('');
  out(`throughput — autocannon ${connections} connections, ${duration} s per target after ${warmup} s warm-up; API and hello-world each in a child process,`);
  out(`autocannon in the bench process (with the idle worker and projector); ratio = req/s ÷ mean of the two hello-world runs (${fmtInt(t.baseline)} req/s)`);
  out(
    `  ${'target'.padEnd(22)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)} ${'bytes/resp'.padStart(11)} ${'× hello'.padStart(8)}`,
  );
  for (const x of t.targets) {
    out(
      `  ${x.name.padEnd(22)} ${fmtInt(x.rps).padStart(9)} ${ms1(x.p50).padStart(8)} ${ms1(x.p99).padStart(8)} ${String(x.non2xx).padStart(8)} ${String(x.errors).padStart(7)} ${fmtInt(x.bytesPerResponse).padStart(11)} ${(x.rps / t.baseline).toFixed(3).padStart(8)}`,
    );
  }
  if (t.helloDrift > 0.2)
    out(
      `  note: the two hello-world runs differ by ${(t.helloDrift * 100).toFixed(0)}%: other load on the machine moved during the run; read the ratios with that spread`,
    );
}

function printLag(lag: LagResult): void {
  out('');
  out(
    `read-your-write lag — ${lag.rate} commands/s open-loop for ${lag.duration} s (KPI values and risk re-ratings on ${lag.targets} optimization-stage partnerships);`,
  );
  out(
    "lag = from the command's HTTP response to GET /partnerships/{id}?after=<its last event> answering caught-up (server polls Redis with backoff, 5 ms doubling to 250 ms)",
  );
  out(
    `  commands     sent ${lag.sent} at ${lag.achievedRate.toFixed(1)}/s achieved (max send slip ${fmtMs(lag.maxSlipMs)} ms), accepted ${lag.ok}, errors ${lag.errors}${lag.errors > 0 ? ` ${JSON.stringify(lag.errorStatuses)}` : ''}`,
  );
  out(
    `               answered at ${lag.answeredRate.toFixed(1)}/s (first send to last answer); at most ${lag.maxInFlight} awaiting an answer at once; the last answer came ${fmtMs(lag.drainMs)} ms after the last send`,
  );
  out(`  command latency (ms)  p50 ${fmtMs(lag.command.p50)}  p99 ${fmtMs(lag.command.p99)}  max ${fmtMs(lag.command.max)}`);
  out(
    `  lag (ms)              p50 ${fmtMs(lag.lag.p50)}  p99 ${fmtMs(lag.lag.p99)}  max ${fmtMs(lag.lag.max)}  (n ${lag.lag.count}; not caught up within 15 s: ${lag.notCaughtUp}; read errors: ${lag.readErrors})`,
  );
  out(`  already applied when the response arrived (one direct Redis read at that moment): ${lag.visibleAtResponse}/${lag.ok}`);
  out('  (a command answers only once its events are in Kafka; when the projector folds them before the answer gets back, the lag is one read round trip)');
}

/** The last line: every figure, rounded, as one JSON object. */
function summaryOf(r: BenchResults) {
  const { before, after, throughput: t, lag } = r;
  return {
    bench: 'api',
    at: new Date().toISOString(),
    conditions: {
      cpus: before.cpus,
      node: before.node,
      fastify: before.fastify,
      loadavgBefore: before.loadavg,
      loadavgAfter: after.loadavg,
      servers: 'child processes',
      loadGenerator: 'bench process',
    },
    partnerships: r.partnerships,
    seed: { seconds: round(r.seed.seconds), commands: r.seed.commands },
    throughput:
      t === undefined
        ? null
        : {
            ...r.options,
            helloRps: round(t.baseline, 0),
            helloDrift: round(t.helloDrift, 2),
            targets: Object.fromEntries(
              t.targets.map((x) => [
                x.name,
                {
                  rps: round(x.rps, 0),
                  p50: x.p50,
                  p99: x.p99,
                  non2xx: x.non2xx,
                  errors: x.errors,
                  ratio: round(x.rps / t.baseline, 3),
                  bytes: round(x.bytesPerResponse, 0),
                },
              ]),
            ),
          },
    lag:
      lag === undefined
        ? null
        : {
            rate: lag.rate,
            duration: lag.duration,
            achievedRate: round(lag.achievedRate),
            sent: lag.sent,
            ok: lag.ok,
            errors: lag.errors,
            notCaughtUp: lag.notCaughtUp,
            visibleAtResponse: lag.visibleAtResponse,
            answeredRate: round(lag.answeredRate),
            maxInFlight: lag.maxInFlight,
            drainMs: round(lag.drainMs, 0),
            commandP50: round(lag.command.p50),
            commandP99: round(lag.command.p99),
            count: lag.lag.count,
            p50: round(lag.lag.p50),
            p99: round(lag.lag.p99),
            max: round(lag.lag.max),
          },
  };
}

export function printResults(r: BenchResults): void {
  const { before, after } = r;
  out('');
  out(`bench:api  ${new Date().toISOString()}  node ${before.node}, fastify ${before.fastify}, ${before.cpus} × ${before.cpuModel}`);
  out(`  load average before ${before.loadavg.join(' / ')}, after ${after.loadavg.join(' / ')} (1/5/15 min; the stack and any other jobs share the CPUs)`);
  out(`  ${r.seed.line}`);
  if (r.throughput !== undefined) printThroughput(r.throughput, r.options);
  if (r.lag !== undefined) printLag(r.lag);
  if (r.deadLettered > 0) out(`  warning: the projector dead-lettered ${r.deadLettered} events`);
  out('');
  out(JSON.stringify(summaryOf(r)));
}
