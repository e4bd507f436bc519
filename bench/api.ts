/**
 * npm run bench:api [-- --partnerships 200 --duration 10 --connections 50 --rate 50 --warmup 2 --seed-concurrency 16
 *                      --only throughput|lag]
 *
 * The operations API on the real local stack (started like the other benches when not running): a Temporal worker on
 * the bench's own task queue publishing to its own Kafka topic, a projector folding that topic into Redis under its own
 * key prefix, and the API (buildApi) in a child process on a free port, with bearer tokens minted under that prefix.
 * N partnerships are seeded over HTTP, spread over screening, rejection, the three due-diligence phases, launch and
 * optimization (with findings, risks, KPI values and issues), so the reports have something to report.
 *
 * 1. Throughput: autocannon (C connections, D seconds per target after a discarded warm-up) against a Fastify
 *    hello-world and against each report endpoint and GET /partnerships/{id}; req/s, p50/p99 latency, non-2xx, and
 *    the ratio to the hello-world measured in the same run (before and after the API targets; their mean is the
 *    baseline). Both servers run in child processes the same way; autocannon runs in the bench process.
 * 2. Read-your-write lag: commands (KPI values and risk updates on optimization-stage partnerships) sent open-loop at
 *    a steady R/s for D seconds; for each, the time from its HTTP response to the summary read model showing its last
 *    event, measured on the user-facing path: GET /partnerships/{id}?after=<event id>, which waits server-side
 *    (polling Redis every 15 ms) until the read model has applied it.
 *
 * Figures only; nothing is asserted. Progress goes to stderr, results to stdout, the last line is a JSON summary.
 * Everything the bench creates (topic, consumer group, Redis keys, workflows) is removed at the end.
 */
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../platform/config';
import { runMain } from '../platform/entry';
import { up } from '../infra/stack';
import { ReadModelReader } from '../projections/runner';
import { lagTargets, measureLag, type LagResult } from './api-lag';
import { benchOptions } from './api-options';
import { printResults } from './api-report';
import { seedAll } from './api-seed';
import { Cleanups, runNames, startBenchStack } from './api-stack';
import { measureThroughput, type CannonStop } from './api-throughput';
import { conditions, err, interruption } from './api-util';

runMain(async () => {
  const o = benchOptions(
    parseArgs({
      options: {
        partnerships: { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        rate: { type: 'string' },
        warmup: { type: 'string' },
        'seed-concurrency': { type: 'string' },
        only: { type: 'string' },
      },
    }).values,
  );
  const cfg = loadConfig();
  // Like the other benches: start whatever part of the local stack is not running (and leave it running).
  await up(cfg);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const before = conditions();
  const names = runNames();
  const cleanups = new Cleanups();
  const cannonStop: CannonStop = {};
  const onSignal = () => {
    if (interruption.interrupted) return;
    interruption.interrupted = true;
    err('\ninterrupted: stopping and cleaning up…');
    cannonStop.current?.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { http, helloUrl, redis, projector, ids } = await startBenchStack(cfg, names, cleanups);
    const seed = await seedAll(http, names.run, o.partnerships, o.seedConcurrency, ids);
    const options = { connections: o.connections, duration: o.duration, warmup: o.warmup };
    const throughput = o.only === 'lag' ? undefined : await measureThroughput(http, helloUrl, ids, options, cannonStop);
    let lag: LagResult | undefined;
    if (o.only !== 'throughput') {
      const targets = await lagTargets(
        http,
        seed.seeded.filter((s) => s.target === 'optimization').map((s) => s.id),
      );
      err(`\n== read-your-write lag: ${o.rate} commands/s for ${o.duration} s over ${targets.length} optimization-stage partnerships`);
      lag = await measureLag(http, new ReadModelReader(redis, names.prefix), targets, o.rate, o.duration);
    }
    const seedFigures = { seconds: seed.seconds, commands: http.commands, line: seed.line };
    printResults({
      before,
      after: conditions(),
      partnerships: o.partnerships,
      seed: seedFigures,
      options,
      throughput,
      lag,
      deadLettered: projector.metrics().deadLetteredTotal,
    });
  } finally {
    err('\ncleaning up…');
    await cleanups.run();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    err('done.');
  }
});
