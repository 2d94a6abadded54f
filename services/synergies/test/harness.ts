import { openDatabase } from '@maillage/db';
import { createSubgraphApollo } from '@maillage/subgraph-server';
import type { RegionSnapshot } from '@maillage/synergy';
import { createDatabases, testServerUrl, testViewer, type As } from '@maillage/testing';
import { PrismaClient } from '../src/generated/prisma/client';
import { createServer, service } from '../src/server';

export interface SynergiesHarness {
  /** Runs an operation through the schema in-process, as `as` (default: an analyst). */
  run(query: string, as?: As): Promise<{ data?: Record<string, any> | null; errors?: readonly any[] }>;
  stop(): Promise<void>;
}

/**
 * The synergies subgraph on its own fresh database, reading `region` instead of the gateway: every
 * figure a test expects can then be worked out by hand from that region.
 */
export async function synergiesOn(region: Omit<RegionSnapshot, 'requests'>): Promise<SynergiesHarness> {
  const { prisma, stop } = await synergiesDatabase();
  const definition = createServer(prisma, () => undefined, { read: async () => ({ ...region, requests: 1 }) });
  const apollo = createSubgraphApollo(definition);
  await apollo.start();
  return {
    run: async (query, as = 'analyst') => {
      const viewer = testViewer(as);
      const res = await apollo.executeOperation({ query }, { contextValue: { ...(await definition.context({ viewer })), viewer } });
      if (res.body.kind !== 'single') throw new Error('incremental delivery not expected');
      return res.body.singleResult;
    },
    stop: async () => {
      await apollo.stop();
      await stop();
    },
  };
}

/**
 * `synergiesOn(region)` for the whole test file: started before its first test, stopped after its
 * last. Returns the file's `run`.
 */
export function runSynergiesOn(region: Omit<RegionSnapshot, 'requests'>): SynergiesHarness['run'] {
  let h: SynergiesHarness;
  beforeAll(async () => {
    h = await synergiesOn(region);
  }, 60_000);
  afterAll(() => h?.stop());
  return (query, as) => h.run(query, as);
}

/** `synergiesDatabase()` for the whole test file: `use` is given its client before the first test. */
export function useSynergiesDatabase(use: (prisma: PrismaClient) => void): void {
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await synergiesDatabase();
    use(db.prisma);
    cleanup = db.stop;
  }, 60_000);
  afterAll(() => cleanup?.());
}

/** The synergies service's own database, fresh, with its migrations applied; `stop` drops it. */
export async function synergiesDatabase(): Promise<{ prisma: PrismaClient; stop(): Promise<void> }> {
  const server = testServerUrl();
  const dbs = server ? await createDatabases(server, ['synergies']) : undefined;
  const db = await openDatabase({ service: 'synergies', url: dbs?.urls.synergies, migrationsDir: service.migrationsDir });
  const prisma = new PrismaClient({ adapter: db.adapter });
  return {
    prisma,
    stop: async () => {
      await prisma.$disconnect();
      await db.close();
      await dbs?.drop();
    },
  };
}
