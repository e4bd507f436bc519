/**
 * Part 2 of `npm run bench:api`: read-your-write lag. Commands sent open-loop at a steady rate; for each, the time from
 * its HTTP response to the summary read model showing its last event, on the user-facing path (`?after=`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadModelReader } from '../projections/runner';
import { SUMMARY } from '../projections/summary/read-model';
import { COMMAND } from '../services/contract/commands';
import { READ } from '../services/contract/reads';
import { lastEventId, type Answer, type CommandAnswer, type Http } from './api-client';
import { checkInterrupted, err, pct } from './api-util';

/** An optimization-stage partnership the lag part sends to, and one of its open risks (if any) to re-rate. */
export interface LagTarget {
  id: string;
  riskId: string | undefined;
}

/** The lag part's targets: the optimization-stage partnerships and an open risk of each. */
export async function lagTargets(http: Http, ids: readonly string[]): Promise<LagTarget[]> {
  return Promise.all(
    ids.map(async (id) => {
      const risks = (await http.get(READ.getPartnershipRisks, { id })) as Array<{ riskId: string; status: string }>;
      return { id, riskId: risks.find((r) => r.status !== 'closed')?.riskId };
    }),
  );
}

export interface LagResult {
  rate: number;
  duration: number;
  targets: number;
  sent: number;
  achievedRate: number;
  maxSlipMs: number;
  /** Most commands awaiting their answer at once, and how long the last answers took to come after the last send. */
  maxInFlight: number;
  drainMs: number;
  /** Answers per second from the first send to the last answer: what the lifecycle actually sustained. */
  answeredRate: number;
  ok: number;
  errors: number;
  errorStatuses: Record<string, number>;
  notCaughtUp: number;
  readErrors: number;
  /** Commands whose last event the summary read model (read from Redis directly) had applied when the response arrived. */
  visibleAtResponse: number;
  command: { p50: number; p99: number; max: number };
  lag: { count: number; p50: number; p99: number; max: number };
}

/** The last sequence the summary read model applied for a partnership (its `seq` is `<last>` or `<last>~<held>`). */
async function summarySequence(reader: ReadModelReader, partnershipId: string): Promise<number> {
  const { replies } = await reader.read(SUMMARY, [{ command: 'HGET', key: 'seq', args: [partnershipId] }]);
  return typeof replies[0] === 'string' ? Number.parseInt(replies[0], 10) || 0 : 0;
}

/** What the lag part counts while its commands are answered and read back. */
class LagTally {
  readonly commandMs: number[] = [];
  readonly lagMs: number[] = [];
  readonly errorStatuses: Record<string, number> = {};
  ok = 0;
  errors = 0;
  notCaughtUp = 0;
  readErrors = 0;
  visibleAtResponse = 0;
  lastAnswer = 0;

  constructor(
    private readonly http: Http,
    private readonly reader: ReadModelReader,
    private readonly targets: readonly LagTarget[],
  ) {}

  /** Command `i`: alternately a KPI value and a risk re-rating (a KPI value where the partnership has no risk). */
  private send(i: number, target: LagTarget): Promise<Answer> {
    return i % 2 === 1 && target.riskId !== undefined
      ? this.http.send('ops', COMMAND.updateRisk, { id: target.id, riskId: target.riskId }, { likelihood: 1 + (i % 5), note: `bench ${i}` })
      : this.http.send('owner', COMMAND.recordKpi, { id: target.id }, { kpiId: 'revenue-generated', value: 100_000 + i });
  }

