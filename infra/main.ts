import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TokenStore } from '../services/api/tokens';
import { createKafka, createRedis } from './clients';
import { loadConfig, type Config } from './config';
import { runMain, untilSignal } from './entry';
import { InfraError, sleep } from './processes';
import { info, step, warn } from './progress';
import { runStackProbe } from './probe';
import { down, logDir, printStatus, status, up, type ServiceName } from './stack';
import { ensureTopics } from './topics';
import { FOLDING_NODE_FLAGS } from '../projections/runner/young-generation';
import { redactUrl } from '../platform/redact';

const USAGE = `usage: node dist/infra/main.js <command>
  up       provision what is missing and start the local stack (Temporal, Kafka, Redis)
  down     stop the local stack
  status   report each service's health
  start    the stack plus the worker, projector and HTTP service; Ctrl-C stops everything
  probe    run the end-to-end probe against a running system`;

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

function startChild(name: string, script: string, nodeFlags: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeFlags, path.join(__dirname, script)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') stream.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', prefix(process.stdout));
  child.stderr?.on('data', prefix(process.stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, process: child, exited };
}


async function stopChildren(children: Child[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.process.exitCode !== null) return;
      c.process.kill('SIGTERM');
      const timedOut = await Promise.race([c.exited.then(() => false), sleep(20_000).then(() => true)]);
      if (timedOut) c.process.kill('SIGKILL');
    }),
  );
}

/** On the first start there are no tokens: mint an admin token so someone can create the others. */
async function bootstrapAdminToken(cfg: Config): Promise<string | null> {
  const redis = createRedis(cfg);
  try {
    return (await new TokenStore(redis).bootstrapAdmin())?.token ?? null;
  } finally {
    redis.disconnect();
  }
}

async function start(cfg: Config): Promise<void> {
  const startedServices: ServiceName[] = await up(cfg);
  const children: Child[] = [];
  try {
    await step('creating Kafka topics', () => ensureTopics(createKafka(cfg), cfg));
    const firstToken = await bootstrapAdminToken(cfg);
    children.push(startChild('worker', 'worker-main.js'), startChild('projector', 'projector-main.js', [...FOLDING_NODE_FLAGS]), startChild('http', 'http-main.js'));
    const crashed = Promise.race(children.map((c) => c.exited.then((code) => ({ name: c.name, code }))));
    const probe = await Promise.race([
      step('end-to-end probe: workflow → activity → Kafka → projector → Redis', () => runStackProbe(cfg)),
      crashed.then(({ name, code }) => {
        throw new InfraError(`the ${name} process exited (code ${code}) during start-up; its output is above.`);
      }),
    ]);
    info(`
partnerflow is running (probe round trip ${probe.ms} ms)
  API          http://${cfg.http.host}:${cfg.http.port}/api/v1   (docs /docs, OpenAPI /openapi.json, /healthz, /readyz, /metrics)
  Temporal UI  ${cfg.temporal.local ? `http://127.0.0.1:${cfg.temporal.uiPort}/namespaces/${cfg.temporal.namespace}/workflows` : `(external cluster ${cfg.temporal.address})`}
  Temporal     ${cfg.temporal.address}, namespace ${cfg.temporal.namespace}
  Kafka        ${cfg.kafka.brokers.join(',')}
  Redis        ${redactUrl(cfg.redis.url)}
  Logs         ${logDir(cfg)}
Press Ctrl-C to stop.`);
    if (firstToken !== null) {
      info(`
No API tokens existed, so an admin token was created. It is shown this once; keep it somewhere safe:

  PARTNERFLOW_TOKEN=${firstToken}

Create tokens for people with: npm run partnerflow -- tokens create --name <person> --role <role>`);
    }
    const outcome = await Promise.race([untilSignal().then((s) => ({ signal: s })), crashed]);
    if ('name' in outcome) warn(`the ${outcome.name} process exited (code ${outcome.code}); stopping everything.`);
    else info(`\n${outcome.signal} received, stopping…`);
  } finally {
    await stopChildren(children);
    await down(cfg, startedServices);
  }
}

runMain(async () => {
  const command = process.argv[2];
  const cfg = loadConfig();
  switch (command) {
    case 'up': {
      await up(cfg, { testServer: process.argv.includes('--with-test-server') });
      printStatus(await status(cfg));
      break;
    }
    case 'down':
      await down(cfg);
      break;
    case 'status': {
      const rows = await status(cfg);
      printStatus(rows);
      if (rows.some((r) => !r.health.ok)) process.exitCode = 1;
      break;
    }
    case 'start':
      await start(cfg);
      break;
    case 'probe': {
      const { ms, workflowId } = await runStackProbe(cfg);
      info(`probe ${workflowId} reached Redis in ${ms} ms`);
      break;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
});
