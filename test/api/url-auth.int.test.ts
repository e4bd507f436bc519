import { API_PREFIX } from '../../services/contract/paths';
import { COMMAND_ROUTES } from '../../services/api/command-routes';
import { READ_ROUTES } from '../../services/api/read-routes';
import { startApiSystem, type ApiSystem } from '../support/api';
import { rawRequest } from '../support/raw-http';
import { registrationBody } from '../support/lifecycle';
import { unique } from '../support/stack';

/**
 * Authentication follows the route the router matched, not the raw request line: every way of spelling a route's URL
 * (percent-encoded letters, double encoding, case, trailing slash, dot segments, absolute form) is either not a route
 * (404) or needs a token (401). A spelling the router does resolve is shown to answer 200 with a token, so the 401
 * without one is the hook refusing it, not the router missing it.
 */
describe('no URL spelling reads or writes without a token', () => {
  let sys: ApiSystem;
  let id: string;

  beforeAll(async () => {
    sys = await startApiSystem('url-auth');
    id = unique('urlauth');
    const r = await sys.call('POST', `${API_PREFIX}/partnerships`, { as: 'ops', body: registrationBody(id) });
    expect(r.status).toBe(201);
    id = (r.body as { partnershipId: string }).partnershipId;
  });
  afterAll(() => sys.close());

  const fill = (path: string) =>
    path
      .replace('{id}', id)
      .replace('{gate}', 'screening')
      .replace('{taskId}', 'no-such-task')
      .replace('{riskId}', 'no-such-risk')
      .replace('{issueId}', 'no-such-issue')
      .replace('{escalationId}', `${id}%2Fno-such`);

  /** Spellings of `/api/v1<rest>` that a client might send to slip past a prefix check. */
  const spellings = (rest: string): string[] => [
    `/%61pi/v1${rest}`,
    `/api/%761${rest}`,
    `/%61%70%69/%76%31${rest}`,
    `/%2561pi/v1${rest}`,
    `/API/v1${rest}`,
    `/Api/V1${rest}`,
    `${API_PREFIX}${rest}/`,
    `//api/v1${rest}`,
    `/x/../api/v1${rest}`,
    `/./api/v1${rest}`,
    `/api/v1/.${rest}`,
    `/api/v1%2F${rest.slice(1)}`,
    `http://evil.example${API_PREFIX}${rest}`,
    `http://127.0.0.1${API_PREFIX}${rest}`,
    `${API_PREFIX}${rest}`,
  ];

  test('every read route, every spelling: 401 or 404 without a token, and never the data', async () => {
    let routed = 0;
    for (const route of READ_ROUTES) {
      const rest = fill(route.path);
      for (const target of spellings(rest)) {
        const anonymous = await rawRequest(sys.url, 'GET', target);
        const what = `GET ${target} (${route.operationId})`;
        expect({ what, refused: [401, 404].includes(anonymous.status), status: anonymous.status }).toMatchObject({ what, refused: true });
        expect(anonymous.body).not.toContain(`"${id}"`);
        const authed = await rawRequest(sys.url, 'GET', target, { authorization: `Bearer ${sys.tokens.admin}` });
        if (authed.status === 200) {
          routed += 1;
          expect({ what, status: anonymous.status }).toEqual({ what, status: 401 });
        }
      }
    }
    // The encoded spellings do reach routes (the bypass the hook must close), not only the plain one.
    expect(routed).toBeGreaterThan(READ_ROUTES.length * 2);
  });

  test('every command route, every spelling: 401 or 404 without a token, and nothing recorded', async () => {
    const before = (await sys.call('GET', `${API_PREFIX}/partnerships/${id}/timeline`)).body as { events: number };
    for (const route of COMMAND_ROUTES) {
      for (const target of spellings(fill(route.path))) {
        const body = JSON.stringify(route.command === 'RegisterPartnership' ? registrationBody(unique('anon')) : { kpiId: 'nps', value: 1 });
        const anonymous = await rawRequest(sys.url, route.method, target, { 'content-type': 'application/json' }, body);
        const what = `${route.method} ${target}`;
        expect({ what, refused: [401, 404].includes(anonymous.status), status: anonymous.status }).toMatchObject({ what, refused: true });
      }
    }
    const after = (await sys.call('GET', `${API_PREFIX}/partnerships/${id}/timeline`)).body as { events: number };
    expect(after.events).toBe(before.events);
  });

  test('an unknown path needs a token too (fail closed), and the public routes need none', async () => {
    expect((await rawRequest(sys.url, 'GET', '/%61pi/v2/anything')).status).toBe(401);
    for (const path of ['/healthz', '/openapi.json', '/docs', '/metrics'])
      expect({ path, status: (await rawRequest(sys.url, 'GET', path)).status }).toEqual({ path, status: 200 });
  });
});
