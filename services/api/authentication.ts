import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize, authorizeRead, type Decision, type DecisionContext, type Read } from '../../domain/decision-rights';
import type { Actor, Role } from '../../domain/roles';
import { Problem } from './problem';
import type { Principal, TokenStore } from '../auth/tokens';

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

/**
 * Authentication is decided by the route the router matched (after it decoded the path), never by the raw URL: an
 * encoded, double-encoded or absolute-form request line reaches a route only through the router, and every route
 * not marked public (and every unmatched request) needs a token.
 */
export function authenticate(app: FastifyInstance, tokens: TokenStore): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public === true) return;
    const header = request.headers.authorization;
    if (header === undefined)
      throw new Problem(
        401,
        'unauthenticated',
        'send `Authorization: Bearer <token>`; an admin creates tokens with `partnerflow tokens create --name <person> --role <role>`',
      );
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const principal = m === null ? null : await tokens.authenticate(m[1] as string);
    if (principal === null) throw new Problem(401, 'invalid_token', 'the bearer token is unknown, revoked or malformed; ask an admin for a new one');
    request.principal = principal;
  });
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
export function allowRead(principal: Principal, read: Read, named: DecisionContext): void {
  const refusals = principal.roles.map((role) => authorizeRead(read, { id: principal.name, role }, named));
  if (refusals.some((r) => r.ok)) return;
  const first = refusals[0];
  throw new Problem(403, 'forbidden', first === undefined || first.ok ? 'not allowed' : first.error.message);
}
