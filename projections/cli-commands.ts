import { READ_MODEL_REGISTRY } from './read-models';
import { parseArgs } from 'node:util';
import { createKafka, createRedis } from '../platform/clients';
import { loadConfig } from '../platform/config';
import { TOPICS } from '../domain/names';
import { READ_MODELS, readModel } from './read-models';
import { progressReporter } from './progress';
import { compileProjection, digestReadModel, ProjectionError, rebuild, ReadModelStore } from './runner';

const USAGE = `usage: npm run projections -- <command> [options]   (node dist/projections/cli.js <command>)
  rebuild [--read-model <name>]... [--threads <n>]
                                     replay the whole log into a fresh generation, then switch readers over
                                     and drop the old one (all read models if none is named); --threads: how
                                     many threads replay partitions side by side (default: one per core, up to 4)
  digest  [--read-model <name>]... [--generation <n>]
                                     print a deterministic hash of each read model (current generation by default)
  gaps    [--read-model <name>]...   list partnerships whose events are held behind a missing sequence
  status                             generations, rebuilds in progress and how far each read model has read
options:
  --topic <name>     the lifecycle topic (default ${TOPICS.lifecycleEvents})
  --prefix <root>    root of the Redis keys (default PARTNERFLOW_REDIS_PREFIX, else pf)
read models: ${READ_MODELS.map((m) => m.name).join(', ')}`;

/** True for operator errors (unknown read model, a rebuild already running, a bad option): one line, not a stack trace. */
export function isOperatorError(e: unknown): boolean {
  return e instanceof ProjectionError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
}

/** Runs one projections command (`args` default: the process arguments, as parseArgs finds them) (`rebuild`, `digest`, `gaps`, `status`); also used by `partnerflow projections`. */
export async function projectionsCli(args?: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'read-model': { type: 'string', multiple: true },
      generation: { type: 'string' },
      topic: { type: 'string' },
      prefix: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    if (command === undefined && !values.help) process.exitCode = 2;
    return;
  }
  const models = (values['read-model'] ?? []).length > 0 ? (values['read-model'] ?? []).map(readModel) : READ_MODELS;
  const topic = values.topic ?? TOPICS.lifecycleEvents;
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
    throw new ProjectionError(`--threads takes a whole number from 1 to 64, not "${values.threads}"`);
  }
  const cfg = loadConfig();
  const prefix = values.prefix ?? cfg.redis.prefix;
  const redis = createRedis(cfg);
  try {
    switch (command) {
      case 'rebuild': {
        const reporter = progressReporter(process.stderr);
        const abort = new AbortController();
        const onSignal = () => abort.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const result = await rebuild({
            registry: READ_MODEL_REGISTRY,
            kafka: createKafka(cfg),
            redis,
            projections: models,
            known: READ_MODELS,
            topic,
            keyPrefix: prefix,
            workers: threads,
            config: cfg,
            signal: abort.signal,
            onProgress: (p) => reporter.update(p),
            // On a terminal the bar has no newline yet: start the log line below it.
            log: (line) => process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}${line}\n`),
          });
          reporter.finish();
          const rate = result.ms > 0 ? Math.round((result.events / result.ms) * 1000) : 0;
          for (const m of result.models) {
            process.stdout.write(
              `rebuilt ${m.name}: generation ${m.generation}${m.previous ? ` replaced ${m.previous} (${m.droppedKeys} keys dropped)` : ''}\n`,
            );
          }
          process.stdout.write(`${result.events} events in ${(result.ms / 1000).toFixed(1)} s (${rate} events/s), ${result.poison} poison skipped\n`);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
        break;
      }
      case 'digest': {
        for (const m of models) {
          const d = await digestReadModel(redis, m.name, { generation: values.generation, prefix });
          process.stdout.write(`${d.model}\tgeneration ${d.generation}\t${d.keys} keys\tsha256 ${d.sha256}\n`);
        }
        break;
      }
      case 'gaps': {
        const store = new ReadModelStore(redis, prefix);
        let any = false;
        for (const m of models) {
          for (const [subject, gap] of await store.gaps(m.name)) {
            any = true;
            process.stdout.write(
              `${m.name}\t${subject}\twaiting for sequence ${gap.expected}\t${gap.held} held from ${gap.heldFrom}\tfirst seen at ${gap.detectedAt}\n`,
            );
          }
        }
        if (!any) process.stdout.write('no gaps\n');
        break;
      }
      case 'status': {
        const store = new ReadModelStore(redis, prefix);
        const admin = createKafka(cfg).admin();
        await admin.connect();
        try {
          const ends = await admin.fetchTopicOffsets(topic);
          for (const m of models) {
            const current = await store.current(m.name);
            const building = await redis.get(`${store.root(m.name)}building`);
            const offsets = current === null ? {} : await store.offsets(m.name, current);
            const lag = ends.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(offsets[`${topic}:${p.partition}`] ?? p.low)), 0);
            const gaps = current === null ? 0 : (await store.gaps(m.name)).size;
            const code = compileProjection(m).version;
            const builtBy = current === null ? code : await store.builtBy(m.name, current);
            const version = builtBy < code ? `version ${builtBy}, code is ${code}: rebuild it` : `version ${builtBy}`;
            process.stdout.write(
              `${m.name}\tgeneration ${current ?? '(none)'}\t${version}\t${building ? `rebuilding into ${building}\t` : ''}lag ${lag}\tgaps ${gaps}\n`,
            );
          }
        } finally {
          await admin.disconnect();
        }
        break;
      }
      default:
        process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
        process.exitCode = 2;
    }
  } finally {
    redis.disconnect();
  }
}
