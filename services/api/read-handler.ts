import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeIssues } from '../../domain/errors';
import type { ReadModelReader } from '../../projections/runner/reader';
import type { LifecycleClient } from '../lifecycle-client';
import { allowRead, requirePrincipal } from './authentication';
import type { ApiMetrics } from './metrics';
import type { ReadWaits } from './read-wait';
import type { ReadRoute } from './read-routes';
import { parseAfter, parseParams, parseQuery } from './request-parts';

/** What a read route's handler needs. */
export interface ReadContext {
  lifecycle: LifecycleClient;
  reader: ReadModelReader;
  metrics: ApiMetrics;
  waits: ReadWaits;
  readWaitMs: number;
  /** See `ApiDeps.checkResponses`. */
  checkResponses: boolean;
}

/** The handler of a read route: check the request and the caller's right, wait for `?after=` if asked, read, answer. */
export function readHandler(route: ReadRoute, ctx: ReadContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = requirePrincipal(request);
    const params = parseParams(route.params, request.params);
    const query = parseQuery(route.query, request.query);
    allowRead(principal, route.read, route.named?.(query) ?? {});
    const target = parseAfter(query.after as string | undefined, params.id);
    if (target !== undefined && route.models.length > 0) {
      const caughtUp = await ctx.waits.until(async () => {
        const applied = await Promise.all(route.models.map((m) => ctx.reader.appliedSequence(m, target.subject)));
        return applied.every((s) => s >= target.sequence);
      }, Date.now() + ctx.readWaitMs);
      if (!caughtUp) ctx.metrics.readWaitTimeouts += 1;
      reply.header('partnerflow-caught-up', String(caughtUp));
    }
    const body = await route.handle({ params, query, principal, reader: ctx.reader, lifecycle: ctx.lifecycle, now: new Date() });
    if (ctx.checkResponses) {
      const checked = route.response.safeParse(body);
      if (!checked.success)
        throw new Error(
          `the answer of ${route.operationId} does not match its documented response schema: ${describeIssues(checked.error.issues.slice(0, 5))}`,
        );
    }
    return body;
  };
}
