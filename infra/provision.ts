import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config';
import { binaryRefusal, jarManifest, jarMismatches, recordBinaryHash, verifyJars } from './checksums';
import { InfraError, commandExists, isListening, run, sleep, startDetached, stopPid } from './processes';
import { skip, step, warn } from './progress';

/** Pinned versions of everything the local stack is built from. Changing one re-provisions just that part. */
export const VERSIONS = {
  /** Newest tag `go install` accepts; later tags carry a `replace` directive. */
  temporalCli: 'v1.5.1',
  temporalTestServer: '1.38.0',
  /** Kafka 4.x works with kafkajs 2.2.4 (ApiVersions negotiation picks versions both sides support). */
  kafka: '4.4.0',
  log4j: '2.25.5',
  slf4j: '1.7.36',
  /** Pinned: an unpinned plugin is whatever the local Maven resolves (it was 2.8, from 2013). */
  mavenDependencyPlugin: '3.8.1',
} as const;

/** The Go package whose `Version` the Temporal CLI reports (`temporal --version`); unset, it says 0.0.0-DEV. */
const TEMPORAL_CLI_VERSION_VAR = 'github.com/temporalio/cli/temporalcli.Version';

export interface Toolchain {
  temporalCli: string;
  testServerScript: string;
  kafkaClasspath: string;
  redisServer: string;
}

export function toolPaths(cfg: Config): Toolchain {
  const bin = path.join(cfg.cacheDir, 'bin');
  return {
    temporalCli: path.join(bin, `temporal-${VERSIONS.temporalCli}`),
    testServerScript: path.join(bin, `temporal-test-server-${VERSIONS.temporalTestServer}`),
    kafkaClasspath: path.join(cfg.cacheDir, 'jars', `kafka-${VERSIONS.kafka}`, '*'),
    redisServer: 'redis-server',
  };
}

function requireCommand(command: string, why: string, fix: string): void {
  if (!commandExists(command)) throw new InfraError(`${command} is not on PATH; it is needed ${why}. ${fix}`);
}

/**
 * Builds the Temporal CLI (which embeds the dev server) from the Go module proxy, once per machine, and records its
 * SHA-256. A cached binary is used only while it still has that hash; otherwise it is refused and built again.
 */
