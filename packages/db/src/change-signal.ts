import type { PGlite } from '@electric-sql/pglite';
import type { Client as PgClient } from 'pg';
import { CHANGE_CHANNEL } from './changes';

/**
 * Wakes whoever waits for this subgraph's change log to grow: one listener per process on
 * `CHANGE_CHANNEL` (`recordChanges` notifies it at commit), shared by every waiting `POST /changes`.
 * A wake says "read again", nothing more: a waiter re-reads the log, which is the truth.
 */
export interface ChangeSignal {
  /** Whether notifications are being received now; while not, a waiter re-reads on a timer instead. */
  readonly listening: boolean;
  /** Calls `wake` at each notification (and when the listener reconnects) until the returned function is called. */
  subscribe(wake: () => void): () => void;
  close(): Promise<void>;
}

abstract class Wakers {
  private readonly wakers = new Set<() => void>();
  listening = false;
  subscribe(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => void this.wakers.delete(wake);
  }
  /** Wakes every subscriber (a notification came, or the listener is back). */
  wakeAll() {
    for (const wake of [...this.wakers]) wake();
  }
}

/** PGlite's own notifications: one instance is one service's database, so every one is this log's. */
export async function pgliteChangeSignal(db: PGlite, log: (msg: string) => void = () => undefined): Promise<ChangeSignal> {
  const signal = new (class extends Wakers {
    unlisten?: () => Promise<void>;
    async close() {
      this.listening = false;
      await this.unlisten?.().catch(() => undefined);
    }
  })();
  try {
    signal.unlisten = await db.listen(CHANGE_CHANNEL, () => signal.wakeAll());
    signal.listening = true;
  } catch (err) {
    log(`change log: LISTEN failed (${(err as Error).message}); waits on /changes re-read on a timer`);
  }
  return signal;
}

/** Pause before a lost listener connects again. */
const RECONNECT_MS = 1_000;

/**
 * A dedicated PostgreSQL connection doing `LISTEN` (a pooled one cannot: the pool hands it to
 * others, and it must stay idle to be told). Connects in the background and again after any error,
 * every second, logging once per outage; each (re)connection wakes every waiter, since a change may
 * have committed while nobody listened. Keeps the notifications whose payload is its own
 * `current_schema()` (several subgraphs may share a database, one schema each).
 */
export function pgChangeSignal(create: () => PgClient, log: (msg: string) => void = () => undefined): ChangeSignal {
  let client: PgClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let down = false;
  const signal = new (class extends Wakers {
    async close() {
      closed = true;
      this.listening = false;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    }
  })();
  const lost = (c: PgClient, err: Error) => {
    if (client !== c) return;
    client = undefined;
    signal.listening = false;
    void c.end().catch(() => undefined);
    if (closed) return;
    if (!down) log(`change log: listener lost (${err.message}); waits on /changes re-read on a timer until it is back`);
    down = true;
    timer = setTimeout(connect, RECONNECT_MS);
  };
  const connect = () => {
    timer = undefined;
    if (closed) return;
    const c = create();
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('connection ended')));
    void (async () => {
      await c.connect();
      const { rows } = await c.query<{ schema: string }>('SELECT current_schema() AS schema');
      const schema = rows[0]?.schema ?? '';
      c.on('notification', (n) => {
        if (n.channel === CHANGE_CHANNEL && (n.payload ?? '') === schema) signal.wakeAll();
      });
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (client !== c || closed) return;
      signal.listening = true;
      if (down) log('change log: listener back');
      down = false;
      signal.wakeAll();
    })().catch((err: Error) => lost(c, err));
  };
  connect();
  return signal;
}