  /** Sends command `i`, then reads its partnership with `?after=` its last event. */
  async probe(i: number): Promise<void> {
    const target = this.targets[i % this.targets.length] as LagTarget;
    const sent = performance.now();
    let answer: Answer;
    try {
      answer = await this.send(i, target);
    } catch (e) {
      this.errors += 1;
      this.errorStatuses.network = (this.errorStatuses.network ?? 0) + 1;
      err(`  command ${i} failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const answered = performance.now();
    this.lastAnswer = Math.max(this.lastAnswer, answered);
    if (answer.status !== 200) {
      this.errors += 1;
      this.errorStatuses[answer.status] = (this.errorStatuses[answer.status] ?? 0) + 1;
      if (this.errors <= 5) err(`  command ${i}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return;
    }
    this.ok += 1;
    this.commandMs.push(answered - sent);
    await this.readBack(target.id, answer.body as CommandAnswer, answered);
  }

  private async readBack(id: string, answer: CommandAnswer, answered: number): Promise<void> {
    const sequence = answer.events[answer.events.length - 1]?.sequence ?? 0;
    // Beside the user-facing read, one direct look at Redis: was the event already applied when the response arrived?
    const direct = summarySequence(this.reader, id).then(
      (s) => {
        if (s >= sequence) this.visibleAtResponse += 1;
      },
      () => undefined,
    );
    try {
      const read = await this.http.read(READ.getPartnership, { id }, lastEventId(answer));
      const seen = performance.now();
      await direct;
      if (read.status !== 200) {
        this.readErrors += 1;
        return;
      }
      if (read.headers.get('partnerflow-caught-up') !== 'true') {
        this.notCaughtUp += 1;
        return;
      }
      this.lagMs.push(seen - answered);
    } catch {
      this.readErrors += 1;
    }
  }
}

/** Starts `send(i)` for i < total, one every `interval` ms from now whatever is still in flight; waits for them all. */
async function openLoop(total: number, interval: number, send: (i: number) => Promise<void>, inFlight: Set<Promise<void>>) {
  const started = performance.now();
  let maxSlip = 0;
  let maxInFlight = 0;
  for (let i = 0; i < total; i += 1) {
    checkInterrupted();
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxSlip = Math.max(maxSlip, performance.now() - due);
    const p: Promise<void> = send(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
    maxInFlight = Math.max(maxInFlight, inFlight.size);
  }
  const sendEnd = performance.now();
  await Promise.all(inFlight);
  return { started, sendEnd, maxSlip, maxInFlight };
}

export async function measureLag(http: Http, reader: ReadModelReader, targets: readonly LagTarget[], rate: number, duration: number): Promise<LagResult> {
  const total = Math.max(1, Math.round(rate * duration));
  const tally = new LagTally(http, reader, targets);
  const inFlight = new Set<Promise<void>>();
  const begun = performance.now();
  const progress = setInterval(
    () =>
      err(
        `  lag: ${tally.ok + tally.errors}/${total} answered, ${tally.lagMs.length} visible, ${tally.errors} errors, ${inFlight.size} in flight (${((performance.now() - begun) / 1000).toFixed(0)} s)`,
      ),
    2000,
  );
  let loop: Awaited<ReturnType<typeof openLoop>>;
  try {
    loop = await openLoop(total, 1000 / rate, (i) => tally.probe(i), inFlight);
  } finally {
    clearInterval(progress);
  }
  const { started, sendEnd } = loop;
  const cmd = [...tally.commandMs].sort((a, b) => a - b);
  const lag = [...tally.lagMs].sort((a, b) => a - b);
  // The first command goes out at 0 and the last at (total − 1) × interval: the rate is over that span.
  const span = (sendEnd - started) / 1000;
  return {
    rate,
    duration,
    targets: targets.length,
    sent: total,
    achievedRate: total > 1 && span > 0 ? (total - 1) / span : total,
    maxSlipMs: loop.maxSlip,
    maxInFlight: loop.maxInFlight,
    drainMs: Math.max(0, tally.lastAnswer - sendEnd),
    answeredRate: tally.lastAnswer > started ? ((tally.ok + tally.errors) / (tally.lastAnswer - started)) * 1000 : NaN,
    ok: tally.ok,
    errors: tally.errors,
    errorStatuses: tally.errorStatuses,
    notCaughtUp: tally.notCaughtUp,
    readErrors: tally.readErrors,
    visibleAtResponse: tally.visibleAtResponse,
    command: { p50: pct(cmd, 50), p99: pct(cmd, 99), max: cmd.at(-1) ?? NaN },
    lag: { count: lag.length, p50: pct(lag, 50), p99: pct(lag, 99), max: lag.at(-1) ?? NaN },
  };
}
