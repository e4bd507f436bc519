import { spawnSync } from 'node:child_process';
import { READ_ROUTES } from '../../services/api/read-routes';
import { rawRequest } from '../support/raw-http';
import fc from 'fast-check';
import { compressedPolicy } from '../../domain/policy';
import { bodyJsonSchema } from '../../services/contract/body';
import { COMMAND_ROUTES, type CommandRoute } from '../../services/api/command-routes';
import { startApiSystem, type ApiAnswer, type ApiSystem } from '../support/api';
import { driveTo, flatScores, people, registered, registrationData } from '../support/lifecycle';
import { eventually, unique } from '../support/stack';

/** A body each route accepts as well-formed (whether the lifecycle then accepts it depends on the state). */
const VALID: Record<string, Record<string, unknown>> = {
  registerPartnership: {
    name: 'Valid Co',
    partner: 'Valid Ltd',
    kind: 'technology',
    structure: 'contractual',
    owner: 'o',
    pmoLead: 'p',
    executiveSponsor: 'e',
  },
  submitScreeningScores: { scores: flatScores(compressedPolicy, 3) },
  decideGate: { outcome: 'advance', rationale: 'fine' },
  assignTask: { owner: 'someone' },
  completeTask: { note: 'done' },
  moveDeadline: { dueAt: '2099-01-01T00:00:00Z', reason: 'late' },
  recordFinding: { title: 'x', category: 'financial', likelihood: 2, impact: 2 },
  addRisk: { title: 'x', category: 'financial', likelihood: 2, impact: 2, owner: 'o' },
  updateRisk: { status: 'closed' },
  recordKpi: { kpiId: 'revenue-generated', value: 1 },
  raiseIssue: { title: 'x', severity: 'low' },
  resolveIssue: { resolution: 'fixed' },
  decideRenewal: { decision: 'renew', rationale: 'good' },
  serveNotice: { reason: 'done' },
  acknowledgeEscalation: { note: 'ok' },
};

/** A value of the wrong JSON type for a property's schema. */
function wrongType(schema: { type?: unknown }): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'a list' };
    case 'object':
      return 'not an object';
    default:
      return { unexpected: true };
  }
}

/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator (the validator fastify-openapi-glue uses). It is
 * an ES module, which jest's CommonJS runtime cannot load, so it runs in a plain Node child process.
 */
