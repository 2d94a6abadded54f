import { createHash } from 'node:crypto';
import {
  buildSchema,
  getNamedType,
  isCompositeType,
  isAbstractType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type FieldNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Viewer } from '@maillage/viewer';
import { FIELD_HINTS, INHERITING_TYPES, TYPE_HINTS, VISIBILITY_DEPENDENCIES } from './cache-hints';
import { RootFieldCache } from './root-cache';

/** One cached entity: its value, how long it may live, and the entities whose change drops it. */
export interface StoredEntity {
  key: string;
  /** The entity as the subgraph answered it (a JSON value). */
  value: unknown;
  ttlMs: number;
  /**
   * What drops it (`invalidateTags`): `Type:id` of the entity and of every entity inside it (what
   * `invalidate` names; the cache asks for the ids, and for what each object's visibility depends on,
   * `VISIBILITY_DEPENDENCIES`), `Type[]` for every list of that type its selection holds, empty or
   * not, connections included (an entity of that type created or renamed may enter, leave or move
   * in the list), and `@subgraph` (everything fetched from it).
   */
  tags: string[];
  /**
   * The value is a private copy nobody else holds nor will change (built for the store): a store
   * keeping objects may keep it as it is rather than copy it. @default false
   */
  owned?: boolean;
}

/**
 * Where entities are kept. Small on purpose: the Redis one can share a connection with the response
 * cache and the rate limiter (pass your own client to RedisEntityStore).
 */
export interface EntityStore {
  /**
   * The values kept under these keys (null: none), each the caller's own: the gateway merges an
   * entity into its answer in place, so a value handed out is never the one kept.
   */
  get(keys: string[]): Promise<unknown[]>;
  /** Keeps these, each value as it is now: the store keeps its own copy, or the value's text. */
  set(entries: StoredEntity[]): Promise<void>;
  /** Drops every entry tagged with one of these. */
  invalidate(tags: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A deep copy of a JSON value: a few times cheaper than parsing its text again. */
export function copyJson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const a = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) a[i] = copyJson(v[i]);
    return a as T;
  }
  const o: Record<string, unknown> = {};
  // Plain objects from JSON.parse or copyJson: no inherited enumerable keys.
  for (const k in v) o[k] = copyJson((v as Record<string, unknown>)[k]);
  return o as T;
}

// What a kept value takes in V8's heap, roughly (64-bit, no pointer compression: node's default):
// an object its header and a slot per property, an array likewise, a string its header and a byte
// per Latin-1 character; numbers and booleans sit in the slot. Counted while copying: no walk of
// its own. An estimate to bound the store by, not an account: hidden classes, the tables' spare
// capacity and the strings V8 shares are left out.
const OBJECT_BYTES = 32;
const SLOT_BYTES = 8;
const STRING_BYTES = 24;
let copied = 0;

/** `copyJson`, adding what the copy takes (roughly) to `copied`. */
function copyCounting<T>(v: T): T {
  if (typeof v === 'string') {
    copied += STRING_BYTES + v.length;
    return v;
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    copied += OBJECT_BYTES + SLOT_BYTES * v.length;
    const a = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) a[i] = copyCounting(v[i]);
    return a as T;
  }
  const o: Record<string, unknown> = {};
  let n = 0;
  for (const k in v) {
    o[k] = copyCounting((v as Record<string, unknown>)[k]);
    n++;
  }
  copied += OBJECT_BYTES + SLOT_BYTES * n;
  return o as T;
}

/** An entry's own cost beside its value: the entry, its key in the map, its recency links, and three slots per tag (its list's two, its own place). */
const entryBytes = (key: string, tags: number) => 2 * OBJECT_BYTES + 10 * SLOT_BYTES + STRING_BYTES + key.length + 3 * SLOT_BYTES * tags;
/** A tag's list in the index: the list, its two arrays, its string, its slot in the index's map. */
const tagBytes = (tag: string) => 3 * OBJECT_BYTES + 3 * SLOT_BYTES + STRING_BYTES + tag.length;

/** A deep copy that cannot be changed (`MemoryEntityStore`'s `freeze`): a write to what it keeps throws. */
function frozenCopy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return Object.freeze(v.map(frozenCopy)) as T;
  const o: Record<string, unknown> = {};
  for (const k in v) o[k] = frozenCopy((v as Record<string, unknown>)[k]);
  return Object.freeze(o) as T;
}

/**
 * The entries one tag names, in an array, each entry knowing its place in it (`MemoryEntry.slots`):
 * indexing and unindexing an entry is a push and a swap with the last, where a Set of entries
 * hashed the entry into every tag's table (about 40 per deep entry) and rehashed the big ones
 * (`@subgraph`, `Type[]`, which name most entries) as evictions left holes in them. The tag's
 * string is the index's one: every entry holding it shares it, instead of keeping the copy each
 * fetch built alive in the old generation until eviction.
 */
class TagList {
  readonly entries: MemoryEntry[] = [];
  /** For the entry at the same place, which of its tags this is (its index in `tagged` and `slots`). */
  readonly slots: number[] = [];
  constructor(readonly tag: string) {}
}

/** An entry of the memory store, in its recency list. */
interface MemoryEntry {
  key: string;
  value: unknown;
  expires: number;
  /** The index's list of each of its tags: unindexed without looking its tags up again. */
  tagged: TagList[];
  /** Its place in each of those lists. */
  slots: number[];
  /** What it takes, roughly (`entryBytes` and its value's copy). */
  bytes: number;
  /** Toward the least recently used end. */
  older?: MemoryEntry;
  /** Toward the most recently used end. */
  younger?: MemoryEntry;
}

export interface MemoryEntityStoreOptions {
  /**
   * What the entries may take in memory, roughly (their values counted as they are copied, their
   * keys and tags; the estimate leaves out what V8 shares): the least recently used go first past
   * it, as past `maxEntries`. Entries differ a hundredfold in size (an actor's name, a club with
   * its members and their memberships), so a count alone bounds memory poorly.
   * @default 268435456 (256 MiB)
   */
  maxBytes?: number;
  /**
   * Keep deep-frozen copies, so that a write into a kept value throws instead of corrupting every
   * later hit: a check for tests, since freezing costs a second walk of every entity kept and no
   * code path writes into a kept value (each value is the store's own copy, handed out as copies).
   * @default false
   */
  freeze?: boolean;
}

