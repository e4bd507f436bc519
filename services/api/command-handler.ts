import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/roles';
import { CommandRefused, type LifecycleClient } from '../lifecycle-client';
import { actorsFor, requirePrincipal } from './authentication';
import { commandData, type CommandRoute } from './command-routes';
import { sha256 } from '../auth/digest';
import { checkIdempotencyKey, type IdempotencyStore, type StoredAnswer } from './idempotency';
import type { ApiMetrics } from './metrics';
import { API_PREFIX } from '../contract/paths';
import { problemDocument, validationProblem } from './problem';
import { instanceOf, type ProblemReplies } from './problem-replies';
import { bodyObject, NO_QUERY, newPartnershipId, parseParams, parseQuery } from './request-parts';
import type { Principal } from '../auth/tokens';

/** What a command route's handler needs. */
export interface CommandContext {
  lifecycle: LifecycleClient;
  idempotency: IdempotencyStore;
  metrics: ApiMetrics;
  problems: ProblemReplies;
}

/** A command, checked: its data as the domain's schema accepted it, and the actors that may send it, best first. */
interface CheckedCommand {
  principal: Principal;
  partnershipId: string;
  data: Record<string, unknown>;
  actors: Actor[];
}

/** Reads and checks a command request (path, no query, body, the caller's roles) before anything is sent. */
function checkCommand(route: CommandRoute, request: FastifyRequest): CheckedCommand {
  const principal = requirePrincipal(request);
  const params = parseParams(route.params, request.params);
  parseQuery(NO_QUERY, request.query);
  const data = commandData(route, params, bodyObject(route, request.body), principal);
  if (route.command === 'RegisterPartnership' && data.partnershipId === undefined) data.partnershipId = newPartnershipId(data.name);
  const parsed = route.data.safeParse(data);
  if (!parsed.success) throw validationProblem('body', parsed.error.issues, data);
  const partnershipId = route.command === 'RegisterPartnership' ? (data.partnershipId as string) : route.partnership(params);
  return { principal, partnershipId, data, actors: actorsFor(principal, route.decisions(params)) };
}

/**
 * Sends the command as the first actor the lifecycle accepts: which role may act can depend on the task (a legal
 * item needs `legal`), so a refusal as forbidden tries the caller's next role.
 */
async function sendCommand(route: CommandRoute, cmd: CheckedCommand, lifecycle: LifecycleClient, updateId?: string): Promise<StoredAnswer> {
  let lastForbidden: unknown;
  for (const actor of cmd.actors) {
    try {
      const result =
        route.command === 'RegisterPartnership'
          ? await lifecycle.registerWithResult(cmd.data as { partnershipId: string }, actor)
          : await lifecycle.command(cmd.partnershipId, route.command, cmd.data, actor, updateId === undefined ? {} : { updateId });
      const headers: Record<string, string> = route.created ? { location: `${API_PREFIX}/partnerships/${encodeURIComponent(cmd.partnershipId)}` } : {};
      return { status: route.created ? 201 : 200, headers, body: { partnershipId: cmd.partnershipId, actor, events: result.events, state: result.state } };
    } catch (err) {
      if (!(err instanceof CommandRefused && err.code === 'forbidden')) throw err;
      lastForbidden = err;
    }
  }
  throw lastForbidden;
}

/**
 * Runs `send` at most once per (token, Idempotency-Key): the same key and body replay the first answer, another body
 * is refused. The key is also the Temporal update id, so a crash between the effect and storing the answer cannot
 * apply the command twice. A 5xx is not stored, so a retry runs again.
 */
async function onceFor(
  key: string,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  ctx: CommandContext,
  send: (updateId: string) => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  checkIdempotencyKey(key);
  const fingerprint = sha256(`${request.method} ${instanceOf(request)}\n${JSON.stringify(request.body ?? null)}`);
  const begun = await ctx.idempotency.begin(principal.tokenId, key, fingerprint);
  if ('replay' in begun) {
    ctx.metrics.idempotentReplays += 1;
    reply.header('idempotent-replayed', 'true');
    return begun.replay;
  }
  let answer: StoredAnswer;
  try {
    answer = await send(ctx.idempotency.updateId(principal.tokenId, key));
  } catch (err) {
    const problem = ctx.problems.toProblem(err, request);
    if (problem.status >= 500) {
      await ctx.idempotency.abandon(principal.tokenId, key);
      throw problem;
    }
    answer = { status: problem.status, headers: { 'content-type': 'application/problem+json' }, body: problemDocument(problem, instanceOf(request)) };
  }
  await ctx.idempotency.complete(principal.tokenId, key, fingerprint, answer);
  return answer;
}

/** The handler of a command route: check, send (once per Idempotency-Key), answer. */
export function commandHandler(route: CommandRoute, ctx: CommandContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const cmd = checkCommand(route, request);
    const key = request.headers['idempotency-key'];
    const answer =
      typeof key === 'string'
        ? await onceFor(key, request, reply, cmd.principal, ctx, (updateId) => sendCommand(route, cmd, ctx.lifecycle, updateId))
        : await sendCommand(route, cmd, ctx.lifecycle);
    for (const [k, v] of Object.entries(answer.headers)) reply.header(k, v);
    return reply.code(answer.status).send(answer.body);
  };
}
