import net from 'node:net';
import { API_PREFIX } from '../../services/contract/paths';
import { startApiSystem, type ApiSystem } from '../support/api';
import { registrationBody } from '../support/lifecycle';
import { unique } from '../support/stack';

/** Limits that keep one client from starving the others, and the headers every answer carries, on the real stack. */
describe('API protection', () => {
  let sys: ApiSystem;
  let id: string;

  beforeAll(async () => {
    sys = await startApiSystem('protection', { readWaitMs: 1500, http: { rateLimitPerMinute: 30, requestTimeoutMs: 1500, maxReadWaiters: 2 } });
    const r = await sys.call('POST', `${API_PREFIX}/partnerships`, { as: 'ops', body: registrationBody(unique('prot')) });
    expect(r.status).toBe(201);
    id = r.body.partnershipId;
  });
  afterAll(() => sys.close());

  test('every answer carries nosniff, a CSP, no referrer and no-store on data', async () => {
    for (const [path, as] of [
      [`${API_PREFIX}/partnerships/${id}/state`, 'exec'],
      ['/readyz', null],
      [`${API_PREFIX}/nope`, null],
    ] as const) {
      const r = await sys.call('GET', path, { as });
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  test('the docs page runs no inline script, allows scripts from its own origin only, and keeps no token', async () => {
    const page = await sys.call('GET', '/docs', { as: null });
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    const init = await sys.call('GET', '/docs/init.js', { as: null });
    expect(init.body).toContain('persistAuthorization: false');
  });

  test('/readyz says up or down per dependency and nothing else', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => sys.call('GET', '/readyz', { as: null })));
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ status: 'ready', checks: { temporal: 'up', kafka: 'up', redis: 'up' } });
    }
  });

  test('a token over its rate limit gets 429 with Retry-After; another token is unaffected', async () => {
    const path = `${API_PREFIX}/partnerships/${id}`;
    const statuses: number[] = [];
    for (let i = 0; i < 35; i += 1) statuses.push((await sys.call('GET', path, { as: 'viewer' })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    const limited = await sys.call('GET', path, { as: 'viewer' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await sys.call('GET', path, { as: 'legal' })).status).toBe(200);
  });

  test('reads waiting with ?after= are capped: one too many is refused with 503 and Retry-After', async () => {
    // Sequence 999 never comes: each read waits out its 1.5 s.
    const waits = await Promise.all(Array.from({ length: 4 }, () => sys.call('GET', `${API_PREFIX}/partnerships/${id}?after=999`, { as: 'exec' })));
    const statuses = waits.map((w) => w.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 503)).toHaveLength(2);
    const refused = waits.find((w) => w.status === 503);
    expect(refused?.body).toMatchObject({ code: 'too_many_waiting_reads' });
    expect(refused?.headers.get('retry-after')).toBe('1');
    for (const w of waits.filter((x) => x.status === 200)) expect(w.headers.get('partnerflow-caught-up')).toBe('false');
  });

  test('a client that trickles its request is cut off after the request timeout', async () => {
    const { hostname, port } = new URL(sys.url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.write(`GET ${API_PREFIX}/partnerships HTTP/1.1\r\nhost: x\r\n`));
      // One header byte a second: never finishes the request.
      const drip = setInterval(() => socket.write('x'), 1000);
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - started);
      });
      setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        reject(new Error('the server kept a trickling client for 20 s'));
      }, 20_000);
    });
    expect(closedAfter).toBeLessThan(6000);
  });
});