/**
 * In this process, bounded: least recently used entries go first. Values are kept as objects (a
 * private copy) and handed out as copies: no JSON text to write on a miss nor to parse on a hit.
 * The recency order is a linked list beside the map, not the map's own order (a hit deleted and
 * set again): V8 leaves a deleted map entry as a hole until the table is rebuilt, and finding the
 * oldest entry (`keys().next()`) walked over every hole left since, on each eviction.
 */
export class MemoryEntityStore implements EntityStore {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly byTag = new Map<string, TagList>();
  private oldest?: MemoryEntry;
  private youngest?: MemoryEntry;
  private readonly freeze: boolean;
  readonly maxBytes: number;
  private held = 0;
  constructor(
    readonly maxEntries = 50_000,
    opts: MemoryEntityStoreOptions = {},
  ) {
    this.freeze = opts.freeze ?? false;
    this.maxBytes = opts.maxBytes ?? 256 * 2 ** 20;
  }

  get size() {
    return this.entries.size;
  }

  /** What the entries and the tag index take, roughly (see `maxBytes`). */
  get bytes() {
    return this.held;
  }

  /** Tags indexed (each with the keys it names): bounded with the entries, since an entry's drop unindexes its tags. */
  get tagCount() {
    return this.byTag.size;
  }

  async get(keys: string[]) {
    const now = Date.now();
    const values = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const e = this.entries.get(keys[i]);
      if (!e) values[i] = null;
      else if (e.expires <= now) {
        this.remove(e);
        values[i] = null;
      } else {
        if (e !== this.youngest) {
          this.unlink(e);
          this.link(e);
        }
        values[i] = copyJson(e.value);
      }
    }
    return values;
  }

  async set(entries: StoredEntity[]) {
    const now = Date.now();
    for (const { key, value, ttlMs, tags, owned } of entries) {
      const old = this.entries.get(key);
      if (old) this.remove(old);
      const n = tags.length;
      copied = 0;
      // An owned value is counted by a copy that is thrown away: what it takes is the same.
      const kept = this.freeze ? frozenCopy(value) : owned ? value : copyCounting(value);
      if (this.freeze || owned) copyCounting(value);
      const e: MemoryEntry = {
        key,
        value: kept,
        expires: now + ttlMs,
        tagged: new Array<TagList>(n),
        slots: new Array<number>(n),
        bytes: entryBytes(key, n) + copied,
        older: undefined,
        younger: undefined,
      };
      this.held += e.bytes;
      this.entries.set(key, e);
      this.link(e);
      for (let i = 0; i < n; i++) {
        let list = this.byTag.get(tags[i]);
        if (!list) {
          this.byTag.set(tags[i], (list = new TagList(tags[i])));
          this.held += tagBytes(tags[i]);
        }
        e.tagged[i] = list;
        e.slots[i] = list.entries.length;
        list.entries.push(e);
        list.slots.push(i);
      }
    }
    while ((this.entries.size > this.maxEntries || this.held > this.maxBytes) && this.oldest) this.remove(this.oldest);
  }

  async invalidate(tags: string[]) {
    for (const tag of tags) {
      const list = this.byTag.get(tag);
      // Each drop takes the last entry out of the list (no swap), and the list out of the index with the last one.
      if (list) while (list.entries.length) this.remove(list.entries[list.entries.length - 1]);
    }
  }

  async close() {
    this.entries.clear();
    this.byTag.clear();
    this.oldest = this.youngest = undefined;
    this.held = 0;
  }

  /** Puts an entry at the young end. */
  private link(e: MemoryEntry) {
    e.older = this.youngest;
    e.younger = undefined;
    if (this.youngest) this.youngest.younger = e;
    else this.oldest = e;
    this.youngest = e;
  }

  private unlink(e: MemoryEntry) {
    if (e.older) e.older.younger = e.younger;
    else this.oldest = e.younger;
    if (e.younger) e.younger.older = e.older;
    else this.youngest = e.older;
    e.older = e.younger = undefined;
  }

  private remove(e: MemoryEntry) {
    this.entries.delete(e.key);
    this.unlink(e);
    this.held -= e.bytes;
    for (let i = 0; i < e.tagged.length; i++) {
      const list = e.tagged[i];
      const at = e.slots[i];
      const last = list.entries.length - 1;
      if (at !== last) {
        // The last entry of the list takes the place of this one, and learns its new place.
        const moved = list.entries[last];
        const movedSlot = list.slots[last];
        list.entries[at] = moved;
        list.slots[at] = movedSlot;
        moved.slots[movedSlot] = at;
      }
      list.entries.pop();
      list.slots.pop();
      if (last === 0) {
        this.byTag.delete(list.tag);
        this.held -= tagBytes(list.tag);
      }
    }
  }
}

// Deletes a tag's set and every key it lists, in one round trip, atomically.
const INVALIDATE = `for _, tag in ipairs(KEYS) do
  local keys = redis.call('SMEMBERS', tag)
  for i = 1, #keys, 500 do redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys))) end
  redis.call('DEL', tag)
end
return 1`;

/**
 * In Redis, shared by every gateway process: an entry is a string with its TTL, a tag a set of the
 * keys it names (kept as long as the longest entry it may name). Reads that fail are misses. An
 * invalidation that fails (Redis down) may leave a stale entry behind, so this process reads
 * nothing from Redis until every entry written before it has expired (the longest TTL); the
 * write that asked for it has happened, and its answer is not failed for it.
 */
