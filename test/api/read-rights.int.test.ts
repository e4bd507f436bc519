import { READ_RIGHTS, type Read } from '../../domain/decision-rights';
import { API_PREFIX } from '../../services/contract/paths';
import { READ_ROUTES } from '../../services/api/read-routes';
import { startApiSystem, type ApiSystem, type Persona } from '../support/api';
import { people, registrationBody } from '../support/lifecycle';
import { unique } from '../support/stack';

/**
 * Reads follow the decision-rights table too (`READ_RIGHTS`): every read route × every persona answers exactly as the
 * table says, and the work board lets a person read their own work only.
 */
describe('read rights over HTTP', () => {
  let sys: ApiSystem;
  let id: string;

  beforeAll(async () => {
    sys = await startApiSystem('read-rights');
    const r = await sys.call('POST', `${API_PREFIX}/partnerships`, { as: 'ops', body: registrationBody(unique('rr')) });
    expect(r.status).toBe(201);
    id = (r.body as { partnershipId: string }).partnershipId;
    // Wait until the read models have it, so an allowed read answers 200 rather than 404.
    const seq = (r.body as { events: Array<{ sequence: number }> }).events.at(-1)?.sequence ?? 1;
    expect((await sys.call('GET', `${API_PREFIX}/partnerships/${id}?after=${seq}`)).headers.get('partnerflow-caught-up')).toBe('true');
  });
  afterAll(() => sys.close());

  /** What the table says each persona may read (written out, not computed from the table, so the table is tested). */
  const expected: Record<Read, readonly Persona[]> = {
    read_partnership: ['admin', 'ops', 'exec', 'legal', 'owner', 'viewer', 'opsLegal'],
    read_own_inbox: ['admin', 'ops', 'exec', 'legal', 'owner', 'viewer', 'opsLegal'],
    read_portfolio_reports: ['admin', 'ops', 'exec', 'viewer', 'opsLegal'],
    read_work_board: ['admin', 'ops', 'exec', 'viewer', 'opsLegal'],
  };
  const personas: readonly Persona[] = ['admin', 'ops', 'exec', 'legal', 'owner', 'viewer', 'opsLegal'];

  test('every read route × every persona', async () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(READ_RIGHTS).sort());
    const cells: string[] = [];
    for (const route of READ_ROUTES) {
      const path = `${API_PREFIX}${route.path.replace('{id}', id)}`;
      for (const as of personas) {
        const r = await sys.call('GET', path, { as });
        const want = expected[route.read].includes(as) ? 200 : 403;
        cells.push(`${route.operationId} ${as} ${r.status === want ? 'ok' : `got ${r.status}, want ${want}`}`);
        if (want === 403) expect(r.body).toMatchObject({ code: 'forbidden' });
      }
    }
    expect(cells.filter((c) => !c.endsWith(' ok'))).toEqual([]);
  });

  test('a task owner reads their own work board, not another person’s', async () => {
    const own = await sys.call('GET', `${API_PREFIX}/reports/work?owner=${people.owner.id}`, { as: 'owner' });
    expect(own.status).toBe(200);
    const other = await sys.call('GET', `${API_PREFIX}/reports/work?owner=${people.ops.id}`, { as: 'owner' });
    expect(other.status).toBe(403);
    expect(other.body.detail).toMatch(/your own work/);
    const legalOwn = await sys.call('GET', `${API_PREFIX}/reports/work?owner=${people.legal.id}`, { as: 'legal' });
    expect(legalOwn.status).toBe(200);
  });
});
