import { FORWARD_TTL_SECONDS, signViewer, type Viewer } from '@maillage/viewer';

/** A statement is handed out while at least 7 s of its 10 s life are left: time for a fetch, its retry, and clock skew. */
const REUSE_MS = FORWARD_TTL_SECONDS * 1000 - 7_000;
const KEPT = 2000;

/**
 * The gateway's signed viewer statements for one subgraph, reused: a statement names one viewer and
 * one subgraph and lives 10 s, and the same callers come back many times a second, so signing each
 * fetch anew (a JWT encoding and an HMAC through WebCrypto, awaited) is work thrown away. What binds
 * a fetch to its query and variables is `bindRequest`, one synchronous HMAC per fetch, so a reused
 * statement cannot carry another request. Keyed by the viewer only: one entry per caller, not per
 * caller and query.
 */
export class ViewerSignatures {
  private readonly kept = new Map<string, { header: Promise<string>; until: number }>();

  constructor(
    private readonly secret: string,
    private readonly subgraph: string,
    private readonly now: () => number = Date.now,
  ) {}

  sign(viewer: Viewer): Promise<string> {
    const key = `${viewer.role}\n${viewer.scopes.join(' ')}\n${viewer.networks.join(' ')}\n${viewer.subject ?? ''}\n${viewer.partnerId ?? ''}`;
    const now = this.now();
    const hit = this.kept.get(key);
    if (hit && hit.until > now) return hit.header;
    const header = signViewer(viewer, this.secret, this.subgraph);
    if (this.kept.size >= KEPT) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, { header, until: now + REUSE_MS });
    header.catch(() => this.kept.delete(key));
    return header;
  }
}