export class RedisEntityStore implements EntityStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  /** Until when reads skip Redis after an invalidation failed (epoch ms). */
  private distrustUntil = 0;
  constructor(
    redis: string | Redis,
    private readonly prefix = 'maillage:entity:',
    private readonly maxTtlMs = 300_000,
  ) {
    this.owned = typeof redis === 'string';
    this.redis =
      typeof redis === 'string'
        ? new Redis(redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500, lazyConnect: false })
        : redis;
    if (this.owned) this.redis.on('error', () => undefined);
  }

  async get(keys: string[]) {
    if (!keys.length) return [];
    if (Date.now() < this.distrustUntil) return keys.map(() => null);
    const texts = await this.redis.mget(keys.map((k) => this.prefix + k)).catch(() => keys.map(() => null));
    return texts.map((text) => {
      if (text === null) return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return null; // not written by this store: a miss
      }
    });
  }

  async set(entries: StoredEntity[]) {
    if (!entries.length) return;
    const p = this.redis.pipeline();
    for (const e of entries) {
      p.set(this.prefix + e.key, JSON.stringify(e.value), 'PX', e.ttlMs);
      for (const tag of e.tags) {
        p.sadd(this.prefix + 'tag:' + tag, this.prefix + e.key);
        p.pexpire(this.prefix + 'tag:' + tag, this.maxTtlMs);
      }
    }
    await p.exec().catch(() => undefined);
  }

  async invalidate(tags: string[]) {
    if (!tags.length) return;
    try {
      // Without an offline queue a command sent while connecting fails at once: an invalidation
      // (the change feed's first, at start) waits for the connection instead, 2 s at most.
      if (this.redis.status === 'connecting' || this.redis.status === 'connect' || this.redis.status === 'wait')
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.redis.off('ready', done);
            resolve();
          };
          const timer = setTimeout(done, 2000);
          this.redis.once('ready', done);
        });
      await this.redis.eval(INVALIDATE, tags.length, ...tags.map((t) => this.prefix + 'tag:' + t));
    } catch {
      this.distrustUntil = Date.now() + this.maxTtlMs;
    }
  }

  async close() {
    if (this.owned) this.redis.disconnect();
  }
}

/** An entity fetch as Apollo's query planner asks it (the body it writes, parsed): `variables.representations`. */
export interface EntitiesFetch {
  query: string;
  variables?: { representations?: Record<string, unknown>[] } & Record<string, unknown>;
  operationName?: string;
}

/** An error of a subgraph answer, as far as the cache reads it (its other fields are passed on as they are). */
export interface EntityError {
  readonly path?: readonly (string | number)[];
}

/** A subgraph's answer to an entity fetch, parsed; `status` (200 unless said) other than 200 cannot be split. */
export interface EntitiesAnswer {
  data?: { _entities?: unknown } | null;
  errors?: readonly EntityError[];
  status?: number;
}

/** What the cache needs of a subgraph answer. */
export interface CachedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the store held of an entity fetch: `hits` (null where missing) in the fetch's order, and how to keep the misses. */
interface Lookup {
  reps: Record<string, unknown>[];
  ttlMs: number;
  keys: string[];
  /** `Type:id` of each representation, undefined for one the cache does not keep (no string id). */
  roots: (string | undefined)[];
  hits: unknown[];
  missing: number[];
}

/**
 * Who sees the same entities: anonymous callers and partner sites read only what is public (a
 * partner key grants no field), so they share one visibility; any other viewer reads what its
 * scopes and networks allow, and shares entries only with viewers of the same scopes and networks.
 * The subject is left out: no read depends on who the person is, only on what they may see.
 */
export function visibilityOf(viewer: Viewer): string {
  if (viewer.role === 'anonymous' || viewer.role === 'partner') return 'public';
  return `${viewer.role}|${[...viewer.scopes].sort().join(' ')}|${[...viewer.networks].sort().join(' ')}`;
}

/**
 * The selection of a fetch without its operation name: the planner names each fetch after the
 * client's operation and its place in the plan (`FanOut__clubs__3`), and the same selection asked by
 * two operations, or by two aliases of one, is the same entities.
 */
export const selectionOf = (query: string) => query.replace(/^\s*query\s+[_A-Za-z][_0-9A-Za-z]*/, 'query');

/** Object keys sorted, so that one representation has one key whatever the planner's field order. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/**
 * A representation in an entry's key: `Type:id` for the usual `{ __typename, id }` (no JSON to
 * write per entity), its stable JSON otherwise (which starts with `{`, so the two never meet).
 */
function representationKey(r: Record<string, unknown>, root: string | undefined): string {
  if (root !== undefined) {
    let fields = 0;
    for (const _ in r) if (++fields > 2) break;
    if (fields === 2) return root;
  }
  return stableJson(r);
}

export interface EntityCacheOptions {
  store: EntityStore;
  /** Longest any entity is kept, whatever its cache hint says: the safety net behind invalidation. @default 60000 ms */
  maxTtlMs?: number;
  registry?: Registry;
  /**
   * This process is a worker of a gateway on several cores (node:cluster) with a memory store:
   * invalidations go to the primary, which passes them to the other workers (cluster.ts). @default false
   */
  peers?: boolean;
  /** Root-field fetches (Query fields) kept too, in the same store and tagged alike (root-cache.ts). @default true */
  rootFields?: boolean;
}

/** Tag of every entry fetched from a subgraph: what a change log that cannot be vouched for clears. */
export const subgraphTag = (subgraph: string) => `@${subgraph}`;
/** Tag of every entry holding a list of a type's objects. */
export const listTag = (typename: string) => `${typename}[]`;
export const entityTag = (typename: string, id: string) => `${typename}:${id}`;

/** The IPC message of an invalidation between a gateway's workers. */
export interface InvalidationMessage {
  entityInvalidate: { typename: string; id: string }[];
}
export const isInvalidationMessage = (m: unknown): m is InvalidationMessage =>
  !!m && typeof m === 'object' && Array.isArray((m as InvalidationMessage).entityInvalidate);

/**
 * The results of `_entities` fetches, kept per subgraph, visibility, selection (the fetch's query
 * text and its other variables) and representation: a later fetch for another mix of keys takes the
 * hits from here and asks the subgraph for the misses only. How long an entity is kept comes from
 * the cache hints of the types and fields its selection meets (cache-hints.ts), capped by
 * `maxTtlMs`; a selection meeting a private field or an uncacheable type is never kept.
 *
 * `invalidate(typename, id)` drops an entity from every subgraph and visibility at once. It is
 * called when a mutation through this gateway answers with entities (what it changed), and is the
 * hook for the subgraphs' change feeds (outbox logs of `type name + id`), whatever wrote the change.
 */
