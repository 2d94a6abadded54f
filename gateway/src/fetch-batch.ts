import { BATCH_HEADER, BATCH_IDS_HEADER, BINDING_HEADER, MAX_BATCH_OPERATIONS } from '@maillage/viewer';
import { withinDeadline } from './deadline';

/** A subgraph's answer, read whole (subgraphs.ts). */
export interface Answer {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one batch: the body is a JSON array of the members' bodies, the headers those the members
 * share, with the members' request ids; the sender binds the statement to this body and makes the
 * HTTP request as one fetch (one deadline, its retries once for the whole batch).
 */
export type SendBatch = (body: string, headers: Record<string, string>, deadline: number) => Promise<Answer>;

interface Member {
  body: string;
  requestId: string;
  deadline: number;
  /** The member's own fetch, unbatched. */
  alone: () => Promise<Answer>;
  resolve(answer: Answer): void;
  reject(err: unknown): void;
}

interface Group {
  /** The headers the members share (no binding, no request id). */
  headers: Record<string, string>;
  members: Member[];
  bytes: number;
}

// What differs between fetches that may share one HTTP request: each gets a binding of the batch's body, and its own id.
const OWN_HEADERS = new Set([BINDING_HEADER, 'x-request-id']);
// As the subgraph reads a forwarded request id (requestIdFrom in @maillage/observability); another is sent as none.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Largest batch body: well under the subgraph's 1 MB body limit. */
export const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Query fetches to one subgraph issued in the same event-loop turn by different client requests,
 * sent as one HTTP request when they carry the same headers (the same signed viewer statement, the
 * same operation label, the same trace context: never two viewers in one batch). The subgraph runs
 * the operations with one shared context (packages/subgraph-server, `answerBatch`), so its
 * DataLoaders merge their loads: N lookups of N actors are one SQL statement, not N.
 *
 * No added wait: the batch leaves on `setImmediate`, after the requests whose bytes arrived in
 * this turn reached their fetch; a fetch alone in its turn goes as it would have, byte for byte.
 * Each member gets back what its own fetch would have got: its status, the headers, its body as
 * the subgraph wrote it. A member the batch cannot answer that way (the batch's HTTP status is
 * not 200, it has no per-member statuses: a subgraph that does not batch; the member's own status
 * is a 5xx, or was withheld) is sent again alone, as its own fetch. A batch that fails (timeout,
 * connection, 5xx, garbage) fails every member with that failure, as a shared in-flight fetch does.
 */
export class FetchBatcher {
  private readonly groups = new Map<string, Group>();
  private readonly full: Group[] = [];
  private scheduled = false;

  constructor(
    private readonly sendBatch: SendBatch,
    private readonly maxSize = MAX_BATCH_OPERATIONS,
    private readonly maxBytes = MAX_BATCH_BYTES,
  ) {}

  /**
   * A query fetch's answer. `headers` are those of the member's own fetch (binding included),
   * `alone` that fetch; `deadline` bounds the member's wait whatever the batch waits.
   */
  fetch(headers: Record<string, string>, body: string, deadline: number, alone: () => Promise<Answer>): Promise<Answer> {
    if (this.maxSize < 2 || body.length > this.maxBytes || body[0] !== '{') return alone();
    let key = '';
    const shared: Record<string, string> = {};
    for (const name in headers) {
      if (OWN_HEADERS.has(name)) continue;
      shared[name] = headers[name];
      key += `${name}\u0000${headers[name]}\u0000`;
    }
    let group = this.groups.get(key);
    if (group && group.bytes + body.length + 1 > this.maxBytes) {
      this.groups.delete(key);
      this.full.push(group);
      group = undefined;
    }
    if (!group) this.groups.set(key, (group = { headers: shared, members: [], bytes: 1 }));
    const id = headers['x-request-id'];
    const answer = new Promise<Answer>((resolve, reject) =>
      group.members.push({ body, requestId: id && REQUEST_ID.test(id) ? id : '', deadline, alone, resolve, reject }),
    );
    group.bytes += body.length + 1;
    if (group.members.length >= this.maxSize) {
      this.groups.delete(key);
      this.full.push(group);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return answer;
  }

  private flush() {
    this.scheduled = false;
    const groups = [...this.full, ...this.groups.values()];
    this.full.length = 0;
    this.groups.clear();
    for (const group of groups) this.send(group);
  }

  private send({ headers, members }: Group) {
    if (members.length === 1) {
      const [m] = members;
      m.alone().then(m.resolve, m.reject);
      return;
    }
    let deadline = members[0].deadline;
    for (const m of members) deadline = Math.max(deadline, m.deadline);
    const body = `[${members.map((m) => m.body).join(',')}]`;
    const batch = this.sendBatch(body, { ...headers, [BATCH_IDS_HEADER]: members.map((m) => m.requestId).join(',') }, deadline);
    members.forEach((m, i) => {
      const own = batch.then((answer) => {
        const parts = splitBatch(answer, members.length);
        const part = parts?.[i];
        return part ?? m.alone();
      });
      // The batch waits for the latest deadline of its members; each member no longer than its own.
      (m.deadline < deadline ? withinDeadline(own, m.deadline) : own).then(m.resolve, m.reject);
    });
  }
}

/**
 * A batch's answer as its members' own: undefined for all when it is not a batch answer of `n`
 * members, undefined for a member whose status is not one its own fetch could take as an answer
 * (a 5xx is a failure its own fetch would retry or count; 0 is withheld by the subgraph).
 */
export function splitBatch(answer: Answer, n: number): (Answer | undefined)[] | undefined {
  const described = answer.headers[BATCH_HEADER];
  if (answer.status !== 200 || described === undefined) return undefined;
  const entries = described.split(',');
  const { body } = answer;
  if (entries.length !== n || body[0] !== '[') return undefined;
  const headers = { ...answer.headers };
  delete headers[BATCH_HEADER];
  const parts: (Answer | undefined)[] = [];
  let at = 1;
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const status = Number(entry.slice(0, colon));
    const length = Number(entry.slice(colon + 1));
    if (colon < 1 || !Number.isInteger(status) || !Number.isInteger(length) || length < 0) return undefined;
    const end = at + length;
    if (body[end] !== (parts.length === n - 1 ? ']' : ',')) return undefined;
    const text = body.slice(at, end);
    parts.push(
      status >= 200 && status < 500
        ? { status, headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) }, body: text }
        : undefined,
    );
    at = end + 1;
  }
  return at === body.length ? parts : undefined;
}
