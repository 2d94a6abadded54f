import { NoChangeLog, type ChangeSource } from '@maillage/subgraph-server';
import { Gauge, type Registry } from 'prom-client';
import { tagsOfChange } from './change-tags';
import { subgraphTag, type EntityCache } from './entity-cache';

export interface ChangeFeedOptions {
  /** One per subgraph whose entities are cached, named as the subgraph. */
  sources: ChangeSource[];
  cache: EntityCache;
  /** Milliseconds between two reads of a log that is caught up. @default 200 */
  pollMs?: number;
  /** Changes asked for per read. @default 500 */
  pageSize?: number;
  /**
   * The cache's store is shared with other gateway processes (Redis): at start, what they kept of
   * a subgraph is dropped once its log's head is known, since nobody may have followed it meanwhile.
   */
  sharedStore?: boolean;
  registry?: Registry;
  logger?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

interface Followed {
  source: ChangeSource;
  /** The last position whose change was invalidated; undefined until the head was read. */
  position?: string;
  /** When a read last reached the head. */
  caughtUpAt: number;
  /** Changes between the position and the head at the last read. */
  behind: number;
  failing: boolean;
  /** The subgraph keeps no log (404): its entries live by their TTL alone. */
  noLog: boolean;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

/**
 * The gateway's follower of the subgraphs' change logs (their outboxes, `POST /changes`), which
 * calls the entity cache's `invalidateTags` for every entry, whatever made the change: a mutation
 * through any gateway, a write straight to a subgraph, the CLI import, a seed. Each log is read on
 * its own timer, so a slow or down subgraph delays no other.
 *
 * It needs no history: it starts at each log's head, and until that head is known the subgraph's
 * entities are neither served nor kept (`vouch`). A change's tags are dropped before the position
 * moves past it. What it cannot vouch for it clears (the subgraph's tag): a `RESEED` entry, a log
 * whose head went behind the position (a database recreated), and a log that comes back after
 * failing reads (the subgraph restarted: its database may be another one). A failing log keeps its
 * position and is read again at the next poll; its entries are served meanwhile (a subgraph whose
 * log cannot be read takes no writes either), and the lag gauge shows how long it has been.
 */
export class ChangeFeedFollower {
  private readonly followed: Followed[];
  private readonly pollMs: number;
  private readonly pageSize: number;
  private stopped = false;

  constructor(private readonly opts: ChangeFeedOptions) {
    this.pollMs = opts.pollMs ?? 200;
    this.pageSize = opts.pageSize ?? 500;
    this.followed = opts.sources.map((source) => ({ source, caughtUpAt: 0, behind: 0, failing: false, noLog: false }));
    const registry = opts.registry;
    if (!registry) return;
    // Per followed subgraph with a log, computed when /metrics is read.
    const perSubgraph = (name: string, help: string, value: (f: Followed, now: number) => number) => {
      const gauge: Gauge<'subgraph'> = new Gauge({
        name,
        help,
        labelNames: ['subgraph'] as const,
        registers: [registry],
        collect: () => {
          const now = Date.now();
          // A subgraph found to keep no log leaves the gauge (it was -1 until its first read said so).
          for (const f of this.followed)
            if (f.noLog) gauge.remove({ subgraph: f.source.name });
            else gauge.set({ subgraph: f.source.name }, value(f, now));
        },
      });
    };
    perSubgraph(
      'maillage_gateway_entity_cache_feed_lag_seconds',
      "Seconds since the entity cache's follower last read a subgraph's change log up to its head (about the poll interval when all is well; -1 before the first read).",
      (f, now) => (f.caughtUpAt ? (now - f.caughtUpAt) / 1000 : -1),
    );
    perSubgraph(
      'maillage_gateway_entity_cache_feed_behind',
      "Changes of a subgraph's log not yet invalidated in the entity cache, at the follower's last read.",
      (f) => f.behind,
    );
  }

  /** Starts following (no entity of a followed subgraph is cached from now until its head is read); resolves once every log's head was asked for once (read or failed). */
  start(): Promise<void> {
    for (const f of this.followed) this.opts.cache.vouch(f.source.name, false);
    return Promise.all(this.followed.map((f) => this.tick(f))).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.followed) clearTimeout(f.timer);
    await Promise.all(this.followed.map((f) => f.running?.catch(() => undefined)));
  }

  /** Positions by subgraph (tests, operators). */
  positions(): Record<string, string | undefined> {
    return Object.fromEntries(this.followed.map((f) => [f.source.name, f.position]));
  }

  private tick(f: Followed): Promise<void> {
    f.running = this.read(f)
      .catch((err: Error) => this.failed(f, err))
      .finally(() => {
        f.running = undefined;
        if (!this.stopped && !f.noLog) f.timer = setTimeout(() => void this.tick(f), this.pollMs);
      });
    return f.running;
  }

  private async read(f: Followed) {
    const name = f.source.name;
    if (f.position === undefined) {
      const { head } = await f.source.read('0', 1);
      if (this.opts.sharedStore) await this.clear(f, 'start: entries kept by other processes before this follower read the head');
      this.recovered(f, head);
      return;
    }
    for (;;) {
      const after: string = f.position;
      const page = await f.source.read(after, this.pageSize);
      if (this.stopped) return;
      if (BigInt(page.head) < BigInt(after)) {
        await this.clear(f, `log restarted (head ${page.head} behind position ${after})`);
        this.recovered(f, page.head);
        return;
      }
      if (f.failing) await this.clear(f, 'log readable again after failing reads');
      const fresh = page.changes.filter((c) => BigInt(c.seq) > BigInt(after));
      if (fresh.length)
        await this.opts.cache.invalidateTags(
          fresh.flatMap((c) => tagsOfChange(name, c)),
          'feed',
        );
      const last = fresh.at(-1)?.seq ?? after;
      f.behind = Number(BigInt(page.head) - BigInt(last));
      this.recovered(f, last);
      if (page.changes.length < this.pageSize) {
        f.caughtUpAt = Date.now();
        return;
      }
    }
  }

  private recovered(f: Followed, position: string) {
    if (f.failing) this.opts.logger?.info({ subgraph: f.source.name, position }, 'entity cache: change log readable again');
    f.failing = false;
    f.position = position;
    if (f.caughtUpAt === 0 || f.behind === 0) f.caughtUpAt = Date.now();
    this.opts.cache.vouch(f.source.name, true);
  }

  private async clear(f: Followed, why: string) {
    this.opts.logger?.info({ subgraph: f.source.name }, `entity cache: ${f.source.name} entries dropped (${why})`);
    await this.opts.cache.invalidateTags([subgraphTag(f.source.name)], 'feed');
  }

  private failed(f: Followed, err: Error) {
    if (err instanceof NoChangeLog) {
      f.noLog = true;
      this.opts.cache.vouch(f.source.name, true);
      this.opts.logger?.info({ subgraph: f.source.name }, `entity cache: ${err.message}; its entries live by their TTL alone`);
      return;
    }
    if (!f.failing)
      this.opts.logger?.warn(
        { subgraph: f.source.name, position: f.position, err: err.message },
        'entity cache: change log unreadable; retrying at each poll',
      );
    f.failing = true;
  }
}
