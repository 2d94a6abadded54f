import { NoChangeLog, type ChangeSource } from '@maillage/subgraph-server';
import { Gauge, type Registry } from 'prom-client';
import { tagsOfChange } from './change-tags';
import { subgraphTag, type EntityCache } from './entity-cache';

export interface ChangeFeedOptions {
  /** One per subgraph whose entities are cached, named as the subgraph. */
  sources: ChangeSource[];
  cache: EntityCache;
  /**
   * Milliseconds before a log is read again after a failed read, or after an empty answer that came
   * back much sooner than the wait asked for (a subgraph that does not wait); with `waitMs` 0,
   * between any two reads of a log that is caught up. @default 200
   */
  pollMs?: number;
  /**
   * How long each read asks the subgraph to hold its answer when nothing follows the position
   * (`POST /changes` `waitMs`): a long poll answered at the next change's commit, then read again at
   * once. 0 polls every `pollMs` instead. @default 20000
   */
  waitMs?: number;
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
  /** When the pending long poll was sent, from a position at the head; undefined when none is pending. */
  waitingSince?: number;
  /** Aborts the pending read when the follower stops. */
  abort?: AbortController;
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
 * through any gateway, a write straight to a subgraph, the CLI import, a seed. Each log is read in
 * its own loop, so a slow or down subgraph delays no other. A read that is caught up is a long poll
 * (`waitMs`): the subgraph answers it when the next change commits (woken by NOTIFY) or empty after
 * the wait, and the follower asks again at once; an idle graph costs one request per log per wait.
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
  private readonly waitMs: number;
  private readonly pageSize: number;
  private stopped = false;

  constructor(private readonly opts: ChangeFeedOptions) {
    this.pollMs = opts.pollMs ?? 200;
    this.waitMs = opts.waitMs ?? 20_000;
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
      "Seconds the entity cache's follower may be behind a subgraph's change log: 0 while its long poll at the head is within its wait (the subgraph answers it at the next commit), by how much it outlasted the wait when it did; else seconds since a read last reached the head (up to the poll interval when polling; -1 before the first read).",
      (f, now) => this.lagMs(f, now) / 1000,
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
    for (const f of this.followed) {
      clearTimeout(f.timer);
      f.abort?.abort();
    }
    await Promise.all(this.followed.map((f) => f.running?.catch(() => undefined)));
  }

  /** Positions by subgraph (tests, operators). */
  positions(): Record<string, string | undefined> {
    return Object.fromEntries(this.followed.map((f) => [f.source.name, f.position]));
  }

  /** The gauge's lag, in ms (see its help); -1 before the first read. */
  private lagMs(f: Followed, now: number): number {
    if (!f.caughtUpAt) return -1;
    if (f.waitingSince !== undefined) return Math.max(0, now - f.waitingSince - this.waitMs);
    return now - f.caughtUpAt;
  }

  private tick(f: Followed): Promise<void> {
    f.abort = new AbortController();
    f.running = this.read(f, f.abort.signal)
      .catch((err: Error) => {
        if (this.stopped) return 0;
        this.failed(f, err);
        return this.pollMs;
      })
      .then((pauseMs) => {
        f.running = f.abort = f.waitingSince = undefined;
        if (this.stopped || f.noLog) return;
        if (pauseMs > 0) f.timer = setTimeout(() => void this.tick(f), pauseMs);
        else void this.tick(f);
      });
    return f.running;
  }

  /** Reads a log up to its head; resolves with the pause before the next read. */
  private async read(f: Followed, signal: AbortSignal): Promise<number> {
    const name = f.source.name;
    const next = this.waitMs ? 0 : this.pollMs;
    if (f.position === undefined) {
      const { head } = await f.source.read('0', 1, { signal });
      if (this.opts.sharedStore) await this.clear(f, 'start: entries kept by other processes before this follower read the head');
      this.recovered(f, head);
      return next;
    }
    for (;;) {
      const after: string = f.position;
      // Only a read from the head waits (the subgraph answers at once when it has more).
      const waitMs = f.behind === 0 ? this.waitMs : 0;
      const sent = Date.now();
      if (waitMs) f.waitingSince = sent;
      const page = await f.source.read(after, this.pageSize, { waitMs, signal });
      f.waitingSince = undefined;
      if (this.stopped) return 0;
      if (BigInt(page.head) < BigInt(after)) {
        await this.clear(f, `log restarted (head ${page.head} behind position ${after})`);
        this.recovered(f, page.head);
        return next;
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
        // Caught up, whether the wait brought changes or ended empty.
        f.caughtUpAt = Date.now();
        // An empty answer well before the wait it asked for: a subgraph that does not wait (an older
        // version) or is stopping. Reading again at once would spin; it is polled instead.
        if (waitMs && !fresh.length && f.caughtUpAt - sent < waitMs / 2) return this.pollMs;
        return next;
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
        `entity cache: change log unreadable; retrying every ${this.pollMs} ms`,
      );
    f.failing = true;
  }
}
