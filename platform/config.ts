import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { quoteValue } from './redact';

import { ConfigError } from './errors';

export { ConfigError };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

const hostPort = (example: string) =>
  z
    .string()
    .trim()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, `expected host:port, for example ${example}`)
    .refine((v) => portOf(v) > 0 && portOf(v) < 65536, 'port must be between 1 and 65535');

const port = z.coerce.number().int().min(1, 'must be a port between 1 and 65535').max(65535, 'must be a port between 1 and 65535');
/** A port to listen on where 0 means any free one (the process prints which): several processes on one host need no plan. */
const listenPort = z.coerce
  .number()
  .int()
  .min(0, 'must be a port between 0 (any free port) and 65535')
  .max(65535, 'must be a port between 0 (any free port) and 65535');

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** Every variable partnerflow reads, with its default. One schema, so every process agrees. */
const envSchema = z.object({
  TEMPORAL_ADDRESS: hostPort('127.0.0.1:7233').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'letters, digits, ".", "_" or "-"')
    .default('partnerflow'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TEST_SERVER_PORT: port.optional(),

  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b.length > 0),
    )
    .pipe(z.array(hostPort('127.0.0.1:9092')).min(1, 'list at least one broker, e.g. 127.0.0.1:9092')),
  KAFKA_CONTROLLER_PORT: port.default(9093),
  KAFKA_CLIENT_ID: z.string().min(1).default('partnerflow'),
  KAFKA_SSL: bool.default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: optionalText,
  KAFKA_SASL_PASSWORD: optionalText,
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),

  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\/.+/.test(v) && safeUrl(v) !== undefined, 'expected redis://host:port[/db] or rediss://…'),

  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(8080),
  HTTP_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  PROJECTOR_METRICS_PORT: listenPort.default(9464),
  PARTNERFLOW_READ_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  PARTNERFLOW_READ_WAITERS: z.coerce.number().int().min(1).max(100_000).default(256),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  HTTP_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  PARTNERFLOW_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64 (no ":" or glob characters)')
    .default('pf'),

  PARTNERFLOW_CACHE_DIR: optionalText,
  PARTNERFLOW_DATA_DIR: optionalText,
  PARTNERFLOW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  PARTNERFLOW_POLICY_FILE: optionalText,
});

export interface TemporalConfig {
  address: string;
  namespace: string;
  uiPort: number;
  tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
  apiKey?: string;
  /** True when the address is on this machine: partnerflow runs the dev server itself. */
  local: boolean;
  port: number;
  testServerPort?: number;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  replicationFactor: number;
  partitions: number;
  local: boolean;
  port: number;
  controllerPort: number;
}

export interface RedisConfig {
  url: string;
  /** Root of every key partnerflow writes (tokens, idempotency records, read models): one per deployment sharing a Redis. */
  prefix: string;
  local: boolean;
  port: number;
}

export interface Config {
  temporal: TemporalConfig;
  kafka: KafkaConfig;
  redis: RedisConfig;
  http: {
    host: string;
    port: number;
    /** Largest request body the API accepts, in bytes. */
    bodyLimit: number;
    /** Longest a read with `?after=` waits for its read model to catch up, in ms. */
    readWaitMs: number;
    /** Where the projector serves its Prometheus metrics (lag, rate, dead letters). */
    projectorMetricsPort: number;
    /** Longest a request may take, first byte to last, in ms. */
    requestTimeoutMs: number;
    /** Requests a minute per token; 0: no limit. */
    rateLimitPerMinute: number;
    /** Most reads waiting with `?after=` at once. */
    maxReadWaiters: number;
  };
  /** Built tools and jars, shared by every clone on this machine. */
  cacheDir: string;
  /** Runtime data and logs of the local stack, inside the clone. */
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The lifecycle policy (JSON or YAML) pinned to partnerships registered from now on; the built-in default when unset. */
  policyFile?: string;
}

function safeUrl(v: string): URL | undefined {
  try {
    return new URL(v);
  } catch {
    return undefined;
  }
}

