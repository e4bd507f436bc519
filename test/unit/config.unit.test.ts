import { ConfigError, loadConfig } from '../../platform/config';

describe('configuration from the environment', () => {
  test('with nothing set, everything runs on this machine with the documented defaults', () => {
    const cfg = loadConfig({});
    expect(cfg.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'partnerflow', local: true, port: 7233, uiPort: 8233 });
    expect(cfg.kafka).toMatchObject({ brokers: ['127.0.0.1:9092'], local: true, port: 9092, controllerPort: 9093 });
    expect(cfg.redis).toMatchObject({ url: 'redis://127.0.0.1:6379', local: true, port: 6379 });
    expect(cfg.http).toEqual({
      host: '127.0.0.1',
      port: 8080,
      bodyLimit: 65536,
      readWaitMs: 5000,
      projectorMetricsPort: 9464,
      requestTimeoutMs: 30000,
      rateLimitPerMinute: 1200,
      maxReadWaiters: 256,
    });
    expect(cfg.redis.prefix).toBe('pf');
  });

  test('an address elsewhere means the local service is not started', () => {
    const cfg = loadConfig({
      TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'key',
      KAFKA_BROKERS: 'b1.kafka.internal:9094,b2.kafka.internal:9094',
      KAFKA_SSL: 'true',
      REDIS_URL: 'rediss://cache.internal:6380/2',
    });
    expect(cfg.temporal.local).toBe(false);
    expect(cfg.temporal.tls).toBeDefined();
    expect(cfg.kafka.local).toBe(false);
    expect(cfg.kafka.brokers).toEqual(['b1.kafka.internal:9094', 'b2.kafka.internal:9094']);
    expect(cfg.redis.local).toBe(false);
  });

  test.each([
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS: expected host:port/],
    ['HTTP_PORT', { HTTP_PORT: '99999' }, /HTTP_PORT: must be a port/],
    ['PROJECTOR_METRICS_PORT', { PROJECTOR_METRICS_PORT: '-1' }, /PROJECTOR_METRICS_PORT: must be a port between 0 \(any free port\)/],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'kafka' }, /KAFKA_BROKERS/],
    ['REDIS_URL', { REDIS_URL: 'http://x' }, /REDIS_URL: expected redis:\/\//],
    ['TEMPORAL_TLS', { TEMPORAL_TLS: 'maybe' }, /TEMPORAL_TLS/],
    ['KAFKA_SASL_MECHANISM', { KAFKA_SASL_MECHANISM: 'plain' }, /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/],
    ['KAFKA_BROKERS mixed', { KAFKA_BROKERS: '127.0.0.1:9092,remote:9092' }, /mixes this machine and remote brokers/],
    ['TEMPORAL_TLS_CERT_PATH alone', { TEMPORAL_TLS_CERT_PATH: '/x.pem' }, /go together/],
  ])('a wrong %s fails fast with a message naming the variable', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('PROJECTOR_METRICS_PORT=0 asks for any free port (several projectors on one host); HTTP_PORT stays 1–65535', () => {
    expect(loadConfig({ PROJECTOR_METRICS_PORT: '0' }).http.projectorMetricsPort).toBe(0);
    expect(() => loadConfig({ HTTP_PORT: '0' })).toThrow(/HTTP_PORT: must be a port between 1 and 65535/);
  });

  test('the message shows what was given, so the user sees the typo', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow('(got "localhost")');
  });

  test('the cache folder follows PARTNERFLOW_CACHE_DIR, else XDG_CACHE_HOME', () => {
    expect(loadConfig({ PARTNERFLOW_CACHE_DIR: '/var/cache/pf' }).cacheDir).toBe('/var/cache/pf');
    expect(loadConfig({ XDG_CACHE_HOME: '/xdg' }).cacheDir).toBe('/xdg/partnerflow');
  });
});
