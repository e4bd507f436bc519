import { cachedReadiness } from '../../../services/api/readiness';

describe('cached readiness', () => {
  test('many callers within the ttl share one round of checks', async () => {
    let calls = 0;
    let clock = 0;
    const ready = cachedReadiness({ redis: async () => ((calls += 1), { ok: true }) }, { ttlMs: 2000, now: () => clock });
    await Promise.all(Array.from({ length: 50 }, () => ready()));
    expect(calls).toBe(1);
    clock = 1999;
    await ready();
    expect(calls).toBe(1);
    clock = 2000;
    await ready();
    expect(calls).toBe(2);
  });

  test('says up or down per check; the error text goes to the log, not the answer', async () => {
    const lines: string[] = [];
    const ready = cachedReadiness(
      {
        temporal: async () => ({ ok: true }),
        kafka: async () => ({ ok: false, detail: 'connect ECONNREFUSED 10.0.0.7:9092' }),
        redis: async () => Promise.reject(new Error('boom at redis://u:secret@h')),
      },
      { log: (l) => lines.push(l) },
    );
    const r = await ready();
    expect(r).toEqual({ ready: false, checks: { temporal: 'up', kafka: 'down', redis: 'down' } });
    expect(JSON.stringify(r)).not.toMatch(/ECONNREFUSED|secret/);
    expect(lines.join('\n')).toMatch(/kafka is down: connect ECONNREFUSED/);
  });
});
