/**
 * Where a record's facts come from, the same in every subgraph that stores records (the directory
 * and the four network subgraphs): STATED by its sources, DERIVED from other facts by a named rule,
 * or ENTERED by an editor through the API. See docs/architecture.md, "Provenance".
 */
export type ProvenanceKind = 'STATED' | 'DERIVED' | 'ENTERED';

/** The provenance columns of a stored row (Prisma field names). */
export interface ProvenanceColumns {
  provenance: ProvenanceKind;
  /** The rule a DERIVED row follows, in words. */
  provenanceRule: string | null;
  /** The editor (viewer subject) who ENTERED the row, and when. */
  enteredBy: string | null;
  enteredAt: Date | null;
}

/** How a seed record says where its facts come from; without it, they are STATED by its sources. */
export interface SeedProvenance {
  kind: 'STATED' | 'DERIVED';
  rule?: string;
}

/** A source no reader can check: the project's own notes. A seed record cites the article or register instead. */
export const INTERNAL_SOURCE = /DOMAIN\.md|internal note|note interne/i;

/**
 * The provenance columns of a seed record, checked: the seed states facts (sources required, none
 * of them an internal note) or derives them by a rule it names. Only an editor enters facts.
 */
export function seedProvenance(where: string, sources: readonly string[] | undefined, p: SeedProvenance | undefined): ProvenanceColumns {
  const fail = (message: string) => {
    throw new Error(`seed ${where}: ${message}`);
  };
  const kind = p?.kind ?? 'STATED';
  if (kind !== 'STATED' && kind !== 'DERIVED') fail(`provenance ${kind}: a seed states or derives, only an editor enters`);
  if (!sources?.length) fail('no source');
  for (const s of sources ?? [])
    if (INTERNAL_SOURCE.test(s)) fail(`source ${JSON.stringify(s)} is an internal note: cite the public source`);
  const rule = p?.rule?.trim();
  if (kind === 'DERIVED' && !rule) fail('a derived fact names its rule');
  return { provenance: kind, provenanceRule: kind === 'DERIVED' ? rule! : null, enteredBy: null, enteredAt: null };
}

/**
 * The provenance of a row written through the API: entered by the viewer's editor, now. The
 * subject is the gateway's verified statement's; a viewer without one is recorded as null.
 */
export const enteredBy = (viewer: { subject?: string }, at = new Date()): ProvenanceColumns => ({
  provenance: 'ENTERED',
  provenanceRule: null,
  enteredBy: viewer.subject ?? null,
  enteredAt: at,
});

/** The GraphQL `Provenance` of a row: its kind and rule, who entered it and when, and its sources. */
export const provenanceOf = (row: ProvenanceColumns & { sources: string[] }) => ({
  kind: row.provenance,
  sources: row.sources,
  rule: row.provenanceRule,
  enteredBy: row.enteredBy,
  enteredAt: row.enteredAt,
});