export class EntityCache {
  readonly store: EntityStore;
  readonly maxTtlMs: number;
  private schema?: GraphQLSchema;
  private readonly ttls = new Map<string, number>();
  private readonly documents = new Map<string, DocumentNode>();
  // Invalidations recently seen here, by tag: an entity fetched before one and answered after it is
  // not stored (it may hold what the change replaced).
  private seq = 0;
  private readonly invalidatedAt = new Map<string, { seq: number; at: number }>();
  private readonly lookups?: Counter<'subgraph' | 'type' | 'outcome'>;
  private readonly invalidations?: Counter<'source'>;
  private readonly peers: boolean;
  /**
   * Subgraphs whose change log is followed but not (yet) read up to its head (change-feed.ts):
   * their entities are neither served nor kept, since a change to them could go unnoticed.
   */
  private readonly unvouched = new Set<string>();
  /** The root-field cache over the same store, tags and invalidations, unless `rootFields: false`. */
  readonly roots?: RootFieldCache;
  private readonly fromPeer = (m: unknown) => {
    if (isInvalidationMessage(m)) void this.invalidateMany(m.entityInvalidate, 'peer').catch(() => undefined);
  };

  constructor(opts: EntityCacheOptions) {
    this.store = opts.store;
    this.maxTtlMs = opts.maxTtlMs ?? 60_000;
    this.peers = !!opts.peers && typeof process.send === 'function';
    if (this.peers) process.on('message', this.fromPeer);
    if (opts.rootFields !== false) this.roots = new RootFieldCache(this, opts.registry);
    if (opts.registry) {
      this.lookups = new Counter({
        name: 'maillage_gateway_entity_cache_lookups_total',
        help: 'Entities asked of a subgraph through the entity cache, by subgraph, type and outcome (hit, miss, uncacheable, unvouched: its change log not followed up to its head).',
        labelNames: ['subgraph', 'type', 'outcome'] as const,
        registers: [opts.registry],
      });
      this.invalidations = new Counter({
        name: 'maillage_gateway_entity_cache_invalidations_total',
        help: 'Cache tags invalidated (an entity, a list type, a whole subgraph), by source (mutation through this gateway, feed: a subgraph change log, peer: another worker).',
        labelNames: ['source'] as const,
        registers: [opts.registry],
      });
      // What the soak watches (tools/bench --soak): a store held in this process must stay within its bound.
      const store = this.store;
      if (store instanceof MemoryEntityStore) {
        new Gauge({
          name: 'maillage_gateway_entity_cache_entries',
          help: 'Entries in the entity cache held in this process (bounded by ENTITY_CACHE_MAX_ENTRIES).',
          registers: [opts.registry],
          collect() {
            this.set(store.size);
          },
        });
        new Gauge({
          name: 'maillage_gateway_entity_cache_bytes',
          help: 'What the entries of the entity cache held in this process take in memory, roughly (bounded by ENTITY_CACHE_MAX_BYTES).',
          registers: [opts.registry],
          collect() {
            this.set(store.bytes);
          },
        });
        new Gauge({
          name: 'maillage_gateway_entity_cache_tags',
          help: 'Tags indexed by the entity cache held in this process (each names the entries an invalidation drops).',
          registers: [opts.registry],
          collect() {
            this.set(store.tagCount);
          },
        });
      }
      const recent = this.invalidatedAt;
      new Gauge({
        name: 'maillage_gateway_entity_cache_recent_invalidations',
        help: 'Tags invalidated within the TTL cap, remembered so that a fetch started before one of them is not stored.',
        registers: [opts.registry],
        collect() {
          this.set(recent.size);
        },
      });
    }
  }

