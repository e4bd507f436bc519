import fs from 'node:fs';
import path from 'node:path';
import { TokenStore } from '../services/auth/tokens';
import { createKafka, createRedis } from '../platform/clients';
import { loadConfig, type Config } from '../platform/config';
import { runMain, untilSignal } from '../platform/entry';
import { adminTokenFile, adminTokenNotice, saveAdminToken } from './admin-token';
import { startChild, stopChildren, type Child } from './children';
import { InfraError } from './processes';
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

const GRACE_MS = 20_000;

/** On the first start there are no tokens: mint an admin token, into a 0600 file, so someone can create the others. */
async function bootstrapAdminToken(cfg: Config): Promise<boolean> {
  const redis = createRedis(cfg);
  try {
    const minted = await new TokenStore(redis).bootstrapAdmin();
    if (minted === null) return false;
    saveAdminToken(adminTokenFile(cfg), minted.token);
    return true;
  } finally {
    redis.disconnect();
  }
}

function startChildren(): Child[] {
  const script = (name: string) => path.join(__dirname, name);
  return [
    startChild('worker', script('worker-main.js')),
    startChild('projector', script('projector-main.js'), [...FOLDING_NODE_FLAGS]),
    startChild('http', script('http-main.js')),
  ];
}

function readyBanner(cfg: Config, probeMs: number, minted: boolean): string {
  const tokenFile = adminTokenFile(cfg);
  const token = minted || fs.existsSync(tokenFile) ? `\n${adminTokenNotice(tokenFile, minted)}` : '';
  return `
partnerflow is running (probe round trip ${probeMs} ms)
  API          http://${cfg.http.host}:${cfg.http.port}/api/v1   (docs /docs, OpenAPI /openapi.json, /healthz, /readyz, /metrics)
  Temporal UI  ${cfg.temporal.local ? `http://127.0.0.1:${cfg.temporal.uiPort}/namespaces/${cfg.temporal.namespace}/workflows` : `(external cluster ${cfg.temporal.address})`}
  Temporal     ${cfg.temporal.address}, namespace ${cfg.temporal.namespace}   (CLI: npm run temporal -- workflow list)
  Kafka        ${cfg.kafka.brokers.join(',')}
  Redis        ${redactUrl(cfg.redis.url)}
  Logs         ${logDir(cfg)}${token}
Press Ctrl-C to stop.`;
}

async function start(cfg: Config): Promise<void> {
  // Listening from the start: a Ctrl-C during start-up stops what was started instead of killing this process alone.
  const signalled = untilSignal();
  const orStop = <T>(work: Promise<T>) =>
    Promise.race([
      work,
      signalled.then((s): never => {
        throw new InfraError(`${s} received during start-up; stopped what had started.`);
      }),
    ]);
  const startedServices: ServiceName[] = await up(cfg);
  const children: Child[] = [];
  try {
    await orStop(step('creating Kafka topics', () => ensureTopics(createKafka(cfg), cfg)));
    const minted = await orStop(bootstrapAdminToken(cfg));
    children.push(...startChildren());
    const crashed = Promise.race(children.map((c) => c.exited.then((code) => ({ name: c.name, code }))));
    const probe = await orStop(
      Promise.race([
        step('end-to-end probe: workflow → activity → Kafka → projector → Redis', () => runStackProbe(cfg)),
        crashed.then(({ name, code }) => {
          throw new InfraError(`the ${name} process exited (code ${code}) during start-up; its output is above.`);
        }),
      ]),
    );
    info(readyBanner(cfg, probe.ms, minted));
    const outcome = await Promise.race([signalled.then((s) => ({ signal: s })), crashed]);
    if ('name' in outcome) warn(`the ${outcome.name} process exited (code ${outcome.code}); stopping everything.`);
    else info(`\n${outcome.signal} received, stopping…`);
  } finally {
    await stopChildren(children, GRACE_MS);
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
