/**
 * One embedded PostgreSQL (PGlite) for every subgraph of `npm start`, served over the PostgreSQL
 * wire protocol with `@electric-sql/pglite-socket`.
 *
 * PGlite has a single backend session: every connection lands in database `postgres` and shares
 * that session's state (role, search_path, open transaction, unnamed prepared statement). So each
 * subgraph gets a schema of its own and a role of the same name that owns it, and the session is
 * handed to one connection at a time, with that connection's role and search_path put on it first:
 * - a connection's identity is the user name of its startup message (`postgres://chambers@…`):
 *   a provisioned schema, or `postgres` (the superuser, for an operator's psql);
 * - a connection keeps the session from its first message until PostgreSQL is idle again: through
 *   an extended-protocol exchange up to its Sync (the library's own queue lets another
 *   connection's Parse land between one's Parse and Bind) and through an open transaction;
 * - every schema role has rights on its own schema only, and `public` (where btree_gist lives,
 *   created once here, so that each schema's `CREATE EXTENSION IF NOT EXISTS` finds it) for use.
 *
 * - LISTEN/NOTIFY: the one session listens for all, so PostgreSQL writes a notification into the
 *   stream of whichever connection committed it. The queue copies each one to the connections that
 *   said `LISTEN` on its channel (a subgraph's change listener, packages/db `pgChangeSignal`).
 *
 * What is enforced and what is not: a query of one subgraph that names another's table, qualified
 * or not, fails with "permission denied". It guards against mistakes, not against a hostile client:
 * the socket asks no password (it listens on loopback only), and a client that sends `RESET ROLE`
 * itself is the superuser until the session changes hands.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { pgliteExtensions } from './extensions';

/** A schema (and role) name this server provisions: lower-case PostgreSQL identifier. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SUPERUSER = 'postgres';
const PROTOCOL_3 = 196608;

export interface EmbeddedServerOptions {
  /** Data directory of the cluster; `memory://` keeps it in memory. */
  dataDir: string;
  /** @default 127.0.0.1 */
  host?: string;
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  /** The subgraphs' schemas: each gets a role of the same name that owns it. */
  schemas: readonly string[];
  /** @default 20 */
  maxConnections?: number;
  /**
   * PostgreSQL's shared_buffers. PGlite reserves them in its WASM memory at open: the 128MB default
   * costs about 110 MiB more resident than 16MB (300 against 187 MiB, measured on the seeded
   * cluster), for a development data set of a few MB that the OS caches anyway.
   * @default '16MB'
   */
  sharedBuffers?: string;
  log?: (msg: string) => void;
}

export interface EmbeddedServer {
  port: number;
  host: string;
  /** The URL a service connects with: its role as user, its schema for Prisma. */
  urlFor(schema: string): string;
  stop(): Promise<void>;
}

/** Opens (or creates) the cluster, provisions the schemas and roles, and listens. */
export async function startEmbeddedServer(opts: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => undefined);
  for (const s of opts.schemas) {
    if (!SCHEMA_NAME.test(s) || s === SUPERUSER || s === 'public' || s.startsWith('pg_'))
      throw new Error(`embedded database: "${s}" cannot be a schema name`);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketHandler } = await import('@electric-sql/pglite-socket');
  if (!opts.dataDir.includes('://')) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir, {
    extensions: await pgliteExtensions(),
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${opts.sharedBuffers ?? '16MB'}`],
  });
  await provision(db, opts.schemas);
  log(`embedded database: ${opts.dataDir}, schemas ${opts.schemas.join(', ')}`);

  const session = new SessionQueue(db, new Set(opts.schemas));
  const maxConnections = opts.maxConnections ?? 20;
  const handlers = new Set<InstanceType<typeof PGLiteSocketHandler>>();
  const server = net.createServer((socket) => {
    if (handlers.size >= maxConnections) {
      socket.end(errorResponse('53300', `too many connections (${maxConnections}) to the embedded database`));
      return;
    }
    // The handler's typings name the library's own queue class; ours has the same three methods.
    const handler = new PGLiteSocketHandler({ queryQueue: session as never, closeOnDetach: true });
    handlers.add(handler);
    const drop = () => handlers.delete(handler);
    handler.addEventListener('close', drop);
    handler.addEventListener('error', drop);
    handler.attach(socket).catch(() => {
      drop();
      socket.destroy();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    host,
    urlFor: (schema) => `postgres://${schema}@${host}:${port}/postgres?schema=${schema}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const h of handlers) void h.detach(true);
      });
      await db.close();
    },
  };
}

