import { DEV_SIGNING_SECRET, DEV_TOKEN_SECRET } from '@maillage/viewer';

/**
 * Every secret value this repository has ever shown: the development defaults, the values the
 * compose file once defaulted to (still in its history), and the placeholders of `.env.example`
 * and the README. Anyone can read them, so none may run in production. The one list:
 * `test/secrets.test.ts` fails when a secret-looking value in `.env.example`, the README or the
 * compose file is missing from it.
 */
export const PUBLISHED_SECRETS: readonly string[] = Object.freeze([
  DEV_SIGNING_SECRET,
  DEV_TOKEN_SECRET,
  'compose-local-signing-secret-change-me',
  'compose-local-token-secret-change-me-too',
]);

/** Fewest bytes a secret may have. */
export const MIN_SECRET_BYTES = 32;
/** A random secret of 32 bytes or more shows many distinct characters; a typed one (`xxxx…`, `1234…`) few. */
const MIN_DISTINCT_CHARACTERS = 10;

/** What is wrong with a secret for production, or undefined when nothing is. */
export function secretProblem(value: string | undefined): string | undefined {
  if (!value) return 'required in production (npm run secrets writes one into .env)';
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes`;
  if (PUBLISHED_SECRETS.includes(value))
    return 'is a published value (a development default or an example from this repository): anyone can sign with it';
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS) return 'does not look random (too few distinct characters)';
  return undefined;
}

/**
 * Refuses, in production, every named secret that is missing (when required), short, published or
 * not random, naming each variable at fault in the same format as `readEnv`.
 */
export function assertProductionSecrets(
  service: string,
  env: Record<string, unknown> & { NODE_ENV?: string },
  secrets: { required?: readonly string[]; optional?: readonly string[] },
): void {
  if (env.NODE_ENV !== 'production') return;
  const lines: string[] = [];
  for (const name of secrets.required ?? []) {
    const problem = secretProblem(env[name] as string | undefined);
    if (problem) lines.push(`  ${name}: ${problem}`);
  }
  for (const name of secrets.optional ?? []) {
    if (env[name] === undefined) continue;
    const problem = secretProblem(env[name] as string);
    if (problem) lines.push(`  ${name}: ${problem}`);
  }
  if (lines.length) throw new Error(`${service}: invalid configuration\n${lines.join('\n')}`);
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Says loudly, at start, that a process is a development setup: without `NODE_ENV=production`
 * the services accept development tokens and secrets published in this repository, so a forgotten
 * `NODE_ENV` must not go unnoticed, and even less so on an address other machines can reach.
 * `fallbacks` names what runs on a development default. Returns the warning given, if any.
 */
export function warnDevelopmentSetup(
  service: string,
  opts: { nodeEnv?: string; host: string; fallbacks: readonly string[]; published?: readonly string[] },
  warn: (msg: string) => void,
): string | undefined {
  if (opts.nodeEnv === 'production') return undefined;
  const exposed = !isLoopback(opts.host);
  if (!exposed && !opts.fallbacks.length && !opts.published?.length) return undefined;
  const parts = [
    `${service}: DEVELOPMENT SETUP (NODE_ENV is ${opts.nodeEnv ? `"${opts.nodeEnv}"` : 'not set'}, not "production")`,
    exposed ? `listening on ${opts.host}, which other machines can reach` : undefined,
    opts.fallbacks.length
      ? `using development defaults for ${opts.fallbacks.join(', ')}: anyone who reads the repository can sign with them`
      : undefined,
    opts.published?.length ? `${opts.published.join(', ')} set to a value published in the repository` : undefined,
    'set NODE_ENV=production and real secrets (npm run secrets) for anything but a local try',
  ].filter(Boolean);
  const message = `!!! ${parts.join('; ')} !!!`;
  warn(message);
  return message;
}

/**
 * Metrics on an address other machines reach, without a token, show every service's figures to
 * whoever connects: allowed (a private container network is such an address), but said.
 */
export function warnOpenMetrics(service: string, opts: { host: string; token?: string }, warn: (msg: string) => void): string | undefined {
  if (isLoopback(opts.host) || opts.token) return undefined;
  const message = `${service}: /metrics listens on ${opts.host} without METRICS_TOKEN: anyone who reaches that address reads them`;
  warn(message);
  return message;
}
