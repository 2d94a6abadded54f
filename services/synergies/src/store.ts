import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { publicPart, SynergyEngine, type RegionSnapshot } from '@maillage/synergy';
import type { SnapshotReader } from './source';

/** The measures could not read the regional graph (gateway or a subgraph down at the first read). */
export const SNAPSHOT_UNAVAILABLE = 'SNAPSHOT_UNAVAILABLE';

export interface SyncLog {
  syncRun: {
    create(args: { data: { id: string; reason: string } }): Promise<unknown>;
    update(args: { where: { id: string }; data: Record<string, unknown> }): Promise<unknown>;
  };
}

export interface SnapshotFigures {
  takenAt: string;
  actors: number;
  networks: number;
  memberships: number;
  initiatives: number;
  dangling: number;
}

interface Loaded {
  snapshot: RegionSnapshot;
  engine: SynergyEngine;
  publicEngine?: SynergyEngine;
  loadedAt: number;
}

/**
 * The snapshot the measures read, and when to read it again. The first query waits for the first
 * read; after `refreshMs` a query is answered from the snapshot it has while a new one is read
 * (stale while revalidating); one read at a time. A failed read keeps the previous snapshot and is
 * logged in the sync_run table with its error.
 */
export class SnapshotStore {
  private loaded?: Loaded;
  private reading?: Promise<Loaded>;

  constructor(
    private readonly reader: SnapshotReader,
    private readonly db: SyncLog,
    private readonly opts: { refreshMs: number; log: (msg: string) => void },
  ) {}

  /** The engine over everything (analysts, admins) or over public member lists only. */
  async engine(mayReadPrivate: boolean): Promise<SynergyEngine> {
    const loaded = await this.current();
    if (mayReadPrivate) return loaded.engine;
    return (loaded.publicEngine ??= new SynergyEngine(publicPart(loaded.snapshot)));
  }

  figures(engine: SynergyEngine): SnapshotFigures {
    const { ix } = engine;
    return { takenAt: ix.takenAt, actors: ix.actors.length, networks: ix.networks.length, memberships: ix.mNetwork.length, initiatives: ix.iId.length, dangling: ix.dangling };
  }

  private async current(): Promise<Loaded> {
    if (!this.loaded) {
      try {
        return await this.refresh('first query');
      } catch (err) {
        throw new GraphQLError(`The synergy measures could not read the regional graph: ${(err as Error).message}`, {
          extensions: { code: SNAPSHOT_UNAVAILABLE },
        });
      }
    }
    if (Date.now() - this.loaded.loadedAt > this.opts.refreshMs) this.refresh('refresh interval').catch(() => undefined);
    return this.loaded;
  }

  /** Reads the graph again now; concurrent callers share one read. */
  refresh(reason: string): Promise<Loaded> {
    this.reading ??= this.read(reason).finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(reason: string): Promise<Loaded> {
    const id = randomUUID();
    const started = Date.now();
    await this.db.syncRun.create({ data: { id, reason } });
    try {
      const { requests, ...snapshot } = await this.reader.read();
      const engine = new SynergyEngine(snapshot);
      this.loaded = { snapshot, engine, loadedAt: Date.now() };
      const f = this.figures(engine);
      await this.db.syncRun.update({ where: { id }, data: { finishedAt: new Date(), actors: f.actors, networks: f.networks, memberships: f.memberships, initiatives: f.initiatives, requests } });
      this.opts.log(`snapshot read (${reason}): ${f.actors} actors, ${f.networks} networks, ${f.memberships} memberships, ${f.initiatives} initiatives, ${requests} requests, ${Date.now() - started} ms`);
      return this.loaded;
    } catch (err) {
      const message = (err as Error).message;
      await this.db.syncRun.update({ where: { id }, data: { finishedAt: new Date(), error: message.slice(0, 2000) } }).catch(() => undefined);
      this.opts.log(`snapshot read (${reason}) failed: ${message}`);
      throw err;
    }
  }
}
