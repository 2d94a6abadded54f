import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { statedPart, SynergyEngine, type RegionSnapshot } from '@maillage/synergy';
import { RegionState, type ChangeSource, type FeedChange } from './feed';
import type { SnapshotReader } from './source';

/** The measures could not read the regional graph (gateway or a subgraph down at the first read). */
export const SNAPSHOT_UNAVAILABLE = 'SNAPSHOT_UNAVAILABLE';

export interface SyncLog {
  syncRun: {
    create(args: { data: { id: string; reason: string } }): Promise<unknown>;
    update(args: { where: { id: string }; data: Record<string, unknown> }): Promise<unknown>;
  };
}

/** Where the feed saves its checkpoint: the snapshot and, in the same transaction, each log's position. */
export interface CheckpointStore {
  saveCheckpoint(snapshot: RegionSnapshot, positions: Record<string, string>): Promise<void>;
  loadCheckpoint(): Promise<{ snapshot: RegionSnapshot; positions: Record<string, string> } | null>;
}

export interface FeedOptions {
  sources: ChangeSource[];
  /** Milliseconds between polls of the logs. */
  pollMs: number;
  /** Milliseconds between saved checkpoints while changes come in. */
  checkpointMs: number;
  checkpoints: CheckpointStore;
  /** Changes asked for per request. @default 500 */
  pageSize?: number;
  /** Called for each change applied, in order (tests count them). */
  onApply?: (source: string, change: FeedChange) => void;
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
  /** The snapshot read (without a feed, what the engines stay on until the next read). */
  snapshot: RegionSnapshot;
  engine: SynergyEngine;
  publicEngine: SynergyEngine;
  /**
   * Without derived facts (`includeDerived: false`), whole or public: built on first ask from the
   * graph as it is then, dropped at the next change (the feed keeps only the two engines above up
   * to date in place; this question is rare).
   */
  statedEngine?: SynergyEngine;
  statedPublicEngine?: SynergyEngine;
  /** When the last full read (or the checkpoint it continues) was taken: the safety net counts from it. */
  loadedAt: number;
}

/** What the feed has done, for operators and tests. */
export interface FeedStatus {
  positions: Record<string, string>;
  applied: number;
  /** Sources that failed their last poll. */
  down: string[];
  /** Milliseconds the changes of the last poll that brought any took to apply to the index (both engines). */
  lastApplyMs: number;
  /** Changes of concern to the index applied since the last full read, and the slowest one, in milliseconds. */
  indexChanges: number;
  maxChangeMs: number;
  /** Milliseconds the last full build of the index took, and its search (built right after, by chunks). */
  buildMs: number;
  searchBuildMs: number | null;
}

/**
 * Both engines over one snapshot: everything, and the public part (private member lists left out),
 * which follows the same changes and shares the first one's search (names are public, and both
 * index the same entities in the same order). The search is built by chunks right after, so the
 * first query does not build it and the event loop is not held while it is built.
 */
function buildEngines(snapshot: RegionSnapshot): { engine: SynergyEngine; publicEngine: SynergyEngine } {
  const engine = new SynergyEngine(snapshot, { search: 'background' });
  return { engine, publicEngine: new SynergyEngine(snapshot, { publicOnly: true, search: engine.names }) };
}

/**
 * The snapshot the measures read, and how it stays fresh.
 *
 * With a feed (the default), the first query waits for one full read through the gateway, taken
 * after noting each subgraph's log head; from then on every subgraph's change log is polled from its
 * position and each change applied to the region's maps (`RegionState`), in order per subgraph,
 * and to the engines' index in place (`SynergyEngine.apply`: lists, search, member sets; the
 * views it touches are built again when next asked). Positions and the snapshot
 * are saved together every `checkpointMs`, so a restart loads them and follows the logs from there.
 * A log that cannot be read keeps its position and is asked again at the next poll. A `RESEED` entry
 * (a seed rewrote rows wholesale) or a log that went backwards (a database recreated) makes it read
 * everything again. A full read every `refreshMs` stays as a slow safety net.
 *
 * Without a feed: after `refreshMs` a query is answered from the snapshot it has while a new one is
 * read (stale while revalidating). Either way one read at a time, and a failed read keeps the
 * previous snapshot and is logged in sync_run with its error.
 */
export class SnapshotStore {
  private loaded?: Loaded;
  private reading?: Promise<Loaded>;
  private starting?: Promise<void>;
  private state?: RegionState;
  private positions: Record<string, string> = {};
  private readonly down = new Set<string>();
  private applied = 0;
  private lastApplyMs = 0;
  private indexChanges = 0;
  private maxChangeMs = 0;
  private buildMs = 0;
  private lastCheckpoint = 0;
  private unsaved = false;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;
  /** Bumped by each full read: a poll that started before one drops what it read. */
  private generation = 0;

