import type { Redis } from 'ioredis';
import { createRedis } from '../../platform/clients';
import { escapeGlob, unlinkMatching } from '../../projections/runner/store';
import { TokenStore } from '../../services/auth/tokens';
import { testConfig, unique } from '../support/stack';

describe('bearer tokens in Redis', () => {
  let redis: Redis;
  const prefix = `pf-test-${unique('tokens')}`;

  beforeAll(() => {
    redis = createRedis(testConfig());
  });
  afterAll(async () => {
    await unlinkMatching(redis, `${escapeGlob(prefix)}:*`);
    redis.disconnect();
  });

  test('a token with an expiry works until then and not after; the expiry is listed', async () => {
    const store = new TokenStore(redis, prefix);
    const created = new Date('2026-12-08T10:00:00Z');
    const { token, info } = await store.create({ name: 'tess.temp', roles: ['viewer'], expiresInDays: 7 }, created);
    expect(info.expiresAt).toBe('2026-12-15T10:00:00.000Z');
    expect(await store.authenticate(token, new Date('2026-12-15T09:59:59Z'))).toMatchObject({ name: 'tess.temp' });
    expect(await store.authenticate(token, new Date('2026-12-15T10:00:00Z'))).toBeNull();
    expect((await store.list()).find((t) => t.tokenId === info.tokenId)?.expiresAt).toBe(info.expiresAt);
    await expect(store.create({ name: 'x', roles: ['viewer'], expiresInDays: 0 })).rejects.toThrow(/at least 1 day/);
  });

  test('a token authenticates its principal, is stored only as a hash, and stops working when revoked', async () => {
    const store = new TokenStore(redis, prefix);
    const { token, info } = await store.create({ name: 'olga.owner', roles: ['owner', 'owner'] });
    expect(token).toMatch(/^pf_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ name: 'olga.owner', roles: ['owner'] });
    expect(await store.authenticate(token)).toEqual({ tokenId: info.tokenId, name: 'olga.owner', roles: ['owner'] });

    // Nothing in Redis contains the token or its secret part.
    const keys = await redis.keys(`${escapeGlob(prefix)}:*`);
    const dump = (await Promise.all(keys.map(async (k) => JSON.stringify(await redis.hgetall(k))))).join('\n');
    expect(dump).toContain(info.tokenId);
    expect(dump).not.toContain(token.split('_')[2]);

    // A token with the right id and a wrong secret, a malformed one, an unknown one: all refused.
    const forged = `pf_${info.tokenId}_${'A'.repeat(43)}`;
    expect(await store.authenticate(forged)).toBeNull();
    expect(await store.authenticate('not-a-token')).toBeNull();
    expect(await store.authenticate(`pf_${'0'.repeat(16)}_${'A'.repeat(43)}`)).toBeNull();

    expect((await store.revoke('olga.owner')).map((t) => t.tokenId)).toEqual([info.tokenId]);
    expect(await store.authenticate(token)).toBeNull();
  });

  test('a bad role or a missing name is refused with the list of roles', async () => {
    const store = new TokenStore(redis, prefix);
    await expect(store.create({ name: 'x', roles: ['superuser' as never] })).rejects.toThrow(/admin.*ops.*exec.*legal.*owner.*viewer/);
    await expect(store.create({ name: ' ', roles: ['ops'] })).rejects.toThrow(/--name/);
  });

  test('the first-start admin token is minted once, even by two starts at the same time', async () => {
    const store = new TokenStore(redis, `${prefix}-boot`);
    const [a, b] = await Promise.all([store.bootstrapAdmin(), store.bootstrapAdmin()]);
    const minted = [a, b].filter((x) => x !== null);
    expect(minted).toHaveLength(1);
    expect(minted[0]?.info.roles).toEqual(['admin']);
    expect(await store.bootstrapAdmin()).toBeNull();
    expect(await store.count()).toBe(1);
    await unlinkMatching(redis, `${escapeGlob(`${prefix}-boot`)}:*`);
  });
});
