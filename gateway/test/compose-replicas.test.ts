import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@maillage/testing';
import { parse } from 'yaml';

// Docker cannot run on the machines the tests run on: this reads docker-compose.yml and the proxy's
// configuration as Docker would (YAML) and checks what the replicas need: Redis, health-checked,
// that every gateway replica uses; two replicas by default and scalable (no published port of
// their own); one proxy publishing port 4000, health-checked, whose config file is in the
// repository and finds every replica by the service's DNS name.

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const { redis, gateway, proxy } = compose.services;

test('every service restarts and is health-checked', () => {
  for (const [name, s] of Object.entries(compose.services)) {
    expect([name, s.restart]).toEqual([name, 'unless-stopped']);
    expect([name, Array.isArray(s.healthcheck?.test)]).toEqual([name, true]);
  }
});

test('the gateway runs as two replicas on Redis, reachable through the proxy only', () => {
  expect(redis.image).toMatch(/^redis:7/);
  expect(redis.healthcheck!.test).toEqual(['CMD', 'redis-cli', 'ping']);
  expect(gateway.environment!.REDIS_URL).toBe('redis://redis:6379');
  expect(gateway.depends_on!.redis).toEqual({ condition: 'service_healthy' });
  expect(gateway.deploy!.replicas).toBe(2);
  // A published port would make a second replica clash on the host.
  expect(gateway.ports).toBeUndefined();
  // The proxy is on the compose network: the gateways believe its X-Forwarded-For.
  expect(gateway.environment!.TRUSTED_PROXIES).toBe('uniquelocal');
  // Secrets keep coming from .env or the environment, never a default.
  expect(gateway.environment!.GATEWAY_SIGNING_SECRET).toMatch(/^\$\{GATEWAY_SIGNING_SECRET:\?[^}]+\}$/);
});

test('one proxy publishes port 4000, waits for healthy replicas, and finds each by DNS', () => {
  expect(proxy.image).toMatch(/^haproxy:\d/);
  expect(proxy.ports).toEqual(['4000:4000']);
  expect(proxy.depends_on).toEqual({ gateway: { condition: 'service_healthy' } });
  expect(Object.values(compose.services).filter((s) => s.ports?.some((p) => p.endsWith(':4000')))).toEqual([proxy]);
  const [source, target] = proxy.volumes![0].split(':');
  expect(target).toBe('/usr/local/etc/haproxy/haproxy.cfg');
  const file = path.join(repoRoot, source);
  expect(existsSync(file)).toBe(true);
  const cfg = readFileSync(file, 'utf8');
  expect(cfg).toMatch(/^\s*bind :4000$/m);
  expect(cfg).toMatch(/^\s*server-template gateway \d+ gateway:4000$/m);
  expect(cfg).toMatch(/^\s*option httpchk GET \/health$/m);
  expect(cfg).toMatch(/^\s*default-server check .*resolvers docker/m);
  expect(cfg).toMatch(/^\s*nameserver dns 127\.0\.0\.11:53$/m);
});