function hostOf(address: string): string {
  return address.slice(0, address.lastIndexOf(':'));
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

/** The folder that holds the repository (where package.json is), whether running from source or dist. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new ConfigError('cannot find package.json above ' + __dirname);
    dir = parent;
  }
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'partnerflow');
}

function formatIssues(error: z.ZodError, env: NodeJS.ProcessEnv): string {
  return error.issues
    .map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const got = env[name];
      return `  ${name}: ${issue.message}${got === undefined ? '' : ` (got ${quoteValue(name, got)})`}`;
    })
    .join('\n');
}

/** Reads and validates the configuration; throws ConfigError naming each wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${formatIssues(parsed.error, env)}\nFix the variable(s) above and run again.`);
  }
  const e = parsed.data;

  const hasTlsFiles = e.TEMPORAL_TLS_CERT_PATH !== undefined || e.TEMPORAL_TLS_KEY_PATH !== undefined;
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together: set both for mTLS, or neither.');
  }
  const tlsOn = e.TEMPORAL_TLS || hasTlsFiles || e.TEMPORAL_API_KEY !== undefined;

  let sasl: KafkaConfig['sasl'];
  if (e.KAFKA_SASL_MECHANISM !== undefined) {
    if (e.KAFKA_SASL_USERNAME === undefined || e.KAFKA_SASL_PASSWORD === undefined) {
      throw new ConfigError('Invalid configuration:\n  KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set.');
    }
    sasl = { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD };
  } else if (e.KAFKA_SASL_USERNAME !== undefined) {
    throw new ConfigError('Invalid configuration:\n  KAFKA_SASL_MECHANISM: set it (plain, scram-sha-256 or scram-sha-512) when KAFKA_SASL_USERNAME is set.');
  }

  const localBrokers = e.KAFKA_BROKERS.filter((b) => isLoopback(hostOf(b)));
  if (localBrokers.length > 0 && localBrokers.length !== e.KAFKA_BROKERS.length) {
    throw new ConfigError('Invalid configuration:\n  KAFKA_BROKERS: mixes this machine and remote brokers; list only one kind.');
  }
  if (localBrokers.length > 1) {
    throw new ConfigError('Invalid configuration:\n  KAFKA_BROKERS: the local stack runs one broker; list a single 127.0.0.1:<port>.');
  }
  const firstBroker = e.KAFKA_BROKERS[0] as string;

  const redisUrl = new URL(e.REDIS_URL);
  const redisHost = redisUrl.hostname;

  const root = projectRoot();
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiPort: e.TEMPORAL_UI_PORT,
      tls: tlsOn
        ? {
            certPath: e.TEMPORAL_TLS_CERT_PATH,
            keyPath: e.TEMPORAL_TLS_KEY_PATH,
            caPath: e.TEMPORAL_TLS_CA_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      apiKey: e.TEMPORAL_API_KEY,
      local: isLoopback(hostOf(e.TEMPORAL_ADDRESS)) && !tlsOn,
      port: portOf(e.TEMPORAL_ADDRESS),
      testServerPort: e.TEMPORAL_TEST_SERVER_PORT,
    },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      ssl: e.KAFKA_SSL,
      sasl,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      partitions: e.KAFKA_PARTITIONS,
      local: localBrokers.length === 1 && !e.KAFKA_SSL && sasl === undefined,
      port: portOf(firstBroker),
      controllerPort: e.KAFKA_CONTROLLER_PORT,
    },
    redis: {
      url: e.REDIS_URL,
      prefix: e.PARTNERFLOW_REDIS_PREFIX,
      local: isLoopback(redisHost) && redisUrl.protocol === 'redis:',
      port: redisUrl.port === '' ? 6379 : Number(redisUrl.port),
    },
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      bodyLimit: e.HTTP_BODY_LIMIT,
      readWaitMs: e.PARTNERFLOW_READ_WAIT_MS,
      projectorMetricsPort: e.PROJECTOR_METRICS_PORT,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      rateLimitPerMinute: e.HTTP_RATE_LIMIT,
      maxReadWaiters: e.PARTNERFLOW_READ_WAITERS,
    },
    cacheDir: path.resolve(e.PARTNERFLOW_CACHE_DIR ?? defaultCacheDir(env)),
    dataDir: path.resolve(root, e.PARTNERFLOW_DATA_DIR ?? '.data'),
    logLevel: e.PARTNERFLOW_LOG_LEVEL,
    policyFile: e.PARTNERFLOW_POLICY_FILE === undefined ? undefined : path.resolve(e.PARTNERFLOW_POLICY_FILE),
  };
}
