import type { Redis } from 'ioredis';
import { createRedis } from '../../infra/clients';
import { escapeGlob, unlinkMatching } from '../../projections/runner/store';
import { TokenStore } from '../../services/api/tokens';
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