function validateOpenApi(doc: unknown): { valid: boolean; errors?: unknown } {
  const script = `import('@seriousme/openapi-schema-validator').then(async ({ Validator }) => {
    let text = ''; for await (const chunk of process.stdin) text += chunk;
    const r = await new Validator().validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ valid: r.valid, errors: r.errors, version: new Validator().version }));
  })`;
  const out = spawnSync(process.execPath, ['-e', script], { input: JSON.stringify(doc), encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`validator failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as { valid: boolean; errors?: unknown };
}

describe('requests the API must refuse, and its contract', () => {
  let sys: ApiSystem;
  /** A partnership in screening, the target of every route's bad inputs. */
  let id: string;

  beforeAll(async () => {
    sys = await startApiSystem('requests', { policy: compressedPolicy });
    id = unique('req');
    await sys.lifecycle.register(registrationData(id, compressedPolicy), people.ops);
  });
  afterAll(async () => {
    await sys?.close();
  });

  const accepted = async (pid: string) =>
    ((await sys.lifecycle.handle(pid).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes != null).length;

  const pathOf = (route: CommandRoute, pid: string) =>
    `/api/v1${route.path
      .replace('{id}', pid)
      .replace('{gate}', 'screening')
      .replace('{taskId}', 'gate.screening')
      .replace('{riskId}', 'risk.1')
      .replace('{issueId}', 'issue.1')
      .replace('{escalationId}', encodeURIComponent(`${pid}/gate.screening:L1`))}`;

  function expectProblem(a: ApiAnswer, status: number, field?: string): void {
    expect({ status: a.status, type: a.contentType.split(';')[0] }).toEqual({ status, type: 'application/problem+json' });
    expect(a.body).toMatchObject({ status, type: expect.stringMatching(/^urn:partnerflow:problem:/), detail: expect.any(String), code: expect.any(String) });
    if (field !== undefined) expect(a.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }

  describe.each(COMMAND_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_name, route) => {
    test('bad bodies answer 4xx problem+json naming the field, and change nothing', async () => {
      const before = await accepted(id);
      const path = pathOf(route, id);
      const schema = bodyJsonSchema(route);

      expectProblem(await sys.call(route.method, path, { body: { ...VALID[route.operationId], bogusField: 1 } }), 400, 'body.bogusField');
      expectProblem(await sys.call(route.method, path, { body: [1, 2] }), 400, 'body');
      expectProblem(await sys.call(route.method, path, { raw: '{"unterminated": ' }), 400, 'body');
      expectProblem(await sys.call(route.method, path, { raw: 'plain words', headers: { 'content-type': 'text/plain' } }), 415);
      expectProblem(await sys.call(route.method, path, { body: { note: 'x'.repeat(70 * 1024) } }), 413);
      for (const field of schema.required ?? []) {
        const body = { ...VALID[route.operationId] };
        delete body[field];
        expectProblem(await sys.call(route.method, path, { body }), 400, `body.${field}`);
      }
      for (const [field, propSchema] of Object.entries(schema.properties ?? {})) {
        const answer = await sys.call(route.method, path, { body: { ...VALID[route.operationId], [field]: wrongType(propSchema as { type?: unknown }) } });
        expect([400, 422]).toContain(answer.status);
        expect(answer.body.errors.map((e: { field: string }) => e.field.split(/[.[]/).slice(0, 2).join('.'))).toContain(`body.${field}`);
      }
      expect(await accepted(id)).toBe(before);
    });

    if (route.params.some((p) => p.name === 'id')) {
      test('an unknown partnership is 404', async () => {
        const answer = await sys.call(route.method, pathOf(route, 'no-such-partnership'), { body: VALID[route.operationId] });
        expectProblem(answer, 404);
      });
    }
  });

  test('every read route of a partnership answers 404 for an unknown one', async () => {
    const routes = READ_ROUTES.filter((r) => r.params.some((p) => p.name === 'id'));
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const route of routes) {
      const answer = await sys.call('GET', `/api/v1${route.path.replace('{id}', 'no-such-partnership')}`);
      expect({ route: route.operationId, status: answer.status }).toEqual({ route: route.operationId, status: 404 });
    }
  });

  test('fields out of range are 422 and named', async () => {
    const before = await accepted(id);
    const scores = { ...flatScores(compressedPolicy, 3), [compressedPolicy.screening.criteria[0]?.id as string]: 6 };
    expectProblem(
      await sys.call('POST', `/api/v1/partnerships/${id}/screening/scores`, { body: { scores } }),
      422,
      `body.scores.${compressedPolicy.screening.criteria[0]?.id}`,
    );
    expectProblem(await sys.call('POST', `/api/v1/partnerships/${id}/risks`, { body: { ...VALID.addRisk, likelihood: 0 } }), 422, 'body.likelihood');
    expectProblem(
      await sys.call('POST', `/api/v1/partnerships/${id}/tasks/gate.screening/deadline`, { body: { dueAt: 'next tuesday', reason: 'x' } }),
      422,
      'body.dueAt',
    );
    expectProblem(await sys.call('POST', '/api/v1/partnerships', { body: { ...VALID.registerPartnership, kind: 'franchise' } }), 422, 'body.kind');
    expectProblem(
      await sys.call('POST', '/api/v1/partnerships', { body: { ...VALID.registerPartnership, partnershipId: 'has spaces' } }),
      422,
      'body.partnershipId',
    );
    expectProblem(await sys.call('GET', '/api/v1/partnerships?limit=0'), 422, 'query.limit');
    expectProblem(await sys.call('GET', '/api/v1/reports/work?offset=-1'), 422, 'query.offset');
    expectProblem(await sys.call('GET', '/api/v1/reports/work?limit=1001'), 422, 'query.limit');
    expectProblem(await sys.call('GET', '/api/v1/reports/risks?limit=0'), 422, 'query.limit');
    expectProblem(await sys.call('GET', '/api/v1/me/inbox?offset=-1'), 422, 'query.offset');
    const inbox = await sys.call('GET', '/api/v1/me/inbox?limit=1&offset=3');
    expect(inbox.status).toBe(200);
    expect(inbox.body).toMatchObject({ offset: 3, limit: 1, items: [] });
    expect(typeof inbox.body.total).toBe('number');
    expectProblem(await sys.call('GET', '/api/v1/partnerships?colour=red'), 400, 'query.colour');
    expect(await accepted(id)).toBe(before);
  });

  test('unknown gates, tasks and escalations are 404; invalid transitions are 409 with the reason; nothing changes', async () => {
    const before = await accepted(id);
    expectProblem(await sys.call('POST', `/api/v1/partnerships/${id}/gates/nope/decision`, { body: VALID.decideGate }), 404, 'path.gate');
    const task = await sys.call('POST', `/api/v1/partnerships/${id}/tasks/no.such.task/complete`, { as: 'ops', body: {} });
    expectProblem(task, 404);
    expect(task.body.code).toBe('unknown_task');
    const esc = await sys.call('POST', `/api/v1/escalations/${encodeURIComponent(`${id}/gate.screening:L1`)}/acknowledge`, { as: 'ops' });
    expectProblem(esc, 404);
    expect(esc.body.code).toBe('unknown_escalation');
    const gate = await sys.call('POST', `/api/v1/partnerships/${id}/gates/dd.final/decision`, { as: 'exec', body: VALID.decideGate });
    expectProblem(gate, 409);
    expect(gate.body.detail).toMatch(/screening/);
    const early = await sys.call('POST', `/api/v1/partnerships/${id}/gates/screening/decision`, { as: 'exec', body: VALID.decideGate });
    expectProblem(early, 409);
    expect(early.body.code).toBe('gate_not_ready');
    const noToken = await sys.call('GET', '/api/v1/reports/portfolio', { as: null });
    expectProblem(noToken, 401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectProblem(await sys.call('GET', '/api/v1/nowhere'), 404);
    expect(await accepted(id)).toBe(before);
  });

  test('property: no request body or query string yields a 5xx', async () => {
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(
        fc.constantFrom(
          'name',
          'scores',
          'outcome',
          'rationale',
          'owner',
          'dueAt',
          'reason',
          'title',
          'likelihood',
          'impact',
          'kpiId',
          'value',
          'severity',
          'decision',
          'contract',
          'kpis',
          'review',
          'note',
          'partnershipId',
          'kind',
          'status',
          'term',
        ),
        fc.jsonValue(),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMAND_ROUTES), bodies, async (route, body) => {
        const answer = await sys.call(route.method, pathOf(route, id), { as: 'viewer', body });
        return answer.status < 500;
      }),
      { numRuns: 300 },
    );
    // As an admin too, so bodies that pass validation reach the lifecycle.
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMAND_ROUTES.filter((r) => r.command !== 'RegisterPartnership')), bodies, async (route, body) => {
        const answer = await sys.call(route.method, pathOf(route, id), { as: 'admin', body });
        return answer.status < 500;
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...READ_ROUTES.filter((r) => r.operationId !== 'getPartnershipState')),
        fc.dictionary(fc.constantFrom('stage', 'kind', 'owner', 'limit', 'offset', 'after', 'from', 'to', 'minSeverity', 'status', 'x'), fc.string()),
        async (route, query) => {
          const qs = new URLSearchParams(query).toString();
          const answer = await sys.call('GET', `/api/v1${route.path.replace('{id}', id)}?${qs}`, { as: 'viewer' });
          return answer.status < 500;
        },
      ),
      { numRuns: 200 },
    );
  });

  test('Idempotency-Key: the same key and body give the first answer and one effect; another body is refused', async () => {
    const pid = unique('idem');
    await sys.lifecycle.register(registrationData(pid, compressedPolicy), people.ops);
    const path = `/api/v1/partnerships/${pid}/risks`;
    const body = { title: 'Vendor lock-in', category: 'technical', likelihood: 3, impact: 3, owner: people.owner.id };
    const headers = { 'idempotency-key': 'risk-add-1' };
    const before = await accepted(pid);
    const first = await sys.call('POST', path, { as: 'ops', body, headers });
    expect(first.status).toBe(200);
    const again = await sys.call('POST', path, { as: 'ops', body, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await accepted(pid)).toBe(before + 1);
    expect(registered(await sys.lifecycle.state(pid)).risks).toHaveLength(1);

    const other = await sys.call('POST', path, { as: 'ops', body: { ...body, title: 'Something else' }, headers });
    expectProblem(other, 422);
    expect(other.body.code).toBe('idempotency_key_reused');
    // Concurrent repeats: one effect, whatever each caller is told.
    const key = { 'idempotency-key': 'risk-add-2' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => sys.call('POST', path, { as: 'ops', body: { ...body, title: 'Concurrent' }, headers: key })),
    );
    expect(answers.every((a) => a.status === 200 || (a.status === 409 && a.body.code === 'idempotency_key_in_use'))).toBe(true);
    expect(registered(await sys.lifecycle.state(pid)).risks).toHaveLength(2);
    // A refusal is an answer too: replayed, not re-run.
    const refusedKey = { 'idempotency-key': 'gate-too-early' };
    const refused = await sys.call('POST', `/api/v1/partnerships/${pid}/gates/screening/decision`, { as: 'exec', body: VALID.decideGate, headers: refusedKey });
    expect(refused.status).toBe(409);
    const refusedAgain = await sys.call('POST', `/api/v1/partnerships/${pid}/gates/screening/decision`, {
      as: 'exec',
      body: VALID.decideGate,
      headers: refusedKey,
    });
    expect(refusedAgain.status).toBe(409);
    expect(refusedAgain.headers.get('idempotent-replayed')).toBe('true');
  });

  test('Idempotency-Key on a registration without an id registers one partnership', async () => {
    const headers = { 'idempotency-key': unique('register') };
    const a = await sys.call('POST', '/api/v1/partnerships', { as: 'ops', body: VALID.registerPartnership, headers });
    const b = await sys.call('POST', '/api/v1/partnerships', { as: 'ops', body: VALID.registerPartnership, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.partnershipId).toBe(a.body.partnershipId);
    // A different caller's key is their own.
    const c = await sys.call('POST', '/api/v1/partnerships', { as: 'admin', body: VALID.registerPartnership, headers });
    expect(c.body.partnershipId).not.toBe(a.body.partnershipId);
  });

  test('the lifecycle dedupes a keyed command even when the API lost its answer (same Temporal update id)', async () => {
    const pid = unique('idem-crash');
    await sys.lifecycle.register(registrationData(pid, compressedPolicy), people.ops);
    await driveTo(sys.lifecycle, pid, 'due_diligence');
    const headers = { 'idempotency-key': 'finding-1' };
    const body = { title: 'Data residency', category: 'regulatory', likelihood: 2, impact: 4 };
    const first = await sys.call('POST', `/api/v1/partnerships/${pid}/findings`, { as: 'ops', body, headers });
    expect(first.status).toBe(200);
    // Simulate an API that crashed after the effect and before storing its answer: the record is gone.
    await sys.redis.del(...(await sys.redis.keys(`${sys.prefix}:idem:*`)));
    const retried = await sys.call('POST', `/api/v1/partnerships/${pid}/findings`, { as: 'ops', body, headers });
    expect(retried.status).toBe(200);
    expect(retried.body.events).toEqual(first.body.events);
    expect(registered(await sys.lifecycle.state(pid)).risks).toHaveLength(1);
  });

  test('a method a path does not take is 405 with Allow, TRACE and QUERY included', async () => {
    for (const [method, path, allow] of [
      ['TRACE', '/api/v1/partnerships', 'GET, POST'],
      ['QUERY', '/api/v1/partnerships', 'GET, POST'],
      ['DELETE', `/api/v1/partnerships/${id}`, 'GET'],
      ['PUT', `/api/v1/partnerships/${id}/risks/risk.1`, 'PATCH'],
    ] as const) {
      const r = await rawRequest(sys.url, method, path, { authorization: `Bearer ${sys.tokens.admin}` });
      expect({ method, path, status: r.status, allow: r.headers.allow }).toEqual({ method, path, status: 405, allow });
    }
  });

  test('the document and the server agree: ?after=, closed bodies, durations', async () => {
    const doc = (await sys.call('GET', '/openapi.json', { as: null })).body;
    const afterOf = (path: string) => doc.paths[path].get.parameters.find((p: { name: string }) => p.name === 'after').schema.pattern as string;
    // A bare sequence only where the document allows one: on a partnership's routes.
    expect(new RegExp(afterOf('/api/v1/partnerships/{id}')).test('5')).toBe(true);
    expect(new RegExp(afterOf('/api/v1/reports/work')).test('5')).toBe(false);
    expectProblem(await sys.call('GET', '/api/v1/reports/work?after=5'), 422, 'query.after');
    expect((await sys.call('GET', `/api/v1/partnerships/${id}?after=1`)).status).toBe(200);
    // Every body is closed, as the server refuses unknown fields.
    for (const route of COMMAND_ROUTES)
      expect({ route: route.operationId, closed: bodyJsonSchema(route).additionalProperties }).toEqual({ route: route.operationId, closed: false });
  });

  test('the OpenAPI document is valid OpenAPI 3.1 and lists every route; /docs serves Swagger UI', async () => {
    const doc = await sys.call('GET', '/openapi.json', { as: null });
    expect(doc.status).toBe(200);
    const result = validateOpenApi(doc.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const routes = [...COMMAND_ROUTES.map((r) => `${r.method} /api/v1${r.path}`), ...READ_ROUTES.map((r) => `GET /api/v1${r.path}`)];
    expect(documented.sort()).toEqual(routes.sort());
    // Every read documents what it answers with, down to its fields (the tests' API checks each answer against it).
    const paths = doc.body.paths as Record<string, { get?: { responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }> } }>;
    for (const route of READ_ROUTES) {
      const schema = paths[`/api/v1${route.path}`]?.get?.responses['200']?.content['application/json']?.schema ?? {};
      const described = JSON.stringify(schema);
      expect([route.operationId, described.includes('"properties"') || described.includes('"items"') || described.includes('"additionalProperties"')]).toEqual([
        route.operationId,
        true,
      ]);
    }
    expect(paths['/api/v1/partnerships/{id}']?.get?.responses['200']?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['partnershipId', 'stage', 'nextDeadline', 'openTasks', 'openEscalations']),
    });
    const docs = await sys.call('GET', '/docs', { as: null });
    expect(docs.status).toBe(200);
    expect(docs.body).toMatch(/swagger-ui-bundle\.js/);
    expect((await sys.call('GET', '/docs/init.js', { as: null })).body).toMatch(/SwaggerUIBundle/);
    expect((await sys.call('GET', '/docs/swagger-ui-bundle.js', { as: null })).status).toBe(200);
  });

  test('/metrics counts requests by route and status; /healthz answers', async () => {
    expect((await sys.call('GET', '/healthz', { as: null })).body).toEqual({ status: 'ok' });
    await sys.call('GET', '/api/v1/reports/portfolio', { as: 'viewer' });
    const metrics = await eventually(async () => {
      const m = await sys.call('GET', '/metrics', { as: null });
      return /partnerflow_http_requests_total\{method="GET",route="\/api\/v1\/reports\/portfolio",status="200"\} [1-9]/.test(m.body as string)
        ? (m.body as string)
        : undefined;
    });
    expect(metrics).toMatch(/partnerflow_commands_refused_total\{code="gate_not_ready"\} [1-9]/);
    expect(metrics).toMatch(/partnerflow_idempotent_replays_total [1-9]/);
  });
});
