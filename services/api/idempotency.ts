import type { Redis } from 'ioredis';
import { REDIS_PREFIX } from '../../domain/names';
import { sha256 } from '../auth/digest';
import { Problem } from './problem';

/** The first answer to a request, kept for replay. */
export interface StoredAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

type Record_ = { fingerprint: string; state: 'pending' } | { fingerprint: string; state: 'done'; answer: StoredAnswer };

/** `Idempotency-Key` values: 1–255 visible ASCII characters (what the IETF draft allows, give or take). */
const KEY = /^[\x21-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string): void {
  if (!KEY.test(key)) {
    throw new Problem(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID');
  }
}

/**
 * Idempotency-Key records in Redis, per principal and key, kept `ttlSeconds` (default a day). The first request with
 * a key claims it (`pending`), runs, and stores its answer; a repeat with the same request gets that answer back, a
 * repeat with a different request is refused (422), and a repeat while the first is still running is told to retry
 * (409). An answer is not stored when the request failed with a 5xx, so the key can be retried. The lifecycle also
 * receives a Temporal update id derived from the key, so even a crash between the effect and storing the answer
 * cannot apply a command twice.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 24 * 3600,
    private readonly prefix: string = REDIS_PREFIX,
  ) {}

  private key(principal: string, idemKey: string): string {
    return `${this.prefix}:idem:${sha256(`${principal}\n${idemKey}`)}`;
  }

  /** Claims the key for this request, or returns the stored answer of its first use. */
  async begin(principal: string, idemKey: string, fingerprint: string): Promise<{ replay: StoredAnswer } | { claimed: true }> {
    const key = this.key(principal, idemKey);
    const pending: Record_ = { fingerprint, state: 'pending' };
    const claimed = await this.redis.set(key, JSON.stringify(pending), 'EX', this.ttlSeconds, 'NX');
    if (claimed !== null) return { claimed: true };
    const json = await this.redis.get(key);
    if (json === null) return this.begin(principal, idemKey, fingerprint); // expired in between
    const record = JSON.parse(json) as Record_;
    if (record.fingerprint !== fingerprint) {
      throw new Problem(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different request; use a new key for a new request');
    }
    if (record.state === 'pending') {
      throw new Problem(409, 'idempotency_key_in_use', 'a request with this Idempotency-Key is still being processed; retry in a moment', [], {
        'retry-after': '1',
      });
    }
    return { replay: record.answer };
  }

  async complete(principal: string, idemKey: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    const record: Record_ = { fingerprint, state: 'done', answer };
    await this.redis.set(this.key(principal, idemKey), JSON.stringify(record), 'EX', this.ttlSeconds);
  }

  /** Releases a claim whose request failed in a way worth retrying. */
  async abandon(principal: string, idemKey: string): Promise<void> {
    await this.redis.del(this.key(principal, idemKey));
  }

  /** The Temporal update id for a keyed command: the same key always gives the same id. */
  updateId(principal: string, idemKey: string): string {
    return `idem-${sha256(`${principal}\n${idemKey}`).slice(0, 32)}`;
  }
}