  /** The supergraph whose types and fields give the cache hints (its core SDL, all subgraphs' fields included). */
  setSupergraph(coreSupergraphSdl: string) {
    this.schema = buildSchema(coreSupergraphSdl, { assumeValid: true, assumeValidSDL: true });
    this.ttls.clear();
    this.documents.clear();
    this.shapes.clear();
    this.elements = new WeakMap();
    this.fields = new WeakMap();
    // Subgraph names (the change feed's, the fetches') to the supergraph's graph enum values (CLUBS).
    this.graphs.clear();
    const graphEnum = this.schema.getType('join__Graph');
    for (const value of graphEnum && 'getValues' in graphEnum ? graphEnum.getValues() : []) {
      const name = value.astNode?.directives?.find((d) => d.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name');
      if (name?.value.kind === Kind.STRING) this.graphs.set(name.value.value, value.name);
    }
  }

  /** Drops one entity everywhere it is cached. `source` labels the metric. */
  async invalidate(typename: string, id: string, source = 'feed') {
    await this.invalidateMany([{ typename, id }], source);
  }

  async invalidateMany(entities: { typename: string; id: string }[], source = 'feed') {
    if (!entities.length) return;
    await this.invalidateTags(
      entities.map((e) => entityTag(e.typename, e.id)),
      source,
    );
    if (this.peers && source !== 'peer') process.send!({ entityInvalidate: entities } satisfies InvalidationMessage);
  }

  /**
   * Drops every entry holding one of these tags (`Type:id`, `Type[]`, `@subgraph`), in this
   * process and in the store. Not passed to the other workers: the change feed's follower runs in
   * each of them (change-feed.ts), and `invalidateMany` tells them of a mutation's entities.
   */
  async invalidateTags(tagList: string[], source = 'feed') {
    if (!tagList.length) return;
    const tags = [...new Set(tagList)];
    const seq = ++this.seq;
    const at = Date.now();
    for (const tag of tags) {
      this.invalidatedAt.delete(tag);
      this.invalidatedAt.set(tag, { seq, at });
    }
    // Older than any fetch still running (the request deadline is far below the TTL cap): forgotten.
    for (const [tag, v] of this.invalidatedAt) {
      if (at - v.at < this.maxTtlMs) break;
      this.invalidatedAt.delete(tag);
    }
    this.invalidations?.inc({ source }, tags.length);
    await this.store.invalidate(tags);
  }

  /** Whether entities of `subgraph` may be served and kept: false while its followed change log is behind or unread. */
  vouch(subgraph: string, vouched: boolean) {
    if (vouched) this.unvouched.delete(subgraph);
    else this.unvouched.add(subgraph);
  }

  /**
   * A subgraph query fetch through the cache, as text: `send` posts a body to the subgraph (signed
   * for that body). Anything but an entity fetch of a cacheable selection goes straight through.
   * The gateway's data sources hand entity fetches to `fetchEntities` before writing a body at all.
   */
  async fetch(subgraph: string, visibility: string, body: string, send: (body: string) => Promise<CachedAnswer>): Promise<CachedAnswer> {
    if (!this.schema || !body.includes('_entities(') || !body.includes('representations')) return send(body);
    let request: EntitiesFetch;
    try {
      request = JSON.parse(body) as EntitiesFetch;
    } catch {
      return send(body);
    }
    const sent = new Map<EntitiesAnswer, CachedAnswer>();
    const { answer, from } = await this.fetchEntities(subgraph, visibility, request, async (r) => {
      const raw = await send(r === request ? body : JSON.stringify(r));
      let parsed: EntitiesAnswer;
      try {
        parsed = { ...(JSON.parse(raw.body) as EntitiesAnswer), status: raw.status };
      } catch {
        parsed = { status: raw.status };
      }
      sent.set(parsed, raw);
      return parsed;
    });
    if (from && answer === from) return sent.get(from)!;
    return {
      status: 200,
      headers: from ? sent.get(from)!.headers : { 'content-type': 'application/json' },
      body: JSON.stringify(answer),
    };
  }

  /**
   * An entity fetch through the cache, as objects (no body written nor parsed for what the cache
   * holds): the hits from the store, the misses asked of the subgraph through `send` (with the ids
   * of every object inside them added to the selection, see `withIds`), and kept. `answer` is what
   * the fetch answers; `from`, the subgraph's answer it was made from, if any (its headers). An
   * answer the cache cannot split (an error for the whole fetch, a short list, a status other than
   * 200) is replaced by the subgraph's answer to the fetch as the planner wrote it; one without an
   * `_entities` list at all also stops the selection from being cached.
   */
  async fetchEntities<A extends EntitiesAnswer>(
    subgraph: string,
    visibility: string,
    request: EntitiesFetch,
    send: (request: EntitiesFetch) => Promise<A>,
  ): Promise<{ answer: EntitiesAnswer; from?: A }> {
    const found = await this.lookup(subgraph, visibility, request);
    if (!found) {
      const whole = await send(request);
      return { answer: whole, from: whole };
    }
    const { reps, hits, missing } = found;
    if (!missing.length) return { answer: { data: { _entities: hits } } };

    const started = this.seq;
    // The selection with the ids of every object inside it, so that an entry is dropped when any entity it holds changes.
    const shaped = this.withIds(request.query, subgraph);
    const result = await send({
      ...request,
      query: shaped.text,
      variables: { ...request.variables, representations: missing.map((i) => reps[i]) },
    });
    const fetched = result.data?._entities;
    if (
      (result.status ?? 200) !== 200 ||
      !Array.isArray(fetched) ||
      fetched.length !== missing.length ||
      result.errors?.some((e) => e.path?.[0] !== '_entities' || typeof e.path[1] !== 'number')
    ) {
      if (!Array.isArray(fetched)) this.ttls.set(request.query, 0);
      const whole = await send(request);
      return { answer: whole, from: whole };
    }
    await this.keep(subgraph, found, shaped.entities, fetched, result.errors, started);
    const errors = result.errors?.map((e) => ({ ...e, path: ['_entities', missing[e.path![1] as number], ...e.path!.slice(2)] }));
    return { answer: errors?.length ? { data: { _entities: hits }, errors } : { data: { _entities: hits } }, from: result };
  }

  /**
   * What the store holds of an entity fetch's representations, keyed per subgraph, visibility,
   * selection and representation; undefined (and counted) when the fetch is not to be cached.
   */
  private async lookup(subgraph: string, visibility: string, request: EntitiesFetch): Promise<Lookup | undefined> {
    const reps = request.variables?.representations;
    if (!this.schema || typeof request.query !== 'string' || !request.query.includes('_entities(') || !Array.isArray(reps))
      return undefined;
    const ttlMs = this.ttlOf(request.query);
    if (!ttlMs || this.unvouched.has(subgraph)) {
      this.count(subgraph, reps, () => (ttlMs ? 'unvouched' : 'uncacheable'));
      return undefined;
    }
    const { representations: _, ...others } = request.variables!;
    const selection = createHash('sha1')
      .update(`${subgraph}\n${visibility}\n${selectionOf(request.query)}\n${stableJson(others)}`)
      .digest('base64url');
    const n = reps.length;
    const roots = new Array<string | undefined>(n);
    const keys = new Array<string>(n);
    const hits = new Array<unknown>(n).fill(null);
    const kept: number[] = [];
    const asked: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = reps[i];
      const root = typeof r.__typename === 'string' && typeof r.id === 'string' ? `${r.__typename}:${r.id}` : undefined;
      roots[i] = root;
      keys[i] = `${selection}:${representationKey(r, root)}`;
      if (root === undefined) continue;
      kept.push(i);
      asked.push(keys[i]);
    }
    const stored = await this.store.get(asked);
    for (let j = 0; j < kept.length; j++) hits[kept[j]] = stored[j] ?? null;
    const missing: number[] = [];
    for (let i = 0; i < n; i++) if (hits[i] === null) missing.push(i);
    this.count(subgraph, reps, (i) => (hits[i] !== null ? 'hit' : roots[i] ? 'miss' : 'uncacheable'));
    return { reps, ttlMs, keys, roots, hits, missing };
  }

  /** Keeps the entities fetched for a lookup's misses (each tagged with what drops it), and puts them in its hits. */
  private async keep(
    subgraph: string,
    { reps, ttlMs, keys, roots, hits, missing }: Lookup,
    entities: SelectionSetNode | undefined,
    fetched: unknown[],
    errors: readonly EntityError[] | undefined,
    started: number,
  ) {
    const errored = errors?.length ? new Set(errors.map((e) => e.path![1] as number)) : undefined;
    const store: StoredEntity[] = [];
    // One string per subgraph and per type for the whole fetch: each Map the store indexes them in hashes it once.
    const bySubgraph = subgraphTag(subgraph);
    const types = new Map<string, GraphQLCompositeType | undefined>();
    // No invalidation since the fetch started: nothing it holds can have been replaced (invalidatedAt only gains later seqs).
    const raced = this.seq !== started;
    for (let j = 0; j < missing.length; j++) {
      const i = missing[j];
      const entity = fetched[j];
      hits[i] = entity ?? null;
      if (!roots[i] || entity == null || errored?.has(j)) continue;
      const typename = String(reps[i].__typename);
      let type = types.get(typename);
      if (type === undefined && !types.has(typename)) {
        const t = this.schema!.getType(typename);
        types.set(typename, (type = t && isCompositeType(t) ? t : undefined));
      }
      const tagSet = new Set<string>([roots[i]!, bySubgraph]);
      if (entities) this.tagsIn(entity, type, entities, tagSet, false);
      const tags = [...tagSet];
      // Fetched before an invalidation of something it holds, answered after: it may hold what the change replaced.
      if (raced && this.invalidatedSince(tags, started)) continue;
      store.push({ key: keys[i], value: entity, ttlMs, tags });
    }
    // The store copies what it keeps (or writes its text) before this returns: the fetched objects
    // are the caller's to merge into its answer.
    await this.store.set(store);
  }

