import { z } from 'zod';
import { DECISION_RIGHTS, READ_RIGHTS } from '../../domain/decision-rights';
import { bodyJsonSchema, inputJsonSchema } from '../contract/body';
import { COMMAND_CONTRACTS, type CommandContract } from '../contract/commands';
import type { PathParam } from '../contract/params';
import { API_PREFIX } from '../contract/paths';
import { READ_CONTRACTS, type ReadContract } from '../contract/reads';

type Json = Record<string, unknown>;

const problemRef = { $ref: '#/components/schemas/Problem' };

/** JSON Schema of what a route answers with. */
function outputJsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemRef } } });

function pathParameters(params: readonly PathParam[]): Json[] {
  return params.map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, schema: inputJsonSchema(p.schema) }));
}

/** The security scheme and the schemas every operation refers to. */
const COMPONENTS = {
  securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `partnerflow tokens create`.' } },
  schemas: {
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'detail', 'code'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string', description: 'What went wrong and what to do about it.' },
        instance: { type: 'string' },
        code: { type: 'string', description: "A machine-readable reason (the lifecycle's refusal code where it refused)." },
        errors: {
          type: 'array',
          items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    CommandAccepted: {
      type: 'object',
      required: ['partnershipId', 'actor', 'events', 'state'],
      properties: {
        partnershipId: { type: 'string' },
        actor: { type: 'object', properties: { id: { type: 'string' }, role: { type: 'string' } } },
        events: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'type', 'sequence'],
            properties: {
              id: { type: 'string', description: '`<partnershipId>/<sequence>`: pass it as ?after= to read your write' },
              type: { type: 'string' },
              sequence: { type: 'integer' },
            },
          },
        },
        state: { type: 'object', description: 'The live lifecycle state after the command.' },
      },
    },
  },
};

/** The operation of a command route: its body, the Idempotency-Key, who may take its decisions, its answers. */
function commandOperation(route: CommandContract): Json {
  const rights = [...new Set(route.decisions({ gate: 'screening' }).concat(route.decisions({ gate: 'launch' })))]
    .map((d) => `${DECISION_RIGHTS[d].what}: ${DECISION_RIGHTS[d].whoMay}`)
    .join('; ');
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, `Decision rights — ${rights}. Admins may do everything; viewers only read.`].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    parameters: [
      ...pathParameters(route.params),
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Repeat a request with the same key and body to get the first answer without a second effect (kept 24 h).',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
    ],
    requestBody: { required: route.bodyOptional !== true, content: { 'application/json': { schema: bodyJsonSchema(route) } } },
    responses: {
      [route.created ? '201' : '200']: {
        description: 'Accepted: the events recorded (ids and sequences) and the lifecycle state after them.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandAccepted' } } },
      },
      '400': problem('Malformed request: not JSON, a missing field, a wrong type or an unknown field.'),
      '401': problem('No bearer token, or an unknown or revoked one.'),
      '403': problem("The caller's roles may not take this decision."),
      '404': problem('Unknown partnership, task, risk, issue or escalation.'),
      '409': problem('The lifecycle refuses this transition in its current state (the reason says why).'),
      '413': problem('The body is too large.'),
      '422': problem('A field is out of range (named), or the Idempotency-Key was used for another request.'),
    },
  };
}

/** The operation of a read route: its query, who may read it, what it answers with. */
function readOperation(route: ReadContract): Json {
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, `Read rights — ${READ_RIGHTS[route.read].what}: ${READ_RIGHTS[route.read].whoMay}. Admins read everything.`]
      .filter(Boolean)
      .join('\n\n'),
    tags: [route.tag],
    parameters: [
      ...pathParameters(route.params),
      ...Object.entries(route.query.shape).map(([name, schema]) => {
        const s = schema as z.ZodType;
        const js: Json = inputJsonSchema(s);
        return {
          name,
          in: 'query',
          required: !s.safeParse(undefined).success,
          ...(typeof js.description === 'string' ? { description: js.description } : {}),
          schema: js,
        };
      }),
    ],
    responses: {
      '200': {
        description: 'The read model. With ?after=, the header Partnerflow-Caught-Up says whether it had applied that event within the wait.',
        content: { 'application/json': { schema: outputJsonSchema(route.response) } },
      },
      '400': problem('Malformed query.'),
      '401': problem('No bearer token, or an unknown or revoked one.'),
      '403': problem("The caller's roles may not read this."),
      '404': problem('Unknown partnership.'),
      '422': problem('A query parameter is out of range.'),
    },
  };
}

/**
 * The OpenAPI 3.1 document, built from the contract (`services/contract/`): the same route tables and zod schemas that
 * validate requests, so it cannot drift from what the API accepts.
 */
export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  const at = (path: string) => (paths[`${API_PREFIX}${path}`] ??= {});
  for (const route of COMMAND_CONTRACTS) at(route.path)[route.method.toLowerCase()] = commandOperation(route);
  for (const route of READ_CONTRACTS) at(route.path).get = readOperation(route);

  return {
    openapi: '3.1.0',
    info: {
      title: 'partnerflow operations API',
      version: '1.0.0',
      description:
        'Drive partnership lifecycles (commands go to the lifecycle workflows) and read the portfolio (reads come from the read models). Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: ['partnerships', 'screening', 'gates', 'tasks', 'risks', 'kpis', 'issues', 'renewal', 'escalations', 'me', 'reports'].map((name) => ({ name })),
    paths,
    components: COMPONENTS,
  };
}
