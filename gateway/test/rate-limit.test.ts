import { callerKey, clientOf, CostRateLimiter } from '../src/rate-limit';
import { ANONYMOUS, viewerOf } from '@maillage/viewer';
import { gatewayEnv, rateLimitsOf } from '../src/env';

test('callers are counted by partner key, by token subject and role, else by address (IPv6 by its /64)', () => {
  expect(callerKey(viewerOf({ scopes: ['partner'], partnerId: 'pk-1' }), '203.0.113.9')).toBe('key:pk-1');
  expect(callerKey(viewerOf({ scopes: ['analyst'], subject: 'alice' }), '203.0.113.9')).toBe('sub:analyst:alice');
  expect(callerKey(ANONYMOUS, '203.0.113.9')).toBe('ip:203.0.113.9');
  expect(clientOf('::ffff:198.51.100.4')).toBe('198.51.100.4');
  expect(clientOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
  expect(clientOf('2001:db8:1:2::1')).toBe(clientOf('2001:0db8:0001:0002:ffff::9'));
  expect(clientOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(clientOf('::1')).toBe('0:0:0:0::/64');
  expect(clientOf(undefined)).toBe('unknown');
});

test('a budget is charged only when it can pay, and refunds give points back', async () => {
  const limiter = new CostRateLimiter({ budgets: { anonymous: 100, partner: 1, editor: 1, analyst: 1, admin: 1 } });
  expect(await limiter.take('ip:x', 100, 60)).toMatchObject({ ok: true, charged: 60, budget: { limit: 100, remaining: 40 } });
  const refused = await limiter.take('ip:x', 100, 50);
  expect(refused).toMatchObject({ ok: false, budget: { remaining: 40 } });
  expect(refused.ok || refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  // The refusal charged nothing; a zero-cost request still costs its point.
  expect(await limiter.take('ip:x', 100, 0)).toMatchObject({ ok: true, charged: 1, budget: { remaining: 39 } });
  await limiter.refund('ip:x', 30);
  expect(await limiter.peek('ip:x', 100)).toMatchObject({ remaining: 69 });
  expect(await limiter.take('ip:y', 100, 100)).toMatchObject({ ok: true, budget: { remaining: 0 } });
  await limiter.close();
});

test('the rate limit settings are read from the environment and checked', () => {
  const env = gatewayEnv({
    REDIS_URL: 'redis://127.0.0.1:6379/2',
    RATE_LIMIT_ANONYMOUS: '900',
    TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,192.0.2.1',
  });
  expect(rateLimitsOf(env)).toEqual({
    redisUrl: 'redis://127.0.0.1:6379/2',
    keyPrefix: 'maillage:cost',
    budgets: { anonymous: 900, partner: 100_000, editor: 200_000, analyst: 1_000_000, admin: 5_000_000 },
    exemptSubjects: ['service:synergies'],
    trustedProxies: ['loopback', '10.0.0.0/8', '192.0.2.1'],
  });
  expect(() => gatewayEnv({ TRUSTED_PROXIES: 'everyone' })).toThrow(/TRUSTED_PROXIES/);
  expect(() => gatewayEnv({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
  expect(() => gatewayEnv({ RATE_LIMIT_ANALYST: '0' })).toThrow(/RATE_LIMIT_ANALYST/);
});