  constructor(
    private readonly reader: SnapshotReader,
    private readonly db: SyncLog,
    private readonly opts: { refreshMs: number; log: (msg: string) => void; feed?: FeedOptions },
  ) {}

  /**
   * The engine over everything (analysts, admins) or over public member lists only; with
   * `includeDerived` false, over the facts sources state and editors entered, without those derived by a rule.
   */
  async engine(mayReadPrivate: boolean, includeDerived = true): Promise<SynergyEngine> {
    const loaded = await this.current();
    if (includeDerived) return mayReadPrivate ? loaded.engine : loaded.publicEngine;
    const now = this.snapshot ?? loaded.snapshot;
    if (mayReadPrivate) return (loaded.statedEngine ??= new SynergyEngine(statedPart(now), { search: 'background' }));
    return (loaded.statedPublicEngine ??= new SynergyEngine(statedPart(now), { publicOnly: true, search: 'background' }));
  }

  figures(engine: SynergyEngine): SnapshotFigures {
    return { takenAt: engine.takenAt, ...engine.ix.counts() };
  }

  status(): FeedStatus {
    return {
      positions: { ...this.positions },
      applied: this.applied,
      down: [...this.down],
      lastApplyMs: this.lastApplyMs,
      indexChanges: this.indexChanges,
      maxChangeMs: this.maxChangeMs,
      buildMs: this.buildMs,
      searchBuildMs: this.loaded?.engine.names.buildMs ?? null,
    };
  }

  /** The graph the engines answer on: the feed's maps, or the last snapshot read (tests compare it with a fresh full read). */
  get snapshot(): RegionSnapshot | undefined {
    if (!this.loaded) return undefined;
    return this.state ? this.state.snapshot(this.loaded.engine.takenAt) : this.loaded.snapshot;
  }

  private load(snapshot: RegionSnapshot, loadedAt: number): Loaded {
    const t0 = performance.now();
    const loaded = { snapshot, ...buildEngines(snapshot), loadedAt };
    this.buildMs = performance.now() - t0;
    this.indexChanges = 0;
    this.maxChangeMs = 0;
    return loaded;
  }

  /**
   * At service start: with a feed and a saved checkpoint, load it and follow the logs at once
   * (no full read through the gateway). Without one, nothing happens until the first query.
   */
  start(): Promise<void> {
    this.starting ??= this.resume().catch((err: Error) =>
      this.opts.log(`checkpoint not loaded (${err.message}): the first query reads the graph`),
    );
    return this.starting;
  }

