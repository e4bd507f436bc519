import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { REDIS_PREFIX } from '../../domain/names';
import { roleSchema, type Role } from '../../domain/roles';
import { sha256 } from './digest';

/** Who a bearer token speaks for: the person's id (as the lifecycle names people) and their roles. */
export const principalSchema = z.object({
  tokenId: z.string(),
  name: z.string().trim().min(1),
  roles: z.array(roleSchema).min(1),
});
export type Principal = z.infer<typeof principalSchema>;

/** What the store keeps per token: never the token, only its SHA-256. */
const storedTokenSchema = principalSchema.extend({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  /** When the token stops working (absent: until revoked). */
  expiresAt: z.string().optional(),
});
export type StoredToken = z.infer<typeof storedTokenSchema>;
export type TokenInfo = Omit<StoredToken, 'hash'>;

/** Input of `create`, checked so a typo in a role fails with the list of roles. */
export const newTokenSchema = z.object({
  name: z.string().trim().min(1, 'give the person a name (--name), as the lifecycle names them (e.g. olivia)'),
  roles: z.array(roleSchema).min(1, `give at least one role (--role): ${roleSchema.options.join(', ')}`),
  /** Days the token works for (absent: until revoked). */
  expiresInDays: z.number().int().min(1, 'a token lives at least 1 day').max(3650, 'a token lives at most 3650 days').optional(),
});

const TOKEN = /^pf_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * Bearer tokens in Redis (`pf:auth:tokens`, a hash from token id to its record). A token is `pf_<id>_<secret>`: the id
 * finds the record, the SHA-256 of the whole token is compared in constant time. Tokens are 256-bit random, so a plain
 * SHA-256 is enough (there is no password to stretch); the token itself is shown once and never stored or logged.
 */
export class TokenStore {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string = REDIS_PREFIX,
  ) {
    this.key = `${prefix}:auth:tokens`;
  }

  /** Creates a token; the returned `token` is the only time it exists in clear. */
  async create(input: { name: string; roles: Role[]; expiresInDays?: number }, now: Date = new Date()): Promise<{ token: string; info: TokenInfo }> {
    const { name, roles, expiresInDays } = newTokenSchema.parse(input);
    const tokenId = randomBytes(8).toString('hex');
    const token = `pf_${tokenId}_${randomBytes(32).toString('base64url')}`;
    const stored: StoredToken = { tokenId, name, roles: [...new Set(roles)], hash: sha256(token), createdAt: now.toISOString() };
    if (expiresInDays !== undefined) stored.expiresAt = new Date(now.getTime() + expiresInDays * 86_400_000).toISOString();
    await this.redis.hset(this.key, tokenId, JSON.stringify(stored));
    const { hash: _hash, ...info } = stored;
    return { token, info };
  }

  /** The principal a presented token speaks for, or null when it is malformed, unknown, revoked or expired. */
  async authenticate(token: string, now: Date = new Date()): Promise<Principal | null> {
    const m = TOKEN.exec(token);
    if (m === null) return null;
    const json = await this.redis.hget(this.key, m[1] as string);
    if (json === null) return null;
    const stored = storedTokenSchema.parse(JSON.parse(json));
    const presented = Buffer.from(sha256(token), 'hex');
    const expected = Buffer.from(stored.hash, 'hex');
    if (!timingSafeEqual(presented, expected)) return null;
    if (stored.expiresAt !== undefined && now.getTime() >= Date.parse(stored.expiresAt)) return null;
    return { tokenId: stored.tokenId, name: stored.name, roles: stored.roles };
  }

  /** Every token's record (no secrets), oldest first. */
  async list(): Promise<TokenInfo[]> {
    const all = await this.redis.hvals(this.key);
    return all
      .map((json) => {
        const { hash: _hash, ...info } = storedTokenSchema.parse(JSON.parse(json));
        return info;
      })
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.tokenId.localeCompare(b.tokenId));
  }

  async count(): Promise<number> {
    return this.redis.hlen(this.key);
  }

  /**
   * Revokes by token id, or every token of a person by name; returns what was revoked. Takes effect on the next
   * request: nothing caches tokens.
   */
  async revoke(idOrName: string): Promise<TokenInfo[]> {
    const matches = (await this.list()).filter((t) => t.tokenId === idOrName || t.name === idOrName);
    if (matches.length > 0) await this.redis.hdel(this.key, ...matches.map((t) => t.tokenId));
    return matches;
  }

  /** Creates the first admin token when there are none; returns it (once) or null when tokens exist already. */
  async bootstrapAdmin(name = 'admin'): Promise<{ token: string; info: TokenInfo } | null> {
    const lock = `${this.key}:bootstrap`;
    // Two processes starting at once must not both mint an admin token.
    if ((await this.redis.set(lock, '1', 'EX', 30, 'NX')) === null) return null;
    try {
      if ((await this.count()) > 0) return null;
      return await this.create({ name, roles: ['admin'] });
    } finally {
      await this.redis.del(lock);
    }
  }
}
