import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createRedis } from '../../platform/clients';
import { localRedisPassword, localRedisPasswordFile } from '../../platform/redis-auth';
import { testConfig } from '../support/stack';

/** The local Redis that `npm start` and `npm test` run needs a password that only the project's own clients read. */
describe('the local Redis', () => {
  const cfg = testConfig();

  test('refuses a client without the password, and serves partnerflow’s clients', async () => {
    expect(cfg.redis.local).toBe(true);
    const anonymous = new Redis(cfg.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const errors: string[] = [];
    anonymous.on('error', (e: Error) => errors.push(e.message));
    try {
      await expect(anonymous.connect().then(() => anonymous.ping())).rejects.toThrow();
      expect(errors.join('\n')).toMatch(/NOAUTH/);
    } finally {
      anonymous.disconnect();
    }
    const ours = createRedis(cfg);
    try {
      expect(await ours.ping()).toBe('PONG');
    } finally {
      ours.disconnect();
    }
  });

  test('keeps the password in a 0600 file and off every command line', () => {
    const password = localRedisPassword(cfg);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fs.statSync(localRedisPasswordFile(cfg)).mode & 0o777).toBe(0o600);
    const commandLines = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(commandLines).toContain('redis-server');
    expect(commandLines).not.toContain(password as string);
  });
});
