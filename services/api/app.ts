import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { authorize, authorizeRead, type Decision, type DecisionContext, type Read } from '../../domain/decision-rights';
import { describeIssues } from '../../domain/errors';
import type { Actor, Role } from '../../domain/roles';
import type { ReadModelReader } from '../../projections/runner/reader';
import { CommandRefused, type LifecycleClient } from '../lifecycle-client';
import { sha256 } from '../auth/digest';
import { TokenStore, type Principal } from '../auth/tokens';
import { bodyFields } from '../contract/body';
import type { PathParam } from '../contract/params';
import { API_PREFIX } from '../contract/paths';
import { COMMAND_ROUTES, commandData, type CommandRoute } from './command-routes';
import { checkIdempotencyKey, IdempotencyStore, type StoredAnswer } from './idempotency';
import { ApiMetrics } from './metrics';
import { registerDocs } from './docs';
import { openApiDocument } from './openapi';
import { Problem, problemDocument, refusalStatus, validationProblem } from './problem';
import { limitRate, securityHeaders, serverWithTimeouts, type ProtectionOptions } from './protection';
import { ReadWaits } from './read-wait';
import type { Readiness } from './readiness';
import { READ_ROUTES, type ReadRoute } from './read-routes';

/** What the API needs; every part is real in production and in the integration tests. */
export interface ApiDeps {
  lifecycle: LifecycleClient;
  reader: ReadModelReader;
  redis: Redis;
  tokens?: TokenStore;
  idempotency?: IdempotencyStore;
  metrics?: ApiMetrics;
  /** Longest a `?after=` read waits for its read model, in ms (default 5 000). */
  readWaitMs?: number;
  /** Largest request body in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Readiness of what the API depends on, for `/readyz` (cached: see `cachedReadiness`). */
  readiness?: () => Promise<Readiness>;
  /** Timeouts and the rate limit per token (defaults in `protection.ts`). */
  protection?: ProtectionOptions;
  /** Most reads that may wait with `?after=` at once (default 256). */
  maxReadWaiters?: number;
  /** Extra Prometheus lines for `/metrics` (e.g. the projector's). */
  extraMetrics?: () => Promise<string[]>;
  /**
   * Check every read's answer against its route's documented schema (`ReadRoute.response`) and answer 500 if it does
   * not match: on in the tests, so the OpenAPI document cannot drift from what the API serves; off by default.
   */
  checkResponses?: boolean;
  /** Where 5xx details go; they are bugs and must be seen. Default: stderr. */
  logError?: (message: string, err: unknown) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Served without a token (health, metrics, the API document and its viewer). Every other route authenticates. */
    public?: boolean;
  }
}

/** Routes that answer without a token; everything else, matched or not, needs one. */
export const PUBLIC = { config: { public: true } } as const;

/** The caller, as the authentication hook found them. Fails closed: a handler reached without one answers 401. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Problem(401, 'unauthenticated', 'send `Authorization: Bearer <token>`');
  return request.principal;
}

/** Commands take no query parameters. */
const NO_QUERY = z.object({});

const fastifyPath = (path: string) => `${API_PREFIX}${path.replace(/\{(\w+)\}/g, ':$1')}`;

/** Path parameters, each checked; a value that cannot name anything is a 404 naming the parameter. */
function parseParams(defs: readonly PathParam[], raw: unknown): Record<string, string> {
  const values = (raw ?? {}) as Record<string, string>;
  for (const def of defs) {
    const r = def.schema.safeParse(values[def.name]);
    if (!r.success) throw new Problem(404, 'not_found', `no such ${def.name} "${values[def.name]}": ${r.error.issues[0]?.message ?? 'invalid'}`, [{ field: `path.${def.name}`, message: r.error.issues[0]?.message ?? 'invalid' }]);
  }
  return values;
}

function parseQuery(schema: z.ZodObject, raw: unknown): Record<string, unknown> {
  const query = (raw ?? {}) as Record<string, unknown>;
  const known = Object.keys(schema.shape);
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const message = known.length === 0 ? 'this route takes no query parameters' : `unknown query parameter; the route takes: ${known.join(', ')}`;
    throw new Problem(400, 'malformed_request', `query.${unknown[0]}: ${message}`, unknown.map((k) => ({ field: `query.${k}`, message })));
  }
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) throw new Problem(400, 'malformed_request', `query.${k}: give it once`, [{ field: `query.${k}`, message: 'give it once' }]);
  }
  const r = schema.safeParse(query);
  if (!r.success) throw validationProblem('query', r.error.issues, query);
  return r.data;
}

