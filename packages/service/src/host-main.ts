/**
 * Several subgraphs in one process: what scripts/start.js runs in its embedded default instead of
 * a process per subgraph (each Node process costs about 100 MiB before it does anything of its
 * own, and loads the same modules again: docs/benchmarks.md, "npm start").
 *
 *   MAILLAGE_HOSTED  a JSON array of { "module": the path of a subgraph's built `dist/server.js`
 *                    (which exports `service`), "env": that subgraph's own variables (PORT,
 *                    METRICS_PORT, DATABASE_URL...), over the process's environment }
 *
 * With `--prepare` it migrates and seeds each, then exits, as `dist/index.js --prepare` does.
 */
import { readEnv } from '@maillage/env';
import { z } from 'zod';
import { runServices, type HostedService } from './service';

const entry = z.object({ module: z.string().min(1), env: z.record(z.string(), z.string()) });
const env = readEnv('host', {
  MAILLAGE_HOSTED: z
    .string()
    .min(1)
    .transform((v, ctx) => {
      try {
        return z.array(entry).min(1).parse(JSON.parse(v));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `not a JSON array of { module, env }: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  /** OTLP/HTTP collector for the hosted subgraphs' traces, under the service name `subgraphs`. @default none */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
});

async function main() {
  const hosted: HostedService[] = [];
  for (const { module, env: own } of env.MAILLAGE_HOSTED) {
    const { service } = (await import(module)) as { service?: HostedService['service'] };
    if (!service) throw new Error(`${module} exports no service`);
    hosted.push({ service, env: own });
  }
  await runServices(hosted, { serviceName: 'subgraphs', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
