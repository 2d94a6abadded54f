import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One persisted operation of schema/operations/manifest.json (Apollo's persisted query manifest format). */
export interface PersistedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export const operationId = (body: string) => createHash('sha256').update(body).digest('hex');

/**
 * Loads the manifest built by `npm run operations`, refusing one whose ids are not the sha256 of
 * their documents: an id names exactly one text, for the CDN and for partner keys alike.
 */
export function loadPersistedOperations(file: string): Map<string, PersistedOperation> {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { format?: string; operations?: PersistedOperation[] };
  if (manifest.format !== 'apollo-persisted-query-manifest' || !Array.isArray(manifest.operations)) {
    throw new Error(`${file}: not a persisted operations manifest`);
  }
  const byId = new Map<string, PersistedOperation>();
  for (const op of manifest.operations) {
    if (operationId(op.body) !== op.id) throw new Error(`${file}: operation ${op.name} has id ${op.id}, not the sha256 of its document`);
    byId.set(op.id, op);
  }
  return byId;
}