/** Idempotent: the extension in `public`, then one role and one owned schema per subgraph. */
async function provision(db: PGlite, schemas: readonly string[]): Promise<void> {
  await db.exec('CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public');
  for (const s of schemas) {
    const { rows } = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [s]);
    if (!rows.length) await db.exec(`CREATE ROLE "${s}" NOLOGIN`);
    // CREATE on the database: Prisma's first migration says `CREATE SCHEMA IF NOT EXISTS "public"`,
    // which PostgreSQL checks that right for before it looks. It lets a role make a new schema of
    // its own, never enter another's.
    await db.exec(
      `CREATE SCHEMA IF NOT EXISTS "${s}" AUTHORIZATION "${s}"; REVOKE ALL ON SCHEMA "${s}" FROM PUBLIC; GRANT CREATE ON DATABASE postgres TO "${s}"`,
    );
  }
  // Nobody but the superuser creates objects in public; every role may use what is there.
  await db.exec('REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO PUBLIC');
}

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

/**
 * The queue in front of PGlite's one session (in place of the library's QueryQueueManager, same
 * methods): one owner at a time, its identity applied before its first message.
 */
class SessionQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection holding the session (mid-exchange or in a transaction), if any. */
  private owner: number | null = null;
  /** The connection whose role and search_path the session carries. */
  private applied: number | null = null;
  private readonly identity = new Map<number, string>();
  /** Connections that said LISTEN: where to write their notifications, and on which channels. */
  private readonly listeners = new Map<number, { sink: (data: Uint8Array) => void; channels: Set<string> }>();

  constructor(
    private readonly db: PGlite,
    private readonly schemas: ReadonlySet<string>,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('connection closed'));
      return false;
    });
    this.identity.delete(handlerId);
    this.listeners.delete(handlerId);
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    // A connection that left mid-exchange or mid-transaction: end both (Sync closes an implicit one).
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
    this.owner = null;
    void this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
        if (index < 0 || !this.queue.length) return;
        const [item] = this.queue.splice(index, 1);
        await this.run(item);
      }
    } finally {
      this.processing = false;
    }
  }

  /** Notes a connection's LISTEN or UNLISTEN (a simple query), once the session ran it. */
  private noteListen(item: Queued) {
    if (item.message[0] !== 0x51 /* Q */ || item.message.length > 200) return;
    const query = Buffer.from(item.message.buffer, item.message.byteOffset + 5, item.message.length - 6).toString('utf8');
    const said = LISTEN_QUERY.exec(query);
    if (!said) return;
    const channel = said[2].startsWith('"') ? said[2].slice(1, -1) : said[2].toLowerCase();
    const entry = this.listeners.get(item.handlerId) ?? { sink: item.onData, channels: new Set<string>() };
    if (said[1]) {
      if (channel === '*') entry.channels.clear();
      else entry.channels.delete(channel);
    } else entry.channels.add(channel);
    if (entry.channels.size) this.listeners.set(item.handlerId, entry);
    else this.listeners.delete(item.handlerId);
  }

  /** Copies a notification the session wrote into one connection's stream to the others listening on its channel. */
  private forward(message: Buffer, from: number) {
    const end = message.indexOf(0, 9);
    if (end < 0) return;
    const channel = message.toString('utf8', 9, end);
    for (const [id, { sink, channels }] of this.listeners) if (id !== from && channels.has(channel)) sink(message);
  }

  private async run(item: Queued): Promise<void> {
    const startup = startupUser(item.message);
    if (startup !== undefined) {
      if (startup !== SUPERUSER && !this.schemas.has(startup)) {
        item.onData(errorResponse('28000', `role "${startup}" is not a schema of this embedded database`));
        return item.resolve(0);
      }
      this.identity.set(item.handlerId, startup);
    }
    let bytes = 0;
    try {
      // exec takes PGlite's query lock itself (runExclusive holds it): so before, not inside.
      // Nothing runs in between: this queue is PGlite's only caller while it serves.
      if (this.applied !== item.handlerId) {
        const who = this.identity.get(item.handlerId) ?? SUPERUSER;
        await this.db.exec(
          who === SUPERUSER ? 'RESET ROLE; SET search_path TO public' : `SET ROLE "${who}"; SET search_path TO "${who}", public`,
        );
        this.applied = item.handlerId;
      }
      const scanner = this.listeners.size ? new NotificationScanner((m) => this.forward(m, item.handlerId)) : undefined;
      await this.db.runExclusive(async () => {
        await this.db.execProtocolRawStream(item.message, {
          onRawData: (data) => {
            bytes += data.length;
            item.onData(data);
            scanner?.push(data);
          },
        });
      });
      this.noteListen(item);
    } catch (err) {
      this.owner = null;
      return item.reject(err);
    }
    // The session is free again once PostgreSQL is ready for any query: after a Sync or a simple
    // Query (or the startup exchange) with no transaction left open.
    const type = item.message[0];
    const endsExchange = startup !== undefined || type === 0x53 /* S */ || type === 0x51; /* Q */
    this.owner = endsExchange && !this.db.isInTransaction() ? null : item.handlerId;
    item.resolve(bytes);
  }
}