  /**
   * A mutation fetch, with the ids of every object it answers with added to its selection, and
   * the entities it named dropped before its answer is handed on. A subgraph that refuses the
   * added ids (validation: nothing ran) is asked the mutation as the planner wrote it.
   */
  async mutate(body: string, send: (body: string) => Promise<CachedAnswer>): Promise<CachedAnswer> {
    let request: { query: string } & Record<string, unknown>;
    try {
      request = JSON.parse(body);
    } catch {
      return send(body);
    }
    const shaped = this.schema ? this.withIds(request.query) : undefined;
    let answer = await send(shaped && shaped.text !== request.query ? JSON.stringify({ ...request, query: shaped.text }) : body);
    let data: unknown;
    try {
      const parsed = JSON.parse(answer.body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      data = parsed.data;
      if (
        shaped &&
        shaped.text !== request.query &&
        parsed.data == null &&
        parsed.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')
      ) {
        answer = await send(body);
        data = (JSON.parse(answer.body) as { data?: unknown }).data;
      }
    } catch {
      data = undefined;
    }
    await this.invalidateMany(this.namedIn(shaped?.text ?? request.query, data), 'mutation');
    return answer;
  }

  /**
   * The entities a mutation fetch answered with (every object of its data with an `id`, typed by
   * its `__typename` or the schema): what the mutation changed, or points at what it changed.
   */
  namedIn(query: string, data: unknown): { typename: string; id: string }[] {
    const mutation = this.schema?.getMutationType();
    const op = this.documentOf(query)?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (!mutation || !op || op.kind !== Kind.OPERATION_DEFINITION) return [];
    return this.entitiesIn(data, mutation, op.selectionSet);
  }

  /**
   * Every object with an `id` in a value, typed by its `__typename` or by the schema along the
   * selection; `lists` (when given) gets the type of every object met as an element of a list.
   */
  private entitiesIn(
    value: unknown,
    type: unknown,
    set: SelectionSetNode | undefined,
    lists?: Set<string>,
  ): { typename: string; id: string }[] {
    const schema = this.schema!;
    const found: { typename: string; id: string }[] = [];
    const walk = (value: unknown, type: GraphQLCompositeType | undefined, set: SelectionSetNode | undefined, listed = false) => {
      if (Array.isArray(value)) return value.forEach((v) => walk(v, type, set, true));
      if (!value || typeof value !== 'object' || !set) return;
      const obj = value as Record<string, unknown>;
      const named = typeof obj.__typename === 'string' ? schema.getType(obj.__typename) : type;
      const here = named && isCompositeType(named) ? named : undefined;
      if (here && isObjectType(here) && typeof obj.id === 'string') found.push({ typename: here.name, id: obj.id });
      if (listed && here && isObjectType(here)) lists?.add(here.name);
      for (const sel of set.selections) {
        if (sel.kind === Kind.INLINE_FRAGMENT) {
          const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : here;
          // A fragment on another type than the object's: its fields are not there.
          if (here && cond && cond !== here && isObjectType(cond)) continue;
          walk(value, cond && isCompositeType(cond) ? cond : here, sel.selectionSet);
        } else if (sel.kind === Kind.FIELD && sel.selectionSet) {
          const field = here && 'getFields' in here ? here.getFields()[sel.name.value] : undefined;
          // The lists its selection holds, from the schema: an empty list, or a connection asked for
          // its count only, is changed by a new entity as much as a full one.
          if (field && lists) for (const name of this.elementsOf(field)) lists.add(name);
          const t = field ? getNamedType(field.type) : undefined;
          walk(obj[sel.alias?.value ?? sel.name.value], t && isCompositeType(t) ? t : undefined, sel.selectionSet);
        }
      }
    };
    walk(value, type && isCompositeType(type) ? type : undefined, set);
    return found;
  }

  /**
   * `entitiesIn`'s walk for the tags of an entry: each entity's `Type:id` and each list's `Type[]`
   * straight into `tags`, with no object per entity met nor list of them to read again, and the
   * schema's answers for a field (the type it leads to, the list tags it holds) read once per field.
   */
  private tagsIn(value: unknown, type: GraphQLCompositeType | undefined, set: SelectionSetNode, tags: Set<string>, listed: boolean) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.tagsIn(value[i], type, set, tags, true);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    let here = type;
    if (typeof obj.__typename === 'string') {
      const named = this.schema!.getType(obj.__typename);
      here = named && isCompositeType(named) ? named : undefined;
    }
    if (here && isObjectType(here)) {
      if (typeof obj.id === 'string') tags.add(entityTag(here.name, obj.id));
      if (listed) tags.add(this.listTagOf(here.name));
    }
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? this.schema!.getType(sel.typeCondition.name.value) : here;
        // A fragment on another type than the object's: its fields are not there.
        if (here && cond && cond !== here && isObjectType(cond)) continue;
        this.tagsIn(value, cond && isCompositeType(cond) ? cond : here, sel.selectionSet, tags, false);
      } else if (sel.kind === Kind.FIELD && sel.selectionSet) {
        const field = here && 'getFields' in here ? here.getFields()[sel.name.value] : undefined;
        const known = field ? this.fieldOf(field) : undefined;
        if (known) for (let i = 0; i < known.lists.length; i++) tags.add(known.lists[i]);
        this.tagsIn(obj[sel.alias?.value ?? sel.name.value], known?.type, sel.selectionSet, tags, false);
      }
    }
  }

  private fields = new WeakMap<GraphQLField<unknown, unknown>, { type?: GraphQLCompositeType; lists: string[] }>();
  /** What `tagsIn` reads of a field: the composite type it leads to, and the tags of the lists it holds (`elementsOf`). */
  private fieldOf(field: GraphQLField<unknown, unknown>) {
    let known = this.fields.get(field);
    if (!known) {
      const named = getNamedType(field.type);
      known = { type: isCompositeType(named) ? named : undefined, lists: this.elementsOf(field).map((t) => this.listTagOf(t)) };
      this.fields.set(field, known);
    }
    return known;
  }

  private readonly listTags = new Map<string, string>();
  /** One string per list tag: each entry's tags share it, and the store's index hashes it once. */
  private listTagOf(typename: string): string {
    let tag = this.listTags.get(typename);
    if (tag === undefined) this.listTags.set(typename, (tag = listTag(typename)));
    return tag;
  }

  private elements = new WeakMap<GraphQLField<unknown, unknown>, string[]>();
  /** Supergraph graph enum values (`CLUBS`) by subgraph name (`clubs`). */
  private readonly graphs = new Map<string, string>();

  /**
   * The object types a field lists: its element type (an edge's node), or a connection's (`nodes`,
   * `edges`). Abstract elements are typed by the values met instead (`entitiesIn`). Memoised per field.
   */
  private elementsOf(field: GraphQLField<unknown, unknown>): string[] {
    let known = this.elements.get(field);
    if (known) return known;
    const of = (type: GraphQLOutputType): string[] => {
      const t = isNonNullType(type) ? type.ofType : type;
      const named = getNamedType(t);
      if (!isObjectType(named)) return [];
      const fields = named.getFields();
      if (isListType(t)) {
        const node = fields.node && getNamedType(fields.node.type);
        return [node && isObjectType(node) ? node.name : named.name];
      }
      const list = fields.nodes ?? fields.edges;
      return list && isListType(isNonNullType(list.type) ? list.type.ofType : list.type) ? of(list.type) : [];
    };
    known = of(field.type);
    this.elements.set(field, known);
    return known;
  }

  /** Whether `subgraph` resolves `field` of `type` (its `@join__field`, else the type's `@join__type`), per the supergraph. */
  private resolves(type: GraphQLObjectType | GraphQLInterfaceType, field: string, subgraph: string): boolean {
    const graph = this.graphs.get(subgraph);
    const f = type.getFields()[field];
    if (!graph || !f) return false;
    const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, name: string) =>
      (directives ?? [])
        .filter(
          (d) =>
            d.name.value === name &&
            !d.arguments?.some((a) => a.name.value === 'external' && a.value.kind === Kind.BOOLEAN && a.value.value),
        )
        .flatMap(
          (d) =>
            d.arguments
              ?.filter((a) => a.name.value === 'graph' && a.value.kind === Kind.ENUM)
              .map((a) => (a.value as { value: string }).value) ?? [],
        );
    const joined = graphsOf(f.astNode?.directives, 'join__field');
    if (f.astNode?.directives?.some((d) => d.name.value === 'join__field')) return joined.includes(graph);
    return [type.astNode, ...type.extensionASTNodes].some((n) => graphsOf(n?.directives, 'join__type').includes(graph));
  }

  /** The fields naming what an object of `type` is shown by (`VISIBILITY_DEPENDENCIES`) that `subgraph` resolves. */
  private dependenciesOf(type: GraphQLCompositeType | undefined, subgraph: string | undefined): string[] {
    if (!subgraph || !type || !(isObjectType(type) || isInterfaceType(type))) return [];
    const interfaces = [type.name, ...type.getInterfaces().map((i) => i.name)];
    return Object.entries(VISIBILITY_DEPENDENCIES)
      .filter(([iface, field]) => interfaces.includes(iface) && this.resolves(type, field, subgraph))
      .map(([, field]) => field);
  }

  private readonly shapes = new Map<string, { text: string; entities?: SelectionSetNode }>();

  /**
   * The query with `id` added to every selection on a type that has one (and `__typename` on
   * abstract types), and, for a fetch to `subgraph`, the entity each object's visibility depends on
   * (`VISIBILITY_DEPENDENCIES`: a membership's `network { id }`): the gateway shapes its answer after
   * the client's operation, so the added fields go no further than this cache. Memoised per
   * subgraph and query text.
   */
  private withIds(query: string, subgraph?: string): { text: string; entities?: SelectionSetNode } {
    const memo = `${subgraph ?? ''}\n${query}`;
    const known = this.shapes.get(memo);
    if (known) return known;
    const schema = this.schema!;
    const doc = this.documentOf(query);
    const op = doc?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    let shape: { text: string; entities?: SelectionSetNode } = { text: query };
    if (doc && op?.kind === Kind.OPERATION_DEFINITION) {
      const field = (name: string): FieldNode => ({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: name } });
      const add = (type: GraphQLCompositeType | undefined, set: SelectionSetNode): SelectionSetNode => {
        const selections = set.selections.map((sel) => {
          if (sel.kind === Kind.FIELD && sel.selectionSet) {
            const f = type && 'getFields' in type ? type.getFields()[sel.name.value] : undefined;
            const t = f ? getNamedType(f.type) : undefined;
            return { ...sel, selectionSet: add(t && isCompositeType(t) ? t : undefined, sel.selectionSet) };
          }
          if (sel.kind === Kind.INLINE_FRAGMENT) {
            const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
            return { ...sel, selectionSet: add(cond && isCompositeType(cond) ? cond : undefined, sel.selectionSet) };
          }
          return sel;
        });
        const names = new Set(selections.flatMap((s) => (s.kind === Kind.FIELD ? [(s.alias ?? s.name).value] : [])));
        const extra: FieldNode[] = [];
        if (type && 'getFields' in type && type.getFields().id && !names.has('id')) extra.push(field('id'));
        if (type && isAbstractType(type) && !names.has('__typename')) extra.push(field('__typename'));
        for (const dep of this.dependenciesOf(type, subgraph)) {
          const taken = selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias ?? s.name).value === dep);
          // Selected already (its id is added above, recursively); under an alias of its own when the client's alias holds another field.
          if (taken?.name.value === dep) continue;
          const target = getNamedType((type as GraphQLObjectType).getFields()[dep].type);
          extra.push({
            ...field(dep),
            ...(taken ? { alias: { kind: Kind.NAME, value: `${dep}Dependency` } } : {}),
            selectionSet: add(isCompositeType(target) ? target : undefined, { kind: Kind.SELECTION_SET, selections: [] }),
          });
        }
        return extra.length || selections.some((s, i) => s !== set.selections[i]) ? { ...set, selections: [...selections, ...extra] } : set;
      };
      const root = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
      const selectionSet = add(root ?? undefined, op.selectionSet);
      const entities = selectionSet.selections.find(
        (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities',
      )?.selectionSet;
      shape = { text: print({ ...doc, definitions: doc.definitions.map((d) => (d === op ? { ...op, selectionSet } : d)) }), entities };
    }
    if (this.shapes.size >= 1000) this.shapes.delete(this.shapes.keys().next().value as string);
    this.shapes.set(memo, shape);
    return shape;
  }

  private documentOf(query: string): DocumentNode | undefined {
    let doc = this.documents.get(query);
    if (!doc) {
      try {
        doc = parse(query);
      } catch {
        return undefined;
      }
      if (this.documents.size >= 1000) this.documents.delete(this.documents.keys().next().value as string);
      this.documents.set(query, doc);
    }
    return doc;
  }

  /**
   * How long the entities a selection returns may be kept: the smallest max-age of the hints its
   * types and fields meet (cache-hints.ts), 0 if one is private or unknown. Memoised per query text.
   */
  private ttlOf(query: string): number {
    const known = this.ttls.get(query);
    if (known !== undefined) return known;
    const schema = this.schema!;
    let maxAge = Infinity;
    const visit = (type: GraphQLCompositeType, set: SelectionSetNode) => {
      for (const sel of set.selections) {
        if (maxAge === 0) return;
        if (sel.kind === Kind.INLINE_FRAGMENT) {
          const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
          if (!cond || !isCompositeType(cond)) maxAge = 0;
          else visit(cond, sel.selectionSet);
          continue;
        }
        if (sel.kind !== Kind.FIELD) {
          maxAge = 0; // named fragments: the planner writes none; not worth a second walk
          continue;
        }
        const name = sel.name.value;
        if (name.startsWith('__')) continue;
        const field = 'getFields' in type ? type.getFields()[name] : undefined;
        if (!field) {
          maxAge = 0;
          continue;
        }
        const fieldType = getNamedType(field.type);
        const hint =
          FIELD_HINTS[`${type.name}.${name}`] ??
          (isCompositeType(fieldType)
            ? (TYPE_HINTS[fieldType.name] ?? (INHERITING_TYPES.has(fieldType.name) ? undefined : { maxAge: 0 }))
            : undefined);
        if (hint) maxAge = hint.scope === 'PRIVATE' ? 0 : Math.min(maxAge, hint.maxAge);
        if (sel.selectionSet && isCompositeType(fieldType)) visit(fieldType, sel.selectionSet);
      }
    };
    const doc = this.documentOf(query);
    const op = doc?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const entities =
      op?.kind === Kind.OPERATION_DEFINITION
        ? op.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities')
        : undefined;
    if (
      !entities ||
      entities.kind !== Kind.FIELD ||
      !entities.selectionSet ||
      op!.kind !== Kind.OPERATION_DEFINITION ||
      op!.operation !== 'query'
    )
      maxAge = 0;
    else {
      // The entity's own type gives its hint too: `... on Actor { name }` is kept as long as Actor may be.
      for (const sel of entities.selectionSet.selections) {
        if (sel.kind === Kind.FIELD && sel.name.value === '__typename') continue;
        if (sel.kind !== Kind.INLINE_FRAGMENT || !sel.typeCondition) {
          maxAge = 0;
          break;
        }
        const hint = TYPE_HINTS[sel.typeCondition.name.value];
        maxAge = Math.min(maxAge, hint?.scope === 'PRIVATE' ? 0 : (hint?.maxAge ?? 0));
        const t = schema.getType(sel.typeCondition.name.value);
        if (t && isCompositeType(t)) visit(t, sel.selectionSet);
        else maxAge = 0;
      }
    }
    const ttl = maxAge === Infinity ? 0 : Math.min(maxAge * 1000, this.maxTtlMs);
    if (this.ttls.size >= 1000) this.ttls.delete(this.ttls.keys().next().value as string);
    this.ttls.set(query, ttl);
    return ttl;
  }

  /** Counts a fetch's lookups: one increment per type and outcome met, not one per entity. */
  private count(subgraph: string, reps: Record<string, unknown>[], outcome: (i: number) => string) {
    if (!this.lookups) return;
    const counts = new Map<string, { type: string; outcome: string; n: number }>();
    for (let i = 0; i < reps.length; i++) {
      const type = String(reps[i].__typename);
      const o = outcome(i);
      const k = `${type}\n${o}`;
      const c = counts.get(k);
      if (c) c.n++;
      else counts.set(k, { type, outcome: o, n: 1 });
    }
    for (const c of counts.values()) this.lookups.inc({ subgraph, type: c.type, outcome: c.outcome }, c.n);
  }

  // What the root-field cache (root-cache.ts) shares of this one: the supergraph, the rule for the
  // ids and visibility dependencies an entry is tagged with, the invalidations seen, the vouching.

  /** The supergraph the cache hints are read on, once set. */
  get supergraph(): GraphQLSchema | undefined {
    return this.schema;
  }

  /** The count of invalidations so far: what `invalidatedSince` compares with. */
  get sequence(): number {
    return this.seq;
  }

  /** Whether one of these tags was invalidated after `sequence` read `seq`. */
  invalidatedSince(tags: string[], seq: number): boolean {
    // None since `seq` was read: every remembered invalidation is older.
    if (seq === this.seq) return false;
    return tags.some((t) => (this.invalidatedAt.get(t)?.seq ?? -1) > seq);
  }

  /** Whether what `subgraph` answers may be served and kept (its followed change log is read up to its head). */
  vouches(subgraph: string): boolean {
    return !this.unvouched.has(subgraph);
  }

  /** A query's text with the ids and visibility dependencies of every object asked of `subgraph` (`withIds`). */
  shapeOf(query: string, subgraph: string): string {
    return this.withIds(query, subgraph).text;
  }

  /** Adds to `tags` those of an answer to `set` on `type`: `Type:id` of its entities, `Type[]` of the lists it holds (`entitiesIn`). */
  tagsOf(value: unknown, type: GraphQLCompositeType, set: SelectionSetNode, tags: Set<string>) {
    this.tagsIn(value, type, set, tags, false);
  }

  /** The string of a list tag, shared (`listTag`). */
  listTagFor(typename: string): string {
    return this.listTagOf(typename);
  }

  close() {
    if (this.peers) process.off('message', this.fromPeer);
    return this.store.close();
  }
}