function bodyObject(route: CommandRoute, raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Problem(400, 'malformed_request', 'the body must be a JSON object', [{ field: 'body', message: 'a JSON object' }]);
  const allowed = bodyFields(route);
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    const message = `unknown field; this route takes: ${allowed.join(', ')}`;
    throw new Problem(400, 'malformed_request', `body.${unknown[0]}: ${message}`, unknown.map((k) => ({ field: `body.${k}`, message })));
  }
  return raw as Record<string, unknown>;
}

/** A slug from the name plus 6 random hex digits: `acme-cloud-3f9a1c`. */
function newPartnershipId(name: unknown): string {
  const slug = (typeof name === 'string' ? name : 'partnership')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug === '' ? 'p' : slug}-${randomBytes(3).toString('hex')}`;
}

/**
 * The actors to try for a command, best first. The principal acts under one role per command (events record
 * `{id, role}`); the pre-check refuses at once a caller none of whose roles could take any of the route's decisions,
 * even when named on the task. Which role the lifecycle accepts can depend on the task (a legal item needs `legal`),
 * so the next role is tried when one is refused as forbidden.
 */
export function actorsFor(principal: Principal, decisions: readonly Decision[]): Actor[] {
  if (principal.roles.includes('admin')) return [{ id: principal.name, role: 'admin' }];
  const named = { taskOwner: principal.name, addressee: principal.name, evaluator: principal.name };
  const could = (role: Role) => decisions.some((d) => authorize(d, { id: principal.name, role }, named).ok);
  const plain = (role: Role) => decisions.some((d) => authorize(d, { id: principal.name, role }).ok);
  const roles = principal.roles.filter(could).sort((a, b) => Number(plain(b)) - Number(plain(a)));
  if (roles.length === 0) {
    const decision = decisions[0] as Decision;
    const refusal = authorize(decision, { id: principal.name, role: principal.roles[0] as Role });
    const detail = refusal.ok ? 'not allowed' : refusal.error.message;
    throw new Problem(403, 'forbidden', principal.roles.length > 1 ? `${detail} (roles: ${principal.roles.join(', ')})` : detail);
  }
  return roles.map((role) => ({ id: principal.name, role }));
}

/** Refuses (403) a read none of the caller's roles may make, with who may. */
function allowRead(principal: Principal, read: Read, named: DecisionContext): void {
  const refusals = principal.roles.map((role) => authorizeRead(read, { id: principal.name, role }, named));
  if (refusals.some((r) => r.ok)) return;
  const first = refusals[0];
  throw new Problem(403, 'forbidden', first === undefined || first.ok ? 'not allowed' : first.error.message);
}

function parseAfter(after: string | undefined, partnershipId: string | undefined): { subject: string; sequence: number } | undefined {
  if (after === undefined) return undefined;
  const slash = after.lastIndexOf('/');
  if (slash > 0) return { subject: after.slice(0, slash), sequence: Number(after.slice(slash + 1)) };
  // A bare sequence passed the query schema, which allows one only on a partnership's routes.
  return { subject: partnershipId as string, sequence: Number(after) };
}

/** The methods each API path takes (from the route tables), for a 405 that says which. */
function methodsByPath(): (path: string) => string[] {
  const routes = [...COMMAND_ROUTES.map((r) => [r.path, r.method] as const), ...READ_ROUTES.map((r) => [r.path, 'GET'] as const)].map(([path, method]) => ({
    pattern: new RegExp(`^${API_PREFIX}${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    method,
  }));
  return (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
}

