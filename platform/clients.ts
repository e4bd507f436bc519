import fs from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import type { Config } from './config';
import { localRedisPassword } from './redis-auth';

function tlsOptions(cfg: Config): ConnectionOptions['tls'] {
  const tls = cfg.temporal.tls;
  if (!tls) return undefined;
  const read = (p?: string) => (p === undefined ? undefined : fs.readFileSync(p));
  const cert = read(tls.certPath);
  const key = read(tls.keyPath);
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: read(tls.caPath),
    clientCertPair: cert && key ? { crt: cert, key } : undefined,
  };
}

function temporalOptions(cfg: Config): ConnectionOptions & NativeConnectionOptions {
  return {
    address: cfg.temporal.address,
    tls: tlsOptions(cfg),
    apiKey: cfg.temporal.apiKey,
  };
}

/** A client connection (for starting workflows, queries, updates). */
export function connectTemporalClient(cfg: Config, connectTimeoutMs = 10_000): Promise<Connection> {
  return Connection.connect({ ...temporalOptions(cfg), connectTimeout: connectTimeoutMs });
}

/** A native connection for workers. */
export function connectTemporalWorker(cfg: Config): Promise<NativeConnection> {
  return NativeConnection.connect(temporalOptions(cfg));
}

/** The one place kafkajs is configured; swap the Kafka client here. */
export function createKafka(cfg: Config, overrides: Partial<KafkaJsConfig> = {}): Kafka {
  let sasl: SASLOptions | undefined;
  if (cfg.kafka.sasl) {
    const { mechanism, username, password } = cfg.kafka.sasl;
    sasl =
      mechanism === 'plain'
        ? { mechanism: 'plain', username, password }
        : mechanism === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', username, password }
          : { mechanism: 'scram-sha-512', username, password };
  }
  return new Kafka({
    clientId: cfg.kafka.clientId,
    brokers: cfg.kafka.brokers,
    ssl: cfg.kafka.ssl,
    sasl,
    logLevel: cfg.logLevel === 'debug' ? logLevel.INFO : logLevel.NOTHING,
    ...overrides,
  });
}

/** `probe`: one attempt, no reconnects (health checks); otherwise reconnects forever with backoff. */
export function createRedis(cfg: Config, opts: { probe?: boolean } = {}): Redis {
  const password = localRedisPassword(cfg);
  return new Redis(cfg.redis.url, {
    ...(password === undefined ? {} : { password }),
    lazyConnect: opts.probe === true,
    maxRetriesPerRequest: opts.probe ? 0 : 20,
    retryStrategy: opts.probe ? () => null : (attempt) => Math.min(attempt * 100, 2000),
    connectTimeout: opts.probe ? 2000 : 10_000,
  });
}
