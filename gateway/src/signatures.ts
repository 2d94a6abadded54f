import { signViewer, type Viewer } from '@maillage/viewer';

/** A signature is reused while at least this much of its 60 s lifetime is left. */
const REUSE_MS = 30_000;
const KEPT = 2000;

/**
 * The gateway's signed viewer headers, reused: a header is bound to one viewer and one subgraph
 * query text and lives 60 s, and clients repeat the same few operations, so signing each fetch
 * anew (an HMAC and a JWT encoding, awaited) is work thrown away. A header is reused for 30 s at
 * most, so what a subgraph receives always has 30 s or more to live.
 */
export class ViewerSignatures {
  private readonly kept = new Map<string, { header: Promise<string>; until: number }>();

  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  sign(viewer: Viewer, query: string): Promise<string> {
    const key = `${viewer.role}\n${viewer.scopes.join(' ')}\n${viewer.networks.join(' ')}\n${viewer.subject ?? ''}\n${viewer.partnerId ?? ''}\n${query}`;
    const now = this.now();
    const hit = this.kept.get(key);
    if (hit && hit.until > now) return hit.header;
    const header = signViewer(viewer, this.secret, query);
    if (this.kept.size >= KEPT) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, { header, until: now + REUSE_MS });
    header.catch(() => this.kept.delete(key));
    return header;
  }
}
