/** Part 1 of `npm run bench:api`: autocannon against the report routes and a partnership's summary, beside a hello-world. */
import autocannon from 'autocannon';
import { API_PREFIX, pathOf } from '../services/contract/paths';
import { READ } from '../services/contract/reads';
import type { Http } from './api-client';
import { checkInterrupted, err } from './api-util';

export interface Throughput {
  name: string;
  path: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
  bytesPerResponse: number;
}

export interface ThroughputResult {
  targets: Throughput[];
  /** Mean req/s of the hello-world before and after the API targets, and how far apart the two were. */
  baseline: number;
  helloDrift: number;
}

interface CannonOptions {
  connections: number;
  duration: number;
  warmup: number;
  headers?: Record<string, string>;
  requests?: autocannon.RequestSpec[];
}

/** Where a running autocannon is, so Ctrl-C can stop it. */
export type CannonStop = { current?: autocannon.Instance };

/** The report routes measured, in the order the bench always measured them. */
const REPORTS = [READ.reportPortfolio, READ.reportWork, READ.reportRisks, READ.reportCalendar, READ.reportKpis, READ.reportCycleTimes];

async function cannon(name: string, url: string, route: string, opts: CannonOptions, stop: CannonStop): Promise<Throughput> {
  const run = async (duration: number) => {
    checkInterrupted();
    const instance = autocannon({
      url: `${url}${route}`,
      connections: opts.connections,
      duration,
      headers: opts.headers ?? {},
      ...(opts.requests === undefined ? {} : { requests: opts.requests }),
    });
    stop.current = instance;
    try {
      return await instance;
    } finally {
      stop.current = undefined;
    }
  };
  err(`  ${name}: ${opts.warmup > 0 ? `${opts.warmup} s warm-up, then ` : ''}${opts.duration} s`);
  if (opts.warmup > 0) await run(opts.warmup);
  const r = await run(opts.duration);
  checkInterrupted();
  return {
    name,
    path: route,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    requests: r.requests.total,
    bytesPerResponse: r.throughput.total / Math.max(1, r.requests.total),
  };
}

/** The hello-world, each report, a partnership's summary (cycling over `ids`), then the hello-world again. */
export async function measureThroughput(
  http: Http,
  helloUrl: string,
  ids: readonly string[],
  opts: { connections: number; duration: number; warmup: number },
  stop: CannonStop,
): Promise<ThroughputResult> {
  for (const route of REPORTS) await http.get(route, {});
  err(`\n== throughput: autocannon, ${opts.connections} connections, ${opts.duration} s per target`);
  const headers = { authorization: `Bearer ${http.tokens.viewer}` };
  const targets: Throughput[] = [];
  targets.push(await cannon('hello-world (before)', helloUrl, '/', opts, stop));
  for (const route of REPORTS) targets.push(await cannon(route.path.slice('/reports/'.length), http.url, pathOf(route, {}), { ...opts, headers }, stop));
  let next = 0;
  const requests: autocannon.RequestSpec[] = [
    { setupRequest: (req) => ({ ...req, path: pathOf(READ.getPartnership, { id: ids[next++ % ids.length] as string }) }) },
  ];
  targets.push(await cannon('partnership', http.url, `${API_PREFIX}${READ.getPartnership.path}`, { ...opts, headers, requests }, stop));
  targets.push(await cannon('hello-world (after)', helloUrl, '/', opts, stop));
  const [first, last] = [(targets[0] as Throughput).rps, (targets[targets.length - 1] as Throughput).rps];
  const baseline = (first + last) / 2;
  return { targets, baseline, helloDrift: Math.abs(first - last) / baseline };
}
