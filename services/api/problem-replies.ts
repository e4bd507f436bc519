import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CommandRefused } from '../lifecycle-client';
import type { ApiMetrics } from './metrics';
import { Problem, problemDocument, refusalStatus } from './problem';
import { methodsByPath } from './request-parts';

/** How the API turns any error into the problem it answers (RFC 9457), once for every route. */
export interface ProblemReplies {
  toProblem(err: unknown, request: FastifyRequest): Problem;
  send(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply;
}

/** The path a problem document names as its instance (the request's, without the query). */
export const instanceOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? '';

/** Fastify's own 4xx (JSON, size, media type) in the API's words. */
function fastifyProblem(e: { statusCode: number; code?: string; message?: string }, bodyLimit: number): Problem {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem(400, 'malformed_request', `the body is not valid JSON: ${e.message ?? ''}`.trim(), [{ field: 'body', message: 'valid JSON' }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'body_too_large', `the body is larger than ${bodyLimit} bytes; send less`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'unsupported_media_type', 'send the body as application/json');
    default:
      return new Problem(e.statusCode, 'bad_request', e.message ?? 'bad request');
  }
}

/**
 * Installs the error and not-found handlers: a refusal of the lifecycle keeps its code, an unreachable dependency is a
 * 503 with Retry-After, a method a path does not take is a 405 with Allow, and anything else is a bug: a 500 whose
 * reference is in the log.
 */
export function handleProblems(
  app: FastifyInstance,
  opts: { bodyLimit: number; metrics: ApiMetrics; logError: (message: string, err: unknown) => void },
): ProblemReplies {
  const send = (request: FastifyRequest, reply: FastifyReply, problem: Problem) => {
    for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="partnerflow"');
    return reply
      .code(problem.status)
      .type('application/problem+json')
      .send(problemDocument(problem, instanceOf(request)));
  };
  const toProblem = (err: unknown, request: FastifyRequest): Problem => {
    if (err instanceof Problem) return err;
    if (err instanceof CommandRefused) {
      opts.metrics.refused(err.code);
      return new Problem(refusalStatus(err.code), err.code, err.message);
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
      return fastifyProblem({ ...e, statusCode: e.statusCode }, opts.bodyLimit);
    if (/UNAVAILABLE|ECONNREFUSED|connect/i.test(String(e.code ?? '') + String(e.message ?? ''))) {
      opts.logError(`dependency unavailable on ${request.method} ${request.url}`, err);
      return new Problem(503, 'unavailable', 'a service partnerflow depends on is unreachable; retry shortly (see /readyz)', [], { 'retry-after': '2' });
    }
    const ref = randomBytes(6).toString('hex');
    opts.logError(`bug: unhandled error on ${request.method} ${request.url} (ref ${ref})`, err);
    return new Problem(500, 'internal_error', `an internal error occurred; this is a bug, please report it with reference ${ref}`);
  };

  app.setErrorHandler((err, request, reply) => send(request, reply, toProblem(err, request)));
  const allowed = methodsByPath();
  app.setNotFoundHandler((request, reply) => {
    const path = instanceOf(request);
    const methods = allowed(path);
    if (methods.length > 0) {
      return send(
        request,
        reply,
        new Problem(405, 'method_not_allowed', `${path} takes ${methods.join(', ')}, not ${request.method}`, [], { allow: methods.join(', ') }),
      );
    }
    return send(request, reply, new Problem(404, 'not_found', `no route ${request.method} ${path}; the routes are listed at /openapi.json and /docs`));
  });
  return { toProblem, send };
}
