import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ReadModelReader } from '../../projections/runner/reader';
import type { LifecycleClient } from '../lifecycle-client';
import { authenticate, PUBLIC } from './authentication';
import { commandHandler } from './command-handler';
import { COMMAND_ROUTES } from './command-routes';
import { registerDocs } from './docs';
import { IdempotencyStore } from './idempotency';
import { ApiMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { handleProblems } from './problem-replies';
import { limitRate, securityHeaders, serverWithTimeouts, type ProtectionOptions } from './protection';
import { readHandler } from './read-handler';
import { ReadWaits } from './read-wait';
import type { Readiness } from './readiness';
import { READ_ROUTES } from './read-routes';
import { fastifyPath } from './request-parts';
import { TokenStore } from '../auth/tokens';

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

const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Builds the operations API: every route of the two tables, plus health, metrics and the OpenAPI document. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const metrics = deps.metrics ?? new ApiMetrics();
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logError =
    deps.logError ?? ((message, err) => process.stderr.write(`${message}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
  const app = Fastify({ logger: false, bodyLimit, return503OnClosing: true, serverFactory: serverWithTimeouts(deps.protection ?? {}) });
  securityHeaders(app);
  // Known to the router, so a TRACE or QUERY reaches the 405 of the not-found handler instead of failing to parse (400).
  app.addHttpMethod('TRACE', { overrideExisting: true });
  app.addHttpMethod('QUERY', { overrideExisting: true });
  // Bodies are JSON; a text body is refused as an unsupported media type rather than read as a string.
  app.removeContentTypeParser('text/plain');
  const problems = handleProblems(app, { bodyLimit, metrics, logError });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  authenticate(app, deps.tokens ?? new TokenStore(deps.redis));
  await limitRate(app, deps.protection ?? {});

  const commands = { lifecycle: deps.lifecycle, idempotency: deps.idempotency ?? new IdempotencyStore(deps.redis), metrics, problems };
  for (const route of COMMAND_ROUTES) app.route({ method: route.method, url: fastifyPath(route.path), handler: commandHandler(route, commands) });
  const reads = {
    lifecycle: deps.lifecycle,
    reader: deps.reader,
    metrics,
    waits: new ReadWaits(deps.maxReadWaiters),
    readWaitMs: deps.readWaitMs ?? 5000,
    checkResponses: deps.checkResponses === true,
  };
  for (const route of READ_ROUTES) app.get(fastifyPath(route.path), readHandler(route, reads));

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
