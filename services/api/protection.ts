import http from 'node:http';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import { Problem } from './problem';

/** Limits that keep one client from starving the others. Every number has a default; 0 turns the rate limit off. */
export interface ProtectionOptions {
  /** Longest a request may take from its first byte to its last, in ms (a slow client is cut off with 408). */
  requestTimeoutMs?: number;
  /** Requests a minute per token (per address before authentication); 0: no limit. */
  rateLimitPerMinute?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;

/**
 * The HTTP server with request and header timeouts that Node checks often enough to matter: by default it checks
 * every 30 s, so a client trickling its headers would hold a socket far longer than the timeout says.
 */
export function serverWithTimeouts(opts: ProtectionOptions): FastifyServerFactory {
  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return (handler) =>
    http.createServer(
      {
        requestTimeout,
        headersTimeout: Math.min(requestTimeout, 20_000),
        keepAliveTimeout: 5_000,
        connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(requestTimeout / 4))),
      },
      handler,
    );
}

/** Caching and framing rules per kind of answer: data is never stored by a cache, the docs' static files may be. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Swagger UI: its scripts and styles from this origin only (it sets inline style attributes, hence 'unsafe-inline' for styles alone). */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Security headers on every answer; a route may set its own Content-Security-Policy and Cache-Control first. */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', API_CSP);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * A rate limit per token (requests a minute), counted after authentication so one token cannot exhaust another's
 * budget; requests without a token are counted by address. Over it: 429 with Retry-After.
 */
export async function limitRate(app: FastifyInstance, opts: ProtectionOptions): Promise<void> {
  const max = opts.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  if (max === 0) return;
  await app.register(rateLimit, {
    max,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: (request) => (request.principal === undefined ? `ip:${request.ip}` : `token:${request.principal.tokenId}`),
    allowList: (request) => request.routeOptions.url === '/healthz',
    errorResponseBuilder: (_request, ctx) =>
      new Problem(429, 'rate_limited', `more than ${ctx.max} requests a minute with this token; retry in ${Math.ceil(ctx.ttl / 1000)} s`, [], {
        'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))),
      }),
  });
}
