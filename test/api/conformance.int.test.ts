import { RENEGOTIATION_NEEDS_CONTRACT } from '../../domain/commands';
import { CONTRACT_ORDER } from '../../domain/model';
import fc from 'fast-check';
import { API_PREFIX } from '../../services/contract/paths';
import { startApiSystem, type ApiSystem } from '../support/api';
import { arbitraryOf, type JsonSchema } from '../support/json-schema-arbitrary';
import { registrationBody } from '../support/lifecycle';
import { unique } from '../support/stack';

interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}

/**
 * A property-based conformance check of the server against its own OpenAPI document: every request the document
 * allows (query parameters and bodies generated from its schemas) is taken by the server's validation. The lifecycle
 * may still refuse it (403, 404, 409, or 422 with a lifecycle code such as invalid_scores), but never as malformed
 * (400 malformed_request) or out of range (422 invalid_field), and never with a 5xx.
 */
describe('the server accepts what its document allows', () => {
  let sys: ApiSystem;
  let doc: { paths: Record<string, Record<string, Operation>> };
  let id: string;

  beforeAll(async () => {
    sys = await startApiSystem('conformance', { readWaitMs: 50 });
    doc = (await sys.call('GET', '/openapi.json', { as: null })).body;
    const r = await sys.call('POST', `${API_PREFIX}/partnerships`, { as: 'ops', body: registrationBody(unique('conf')) });
    expect(r.status).toBe(201);
    id = r.body.partnershipId;
  });
  afterAll(() => sys.close());

  /** A request target for a documented path: the registered partnership, and ids the document's patterns allow. */
  const target = (path: string, op: Operation) =>
    fc
      .record(
        Object.fromEntries(
          (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, p.name === 'id' ? fc.constant(id) : arbitraryOf(p.schema)]),
        ),
      )
      .map((values) => path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(values[name]))));

  const query = (op: Operation) =>
    fc
      .record(Object.fromEntries((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, arbitraryOf(p.schema)])), { requiredKeys: [] })
      .map((q) => new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)] as [string, string])).toString());

  /**
   * Rules across fields, which JSON Schema cannot state: the document states each in words (a schema's description),
   * and these are the only 422 invalid_field answers a documented request may get.
   */
  const CROSS_FIELD = [new RegExp(CONTRACT_ORDER), new RegExp(RENEGOTIATION_NEEDS_CONTRACT), /query\.to: (must not be before from|at most \d+ days)/];

  /** A refusal of the request's shape: what the document promised would not happen. */
  const shapeRefused = (status: number, body: { code?: string; detail?: string }) =>
    status === 400 || status >= 500 || (status === 422 && body.code === 'invalid_field' && !CROSS_FIELD.some((rule) => rule.test(body.detail ?? '')));

  test('every read, with any query its document allows', async () => {
    const reads = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.get === undefined ? [] : [[path, ops.get] as const]));
    expect(reads.length).toBeGreaterThan(10);
    for (const [path, op] of reads) {
      await fc.assert(
        fc.asyncProperty(target(path, op), query(op), async (p, q) => {
          const r = await sys.call('GET', `${p}${q === '' ? '' : `?${q}`}`);
          expect({ op: op.operationId, q, status: r.status, refused: shapeRefused(r.status, r.body) ? r.body : null }).toMatchObject({
            op: op.operationId,
            refused: null,
          });
        }),
        { numRuns: 25 },
      );
    }
  });

  test('every command, with any body its document allows', async () => {
    const commands = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => method === 'post' || method === 'patch')
        .map(([method, op]) => [path, method.toUpperCase(), op] as const),
    );
    expect(commands.length).toBeGreaterThan(10);
    for (const [path, method, op] of commands) {
      const schema = op.requestBody?.content['application/json'].schema ?? { type: 'object' };
      await fc.assert(
        fc.asyncProperty(target(path, op), arbitraryOf(schema), async (p, body) => {
          const r = await sys.call(method, p, { body });
          expect({ op: op.operationId, body, status: r.status, refused: shapeRefused(r.status, r.body) ? r.body : null }).toMatchObject({
            op: op.operationId,
            refused: null,
          });
        }),
        { numRuns: 10 },
      );
    }
  });
});