/** Builds the operations API: every route of the two tables, plus health, metrics and the OpenAPI document. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const tokens = deps.tokens ?? new TokenStore(deps.redis);
  const idempotency = deps.idempotency ?? new IdempotencyStore(deps.redis);
  const metrics = deps.metrics ?? new ApiMetrics();
  const readWaitMs = deps.readWaitMs ?? 5000;
  const logError = deps.logError ?? ((message, err) => process.stderr.write(`${message}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
  const waits = new ReadWaits(deps.maxReadWaiters);
  const app = Fastify({ logger: false, bodyLimit: deps.bodyLimit ?? 64 * 1024, return503OnClosing: true, serverFactory: serverWithTimeouts(deps.protection ?? {}) });
  securityHeaders(app);
  // Known to the router, so a TRACE or QUERY reaches the 405 below instead of failing to parse (400).
  app.addHttpMethod('TRACE');
  app.addHttpMethod('QUERY', { overrideExisting: true });

  // Bodies are JSON; a text body is refused as an unsupported media type rather than read as a string.
  app.removeContentTypeParser('text/plain');

  const sendProblem = (request: FastifyRequest, reply: FastifyReply, problem: Problem) => {
    for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="partnerflow"');
    return reply.code(problem.status).type('application/problem+json').send(problemDocument(problem, request.url.split('?')[0]));
  };

  const toProblem = (err: unknown, request: FastifyRequest): Problem => {
    if (err instanceof Problem) return err;
    if (err instanceof CommandRefused) {
      metrics.refused(err.code);
      return new Problem(refusalStatus(err.code), err.code, err.message);
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      switch (e.code) {
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
          return new Problem(400, 'malformed_request', `the body is not valid JSON: ${e.message ?? ''}`.trim(), [{ field: 'body', message: 'valid JSON' }]);
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          return new Problem(413, 'body_too_large', `the body is larger than ${deps.bodyLimit ?? 64 * 1024} bytes; send less`);
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
          return new Problem(415, 'unsupported_media_type', 'send the body as application/json');
        default:
          return new Problem(e.statusCode, 'bad_request', e.message ?? 'bad request');
      }
    }
    if (/UNAVAILABLE|ECONNREFUSED|connect/i.test(String(e.code ?? '') + String(e.message ?? ''))) {
      logError(`dependency unavailable on ${request.method} ${request.url}`, err);
      return new Problem(503, 'unavailable', 'a service partnerflow depends on is unreachable; retry shortly (see /readyz)', [], { 'retry-after': '2' });
    }
    const ref = randomBytes(6).toString('hex');
    logError(`bug: unhandled error on ${request.method} ${request.url} (ref ${ref})`, err);
    return new Problem(500, 'internal_error', `an internal error occurred; this is a bug, please report it with reference ${ref}`);
  };

  app.setErrorHandler((err, request, reply) => sendProblem(request, reply, toProblem(err, request)));
  const allowed = methodsByPath();
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const methods = allowed(path);
    if (methods.length > 0) {
      return sendProblem(request, reply, new Problem(405, 'method_not_allowed', `${path} takes ${methods.join(', ')}, not ${request.method}`, [], { allow: methods.join(', ') }));
    }
    return sendProblem(request, reply, new Problem(404, 'not_found', `no route ${request.method} ${path}; the routes are listed at /openapi.json and /docs`));
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  // Authentication is decided by the route the router matched (after it decoded the path), never by the raw URL: an
  // encoded, double-encoded or absolute-form request line reaches a route only through the router, and every route
  // not marked public (and every unmatched request) needs a token.
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public === true) return;
    const header = request.headers.authorization;
    if (header === undefined) throw new Problem(401, 'unauthenticated', 'send `Authorization: Bearer <token>`; an admin creates tokens with `partnerflow tokens create --name <person> --role <role>`');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = m === null ? null : await tokens.authenticate(m[1] as string);
    if (principal === null) throw new Problem(401, 'invalid_token', 'the bearer token is unknown, revoked or malformed; ask an admin for a new one');
    request.principal = principal;
  });
  await limitRate(app, deps.protection ?? {});

  // Commands.
  for (const route of COMMAND_ROUTES) {
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      handler: async (request, reply) => {
        const principal = requirePrincipal(request);
        const params = parseParams(route.params, request.params);
        parseQuery(NO_QUERY, request.query);
        const body = bodyObject(route, request.body);
        const data = commandData(route, params, body, principal);
        if (route.command === 'RegisterPartnership' && data.partnershipId === undefined) data.partnershipId = newPartnershipId(data.name);
        const parsed = route.data.safeParse(data);
        if (!parsed.success) throw validationProblem('body', parsed.error.issues, data);
        const actors = actorsFor(principal, route.decisions(params));

        const run = async (updateId?: string): Promise<StoredAnswer> => {
          const partnershipId = route.command === 'RegisterPartnership' ? (data.partnershipId as string) : route.partnership(params);
          let lastForbidden: unknown;
          for (const actor of actors) {
            try {
              const result =
                route.command === 'RegisterPartnership'
                  ? await deps.lifecycle.registerWithResult(data as { partnershipId: string }, actor)
                  : await deps.lifecycle.command(partnershipId, route.command, data, actor, updateId === undefined ? {} : { updateId });
              const headers: Record<string, string> = route.created ? { location: `${API_PREFIX}/partnerships/${encodeURIComponent(partnershipId)}` } : {};
              return { status: route.created ? 201 : 200, headers, body: { partnershipId, actor, events: result.events, state: result.state } };
            } catch (err) {
              if (err instanceof CommandRefused && err.code === 'forbidden') {
                lastForbidden = err;
                continue;
              }
              throw err;
            }
          }
          throw lastForbidden;
        };

        const key = request.headers['idempotency-key'];
        let answer: StoredAnswer;
        if (typeof key === 'string') {
          checkIdempotencyKey(key);
          const fingerprint = sha256(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`);
          const begun = await idempotency.begin(principal.tokenId, key, fingerprint);
          if ('replay' in begun) {
            metrics.idempotentReplays += 1;
            reply.header('idempotent-replayed', 'true');
            answer = begun.replay;
          } else {
            try {
              answer = await run(idempotency.updateId(principal.tokenId, key));
            } catch (err) {
              const problem = toProblem(err, request);
              if (problem.status >= 500) {
                await idempotency.abandon(principal.tokenId, key);
                throw problem;
              }
              answer = { status: problem.status, headers: { 'content-type': 'application/problem+json' }, body: problemDocument(problem, request.url.split('?')[0]) };
            }
            await idempotency.complete(principal.tokenId, key, fingerprint, answer);
          }
        } else {
          answer = await run();
        }
        for (const [k, v] of Object.entries(answer.headers)) reply.header(k, v);
        return reply.code(answer.status).send(answer.body);
      },
    });
  }

  // Reads.
  const read = (route: ReadRoute) =>
    app.get(fastifyPath(route.path), async (request, reply) => {
      const principal = requirePrincipal(request);
      const params = parseParams(route.params, request.params);
      const query = parseQuery(route.query, request.query);
      allowRead(principal, route.read, route.named?.(query) ?? {});
      const target = parseAfter(query.after as string | undefined, params.id);
      if (target !== undefined && route.models.length > 0) {
        const caughtUp = await waits.until(async () => {
          const applied = await Promise.all(route.models.map((m) => deps.reader.appliedSequence(m, target.subject)));
          return applied.every((s) => s >= target.sequence);
        }, Date.now() + readWaitMs);
        if (!caughtUp) metrics.readWaitTimeouts += 1;
        reply.header('partnerflow-caught-up', String(caughtUp));
      }
      const body = await route.handle({ params, query, principal, reader: deps.reader, lifecycle: deps.lifecycle, now: new Date() });
      if (deps.checkResponses === true) {
        const checked = route.response.safeParse(body);
        if (!checked.success) {
          throw new Error(`the answer of ${route.operationId} does not match its documented response schema: ${describeIssues(checked.error.issues.slice(0, 5))}`);
        }
      }
      return body;
    });
  for (const route of READ_ROUTES) read(route);

  // Operations.
  app.get('/healthz', PUBLIC, async () => ({ status: 'ok' }));
  app.get('/readyz', PUBLIC, async (_request, reply) => {
    if (deps.readiness === undefined) return { status: 'ready', checks: {} };
    const r = await deps.readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks });
  });
  app.get('/metrics', PUBLIC, async (_request, reply) => {
    const extra = deps.extraMetrics === undefined ? [] : await deps.extraMetrics();
    return reply.type('text/plain; version=0.0.4').send(metrics.render(extra));
  });
  const document = openApiDocument();
  app.get('/openapi.json', PUBLIC, async () => document);
  registerDocs(app);

  return app;
}
