import type { RequestHandler } from 'express';
import type { BreakerState } from './breaker';

/** How long the gateway's /ready waits for one subgraph's /ready: a hung subgraph must not hang it. */
const CHECK_TIMEOUT_MS = 1_000;

/**
 * The gateway's `/ready`: ready (200) when every subgraph answers its own readiness check, else 503
 * with the ones that do not. Each subgraph's circuit breaker state is shown, and a subgraph whose
 * circuit is not closed is reported down without asking it (its breaker's probe is already asking).
 */
export function readiness(readyUrls: [string, string][], breakerOf: (name: string) => BreakerState): RequestHandler {
  return async (_req, res) => {
    const checks = await Promise.all(
      readyUrls.map(async ([name, url]) => {
        const breaker = breakerOf(name);
        const ready =
          breaker === 'closed' &&
          (await fetch(url, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }).then(
            async (r) => (await r.arrayBuffer(), r.ok),
            () => false,
          ));
        return [name, { ready, breaker }] as const;
      }),
    );
    const down = checks.filter(([, c]) => !c.ready).map(([name]) => name);
    res
      .status(down.length ? 503 : 200)
      .json({ status: down.length ? 'unavailable' : 'ready', down, subgraphs: Object.fromEntries(checks) });
  };
}