export async function ensureTemporalCli(cfg: Config): Promise<void> {
  const target = toolPaths(cfg).temporalCli;
  const title = `Temporal CLI ${VERSIONS.temporalCli}`;
  const refusal = await binaryRefusal(target);
  if (refusal === undefined) return skip(title, `cached at ${target}, SHA-256 checked`);
  if (fs.existsSync(target)) warn(`not using the cached Temporal CLI: ${refusal}. Building it again.`);
  requireCommand('go', 'to build the Temporal dev server', 'Install Go 1.22 or newer, or point TEMPORAL_ADDRESS at a running cluster.');
  await step(
    `building ${title} with go install`,
    async () => {
      const staging = fs.mkdtempSync(path.join(cfg.cacheDir, 'go-bin-'));
      try {
        const ldflags = `-X ${TEMPORAL_CLI_VERSION_VAR}=${VERSIONS.temporalCli.replace(/^v/, '')}`;
        await run('go', ['install', '-ldflags', ldflags, `github.com/temporalio/cli/cmd/temporal@${VERSIONS.temporalCli}`], {
          env: { ...process.env, CGO_ENABLED: '0', GOBIN: staging, GOFLAGS: '-mod=mod' },
          logFile: path.join(cfg.cacheDir, 'logs', 'temporal-cli-build.log'),
        });
        fs.mkdirSync(path.dirname(target), { recursive: true });
        // rename is atomic: an interrupted build never leaves a half-written binary behind (nor one without its hash).
        fs.rmSync(`${target}.sha256`, { force: true });
        fs.renameSync(path.join(staging, 'temporal'), target);
        await recordBinaryHash(target);
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    },
    { slowHint: 'first run only, about 4 minutes on 2 cores' },
  );
}

/**
 * Resolves Maven artifacts with their runtime dependencies into a folder of jars, once per machine. The jars must have
 * the SHA-256 checked in (infra/jars.sha256.json), after each download and before each use.
 */
async function ensureJars(cfg: Config, name: string, dependencies: Array<[string, string, string]>): Promise<string> {
  const dir = path.join(cfg.cacheDir, 'jars', name);
  const marker = path.join(dir, '.complete');
  const manifest = jarManifest(name);
  if (fs.existsSync(marker)) {
    const problems = await jarMismatches(dir, manifest);
    if (problems.length === 0) {
      skip(`${name} jars`, `cached at ${dir}, SHA-256 checked`);
      return dir;
    }
    warn(`not using the cached ${name} jars (${problems.join('; ')}). Downloading them again.`);
  }
  requireCommand('mvn', `to download ${name} from Maven Central`, 'Install Maven (apt-get install maven).');
  await step(`downloading ${name} jars from Maven Central`, async () => {
    const work = path.join(cfg.cacheDir, 'maven', name);
    fs.mkdirSync(work, { recursive: true });
    const deps = dependencies
      .map(([g, a, v]) => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`)
      .join('\n    ');
    fs.writeFileSync(
      path.join(work, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>partnerflow.local</groupId><artifactId>${name}</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    ${deps}
  </dependencies>
</project>
`,
    );
    const staging = `${dir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    const goal = `org.apache.maven.plugins:maven-dependency-plugin:${VERSIONS.mavenDependencyPlugin}:copy-dependencies`;
    // --strict-checksums: a download that does not match Maven Central's checksum fails instead of warning.
    await run('mvn', ['-B', '--no-transfer-progress', '--strict-checksums', goal, '-DincludeScope=runtime', `-DoutputDirectory=${staging}`], {
      cwd: work,
      logFile: path.join(cfg.cacheDir, 'logs', `maven-${name}.log`),
    });
    try {
      await verifyJars(staging, manifest);
    } catch (e) {
      throw new InfraError(`${(e as Error).message}\n(Maven reuses what ~/.m2/repository holds: delete a bad copy there to fetch it again.)`);
    }
    fs.writeFileSync(path.join(staging, '.complete'), new Date().toISOString());
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  });
  return dir;
}

const TEST_SERVER_MAIN = 'io.temporal.testserver.TestServer';

function testServerJvmFlags(archive: string): string[] {
  // Class-data sharing cuts JVM start-up from ~2 s to well under 1 s: sdk-core kills a test server not listening within 5 s.
  return [
    `-XX:SharedArchiveFile=${archive}`,
    '-Xshare:auto',
    '-Xlog:cds=off',
    '-Xlog:cds+dynamic=off',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Xss1m',
  ];
}

/** The Java time-skipping test server, a wrapper script that execs it, and a class-data archive for a fast start. */
async function ensureTestServer(cfg: Config): Promise<void> {
  const jars = await ensureJars(cfg, `temporal-test-server-${VERSIONS.temporalTestServer}`, [
    ['io.temporal', 'temporal-test-server', VERSIONS.temporalTestServer],
    ['org.slf4j', 'slf4j-nop', VERSIONS.slf4j],
  ]);
  const script = toolPaths(cfg).testServerScript;
  const archive = path.join(jars, 'test-server.jsa');
  const javaVersion = await run('java', ['-version']);
  const versionFile = path.join(jars, 'test-server.jsa.java-version');
  const fresh = fs.existsSync(script) && fs.existsSync(archive) && fs.existsSync(versionFile) && fs.readFileSync(versionFile, 'utf8') === javaVersion;
  if (fresh) return skip('time-skipping test server', `cached at ${script}`);
  await step('preparing the time-skipping test server (wrapper script and class-data archive)', async () => {
    fs.mkdirSync(path.dirname(script), { recursive: true });
    fs.writeFileSync(
      script,
      `#!/bin/sh\n# Generated by partnerflow (infra/provision.ts): the Temporal time-skipping test server; args: <port>\nexec java ${testServerJvmFlags(archive).join(' ')} -cp '${jars}/*' ${TEST_SERVER_MAIN} "$@"\n`,
      { mode: 0o755 },
    );
    // A training run writes the archive when the JVM exits.
    fs.rmSync(archive, { force: true });
    const port = 17_000 + Math.floor(Math.random() * 2000);
    const pidFile = path.join(cfg.cacheDir, 'run', 'cds-training.pid');
    const logFile = path.join(cfg.cacheDir, 'logs', 'cds-training.log');
    startDetached({
      command: 'java',
      args: [
        `-XX:ArchiveClassesAtExit=${archive}`,
        '-Xlog:cds=off',
        '-Xlog:cds+dynamic=off',
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        '-cp',
        `${jars}/*`,
        TEST_SERVER_MAIN,
        String(port),
      ],
      logFile,
      pidFile,
    });
    const deadline = Date.now() + 60_000;
    while (!(await isListening(port)) && Date.now() < deadline) await sleep(100);
    await stopPid(pidFile);
    if (!fs.existsSync(archive)) throw new InfraError(`the class-data archive was not written; see ${logFile}`);
    fs.writeFileSync(versionFile, javaVersion);
  });
}

async function ensureKafka(cfg: Config): Promise<void> {
  await ensureJars(cfg, `kafka-${VERSIONS.kafka}`, [
    ['org.apache.kafka', 'kafka_2.13', VERSIONS.kafka],
    // Kafka logs through SLF4J 1.7; this binding routes it to log4j2 so the broker log is readable.
    ['org.apache.logging.log4j', 'log4j-slf4j-impl', VERSIONS.log4j],
  ]);
}

/** Debian's redis-server, installed with apt-get when missing (we run as root on the project's machines). */
async function ensureRedis(): Promise<void> {
  if (commandExists('redis-server')) return skip('redis-server', 'installed');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!commandExists('apt-get') || !isRoot) {
    throw new InfraError(
      'redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server), or point REDIS_URL at a running Redis.',
    );
  }
  await step('installing redis-server with apt-get', async () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-qq'], { env });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { env });
  });
}

/** Installs whatever the local parts of the stack need and is not there yet. Idempotent; each done step is skipped. */
export async function provision(cfg: Config, opts: { testServer: boolean }): Promise<void> {
  fs.mkdirSync(cfg.cacheDir, { recursive: true });
  if (cfg.temporal.local) await ensureTemporalCli(cfg);
  if (opts.testServer) {
    requireCommand('java', 'to run the Temporal test server and Kafka', 'Install a Java 17+ runtime (apt-get install openjdk-17-jre-headless).');
    await ensureTestServer(cfg);
  }
  if (cfg.kafka.local) {
    requireCommand('java', 'to run the local Kafka broker', 'Install a Java 17+ runtime, or point KAFKA_BROKERS at a running cluster.');
    await ensureKafka(cfg);
  }
  if (cfg.redis.local) await ensureRedis();
}