  /** Stops polling and saves what was applied since the last checkpoint. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
    await this.reading?.catch(() => undefined);
    if (this.unsaved) await this.checkpoint().catch((err: Error) => this.opts.log(`checkpoint at stop failed: ${err.message}`));
  }

  private async resume() {
    const feed = this.opts.feed;
    if (!feed) return;
    const saved = await feed.checkpoints.loadCheckpoint();
    if (!saved || !feed.sources.every((s) => saved.positions[s.name] !== undefined)) return;
    this.state = new RegionState(saved.snapshot);
    this.positions = { ...saved.positions };
    this.loaded = this.load(saved.snapshot, Date.parse(saved.snapshot.takenAt) || Date.now());
    this.lastCheckpoint = Date.now();
    this.opts.log(`checkpoint loaded: following the logs from ${JSON.stringify(this.positions)}`);
    this.schedule();
  }

  private async current(): Promise<Loaded> {
    await this.starting;
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
    const feed = this.opts.feed;
    await this.db.syncRun.create({ data: { id, reason } });
    try {
      // Heads first: a change made during the read is then applied after it (again, harmlessly:
      // an entry carries the entity's whole state), never lost between the read and the log.
      const heads = feed
        ? Object.fromEntries(await Promise.all(feed.sources.map(async (s) => [s.name, (await s.read('0', 1)).head] as const)))
        : {};
      const { requests, ...snapshot } = await this.reader.read();
      if (feed) this.generation++; // a poll under way drops what it read: the new index starts from these heads
      this.loaded = this.load(snapshot, Date.now());
      const f = this.figures(this.loaded.engine);
      await this.db.syncRun.update({
        where: { id },
        data: {
          finishedAt: new Date(),
          actors: f.actors,
          networks: f.networks,
          memberships: f.memberships,
          initiatives: f.initiatives,
          requests,
        },
      });
      this.opts.log(
        `snapshot read (${reason}): ${f.actors} actors, ${f.networks} networks, ${f.memberships} memberships, ${f.initiatives} initiatives, ${requests} requests, ${Date.now() - started} ms (index built in ${this.buildMs.toFixed(0)} ms, search building)`,
      );
      void this.loaded.engine.searchReady().then(() => {
        const ms = this.loaded?.engine.names.buildMs;
        if (ms !== undefined) this.opts.log(`search built in ${ms.toFixed(0)} ms`);
      });
      if (feed) {
        this.state = new RegionState(snapshot);
        this.positions = heads;
        await this.checkpoint();
        this.schedule();
      }
      return this.loaded;
    } catch (err) {
      const message = (err as Error).message;
      await this.db.syncRun
        .update({ where: { id }, data: { finishedAt: new Date(), error: message.slice(0, 2000) } })
        .catch(() => undefined);
      this.opts.log(`snapshot read (${reason}) failed: ${message}`);
      throw err;
    }
  }

  private schedule() {
    const feed = this.opts.feed;
    if (!feed || this.stopped || this.timer) return;
    const tick = () => {
      this.timer = undefined;
      if (this.stopped) return;
      this.polling = this.poll()
        .catch((err: Error) => this.opts.log(`change feed: ${err.message}`))
        .finally(() => {
          this.polling = undefined;
          if (!this.stopped && !this.timer) this.timer = setTimeout(tick, feed.pollMs);
        });
    };
    this.timer = setTimeout(tick, feed.pollMs);
  }

  /** One pass over every log: applies what is new, rebuilds the engine once if anything changed. */
  async poll(): Promise<void> {
    const feed = this.opts.feed;
    const state = this.state;
    if (!feed || !state || this.reading) return;
    const pageSize = feed.pageSize ?? 500;
    const generation = this.generation;
    let changed = false;
    let applyMs = 0;
    let readAgain: string | undefined;
    await Promise.all(
      feed.sources.map(async (source) => {
        try {
          for (;;) {
            const after = this.positions[source.name] ?? '0';
            const page = await source.read(after, pageSize);
            if (generation !== this.generation || this.stopped) return;
            if (BigInt(page.head) < BigInt(after)) {
              readAgain = `${source.name} change log restarted (head ${page.head} behind position ${after})`;
              return;
            }
            for (const c of page.changes) {
              // Ordered and at most once: the log answers after the position, the check makes sure.
              if (BigInt(c.seq) <= BigInt(this.positions[source.name] ?? '0')) continue;
              if (c.op === 'RESEED') {
                readAgain = `reseed in ${source.name}`;
                return;
              }
              const change = state.apply(c);
              if (change) {
                const t0 = performance.now();
                this.loaded!.engine.apply(change);
                this.loaded!.publicEngine.apply(change);
                const ms = performance.now() - t0;
                applyMs += ms;
                this.indexChanges++;
                if (ms > this.maxChangeMs) this.maxChangeMs = ms;
                changed = true;
              }
              this.positions[source.name] = c.seq;
              this.applied++;
              this.unsaved = true;
              feed.onApply?.(source.name, c);
            }
            if (this.down.delete(source.name))
              this.opts.log(`change feed: ${source.name} back, caught up to ${this.positions[source.name]}`);
            if (page.changes.length < pageSize) return;
          }
        } catch (err) {
          if (!this.down.has(source.name))
            this.opts.log(
              `change feed: ${source.name} unavailable (${(err as Error).message}); retrying from ${this.positions[source.name]}`,
            );
          this.down.add(source.name);
        }
      }),
    );
    if (this.stopped || generation !== this.generation) return;
    if (changed && this.loaded) {
      const at = new Date().toISOString();
      this.loaded.engine.ix.takenAt = at;
      this.loaded.publicEngine.ix.takenAt = at;
      this.loaded.statedEngine = this.loaded.statedPublicEngine = undefined;
      this.lastApplyMs = applyMs;
    }
    if (readAgain) {
      this.opts.log(`change feed: ${readAgain}; reading the graph again`);
      await this.refresh(readAgain).catch(() => undefined);
      return;
    }
    if (this.unsaved && Date.now() - this.lastCheckpoint >= feed.checkpointMs) await this.checkpoint();
  }

  private async checkpoint() {
    const feed = this.opts.feed;
    if (!feed || !this.state) return;
    const positions = { ...this.positions };
    this.unsaved = false;
    this.lastCheckpoint = Date.now();
    try {
      await feed.checkpoints.saveCheckpoint(this.state.snapshot(this.loaded?.engine.takenAt ?? new Date().toISOString()), positions);
    } catch (err) {
      this.unsaved = true;
      this.opts.log(`checkpoint failed: ${(err as Error).message}`);
    }
  }
}