/** A simple query that is exactly `LISTEN channel` or `UNLISTEN channel|*` (what a listener sends). */
const LISTEN_QUERY = /^\s*(UN)?LISTEN\s+(\*|"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)\s*;?\s*$/i;

/** Picks the notifications (`A` messages) out of a backend's output, however it is cut into chunks. */
class NotificationScanner {
  private readonly head = Buffer.alloc(5);
  private headLength = 0;
  private left = 0;
  private message?: Buffer;
  private at = 0;

  constructor(private readonly found: (message: Buffer) => void) {}

  push(chunk: Uint8Array) {
    let i = 0;
    while (i < chunk.length) {
      if (this.left === 0) {
        const n = Math.min(5 - this.headLength, chunk.length - i);
        this.head.set(chunk.subarray(i, i + n), this.headLength);
        this.headLength += n;
        i += n;
        if (this.headLength < 5) return;
        this.headLength = 0;
        this.left = this.head.readInt32BE(1) - 4;
        if (this.head[0] === 0x41 /* A */ && this.left > 0) {
          this.message = Buffer.alloc(5 + this.left);
          this.head.copy(this.message);
          this.at = 5;
        }
        continue;
      }
      const n = Math.min(this.left, chunk.length - i);
      if (this.message) {
        this.message.set(chunk.subarray(i, i + n), this.at);
        this.at += n;
      }
      this.left -= n;
      i += n;
      if (this.left === 0 && this.message) {
        this.found(this.message);
        this.message = undefined;
      }
    }
  }
}

/** The user of a startup message (protocol 3.0), or undefined when the message is another. */
function startupUser(message: Uint8Array): string | undefined {
  if (message.length < 8) return undefined;
  const view = Buffer.from(message.buffer, message.byteOffset, message.length);
  if (view.readInt32BE(0) !== message.length || view.readInt32BE(4) !== PROTOCOL_3) return undefined;
  const parts = view.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] === 'user') return parts[i + 1];
  return '';
}

/** A FATAL ErrorResponse message. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}
