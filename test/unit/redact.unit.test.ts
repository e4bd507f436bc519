import { quoteValue, redactText, redactUrl } from '../../platform/redact';
import { ConfigError, loadConfig } from '../../platform/config';

describe('credentials never reach output', () => {
  test('a URL loses its user and password, nothing else', () => {
    expect(redactUrl('redis://default:s3cret@cache.internal:6380/2')).toBe('redis://***@cache.internal:6380/2');
    expect(redactUrl('rediss://:only-pass@h:6379')).toBe('rediss://***@h:6379');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  test('every URL inside a message is redacted', () => {
    expect(redactText('cannot reach redis://a:b@h1:1 nor amqp://c:d@h2/x')).toBe('cannot reach redis://***@h1:1 nor amqp://***@h2/x');
  });

  test('a secret variable is never quoted; others are quoted with credentials hidden and cut short', () => {
    expect(quoteValue('KAFKA_SASL_PASSWORD', 'hunter2')).toBe('(value hidden)');
    expect(quoteValue('TEMPORAL_API_KEY', 'abc')).toBe('(value hidden)');
    expect(quoteValue('REDIS_URL', 'redis://u:pw@h:x')).toBe('"redis://***@h:x"');
    expect(quoteValue('HTTP_HOST', 'x'.repeat(200)).length).toBeLessThan(90);
  });

  test('a configuration error names the variable but does not echo its password', () => {
    let message = '';
    try {
      loadConfig({ REDIS_URL: 'http://user:hunter2@redis.internal:6379' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/REDIS_URL/);
    expect(message).not.toContain('hunter2');
  });
});
