import { createHmac, timingSafeEqual } from 'node:crypto';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { ErrorCode, userError } from '@maillage/errors';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';

/** @default 20 items a page; 100 at most, so no list is unbounded. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}
export interface Page {
  offset: number;
  limit: number;
}

/*
 * A cursor is the offset of an item, authenticated by the subgraph that issued it (HMAC-SHA256 with
 * a key derived from GATEWAY_SIGNING_SECRET, truncated to 128 bits): a client can only hand back an
 * offset some page of this API gave it, so it cannot forge `after` into a scan of a whole table for
 * one page. To reach offset n a client must have paged there, each page paid for in cost points.
 * Offsets rather than keyset cursors, because every list keeps its own order (names, dates,
 * in-memory lists already batched): one cursor format for all of them.
 */
let cursorKey = deriveCursorKey(DEV_SIGNING_SECRET);
function deriveCursorKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('maillage cursor v1').digest();
}

/** Sets the secret cursors are signed with (the service's GATEWAY_SIGNING_SECRET): the same on every replica of a subgraph. */
export function useCursorSecret(secret: string): void {
  cursorKey = deriveCursorKey(secret);
}

const macOf = (body: string) => createHmac('sha256', cursorKey).update(body).digest().subarray(0, 16);

export const encodeCursor = (offset: number): string => {
  const body = `o:${offset}`;
  return `${Buffer.from(body).toString('base64url')}.${macOf(body).toString('base64url')}`;
};

const notACursor = () => userError(ErrorCode.BAD_USER_INPUT, 'after: not a cursor returned by this API', 'after');

export function decodeCursor(cursor: string): number {
  const m = /^([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  if (!m) throw notACursor();
  const body = Buffer.from(m[1], 'base64url').toString();
  const offset = /^o:(\d{1,9})$/.exec(body);
  const mac = Buffer.from(m[2], 'base64url');
  if (!offset || mac.length !== 16 || !timingSafeEqual(mac, macOf(body))) throw notACursor();
  return Number(offset[1]);
}

export function toPage(args: PageArgs): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw userError(ErrorCode.BAD_USER_INPUT, `first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return { offset: args.after ? decodeCursor(args.after) + 1 : 0, limit: first };
}

export interface Connection<T> {
  totalCount: number;
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * Builds a connection from one page of items that starts at `page.offset` of `totalCount`. Cursors
 * are signed (an HMAC each) only when read: most clients ask for `nodes` and never see one.
 */
export function connection<T>(items: readonly T[], totalCount: number, page: Page): Connection<T> {
  const cursorAt = (i: number) => (i >= 0 && i < items.length ? encodeCursor(page.offset + i) : null);
  return {
    totalCount,
    get edges() {
      return items.map((node, i) => ({
        get cursor() {
          return encodeCursor(page.offset + i);
        },
        node,
      }));
    },
    nodes: [...items],
    pageInfo: {
      hasNextPage: page.offset + items.length < totalCount,
      hasPreviousPage: page.offset > 0,
      get startCursor() {
        return cursorAt(0);
      },
      get endCursor() {
        return cursorAt(items.length - 1);
      },
    },
  };
}

/** Pages an in-memory list (already fetched in one batched statement). */
export function sliceConnection<T>(all: readonly T[], args: PageArgs): Connection<T> {
  const page = toPage(args);
  return connection(all.slice(page.offset, page.offset + page.limit), all.length, page);
}

/**
 * Whether the client asked for the connection's `totalCount` or `pageInfo` (which needs it). A count
 * over a large filter can cost more than the page itself (90 ms against 12 ms for 20,000 actors of
 * a département): resolvers skip it when nobody reads it.
 */
export function asksForCount(info: GraphQLResolveInfo): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === 'totalCount' || s.name.value === 'pageInfo';
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return visit(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((f) => visit(f.selectionSet));
}
