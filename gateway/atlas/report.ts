// The synergy report as a table: sortable (a button in each column head, aria-sort), with the
// reasons, exported as CSV for French spreadsheets (UTF-8 with a BOM, semicolons, decimal commas).
import { el, fmtInt, fmtScore, KIND_LABELS } from './format';

export interface ReportRow {
  a: { id: string; name: string; kind: string };
  b: { id: string; name: string; kind: string };
  score: number;
  similarity: number;
  complementarity: number;
  sharedCount: number;
  sharedMembers: string[];
  jointInitiatives: string[];
  sectorCouples: string[];
  whiteSpace: boolean;
  reasons: string[];
}

type Key = 'a' | 'b' | 'score' | 'similarity' | 'complementarity' | 'sharedCount' | 'jointInitiatives';
const COLUMNS: { key: Key; label: string; numeric: boolean }[] = [
  { key: 'a', label: 'Réseau A', numeric: false },
  { key: 'b', label: 'Réseau B', numeric: false },
  { key: 'score', label: 'Score', numeric: true },
  { key: 'similarity', label: 'Similarité', numeric: true },
  { key: 'complementarity', label: 'Complémentarité', numeric: true },
  { key: 'sharedCount', label: 'Membres communs', numeric: true },
  { key: 'jointInitiatives', label: 'Initiatives communes', numeric: true },
];

const sortValue = (r: ReportRow, k: Key): string | number =>
  k === 'a' || k === 'b' ? r[k].name : k === 'jointInitiatives' ? r.jointInitiatives.length : r[k];

export class ReportTable {
  private rows: ReportRow[] = [];
  private sort: { key: Key; descending: boolean } = { key: 'score', descending: true };

  constructor(
    private readonly table: HTMLTableElement,
    private readonly onPick: (row: ReportRow) => void,
  ) {}

  set(rows: ReportRow[]): void {
    this.rows = rows;
    this.render();
  }

  sorted(): ReportRow[] {
    const { key, descending } = this.sort;
    return [...this.rows].sort((x, y) => {
      const a = sortValue(x, key);
      const b = sortValue(y, key);
      const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'fr');
      return descending ? -c : c;
    });
  }

  private render(): void {
    const head = el(
      'tr',
      {},
      ...COLUMNS.map((c) => {
        const active = this.sort.key === c.key;
        const button = el(
          'button',
          { type: 'button', class: 'sort' },
          c.label,
          el('span', { 'aria-hidden': 'true' }, active ? (this.sort.descending ? ' ▼' : ' ▲') : ''),
        );
        button.addEventListener('click', () => {
          this.sort = { key: c.key, descending: active ? !this.sort.descending : c.numeric };
          this.render();
          (this.table.querySelector(`th[data-key="${c.key}"] button`) as HTMLButtonElement | null)?.focus();
        });
        return el(
          'th',
          { scope: 'col', 'data-key': c.key, 'aria-sort': active ? (this.sort.descending ? 'descending' : 'ascending') : 'none' },
          button,
        );
      }),
      el('th', { scope: 'col' }, 'Raisons'),
    );
    const body = el(
      'tbody',
      {},
      ...this.sorted().map((r) => {
        const show = el('button', { type: 'button', class: 'link' }, 'voir dans le graphe');
        show.addEventListener('click', () => this.onPick(r));
        return el(
          'tr',
          { 'data-pair': `${r.a.id}|${r.b.id}` },
          el('th', { scope: 'row' }, r.a.name, el('br'), el('small', {}, KIND_LABELS[r.a.kind] ?? r.a.kind)),
          el('td', {}, r.b.name, el('br'), el('small', {}, KIND_LABELS[r.b.kind] ?? r.b.kind)),
          el('td', { class: 'num' }, fmtScore(r.score)),
          el('td', { class: 'num' }, fmtScore(r.similarity)),
          el('td', { class: 'num' }, fmtScore(r.complementarity)),
          el('td', { class: 'num' }, fmtInt(r.sharedCount)),
          el('td', { class: 'num' }, fmtInt(r.jointInitiatives.length)),
          el('td', { class: 'reasons' }, el('ul', {}, ...r.reasons.map((x) => el('li', {}, x))), show),
        );
      }),
    );
    this.table.replaceChildren(el('thead', {}, head), body);
  }
}

const cell = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const decimal = (n: number) => String(Math.round(n * 1000) / 1000).replace('.', ',');

/** The rows in the table's order, as a French spreadsheet opens them. */
export function reportCsv(rows: ReportRow[]): string {
  const header = [
    'Réseau A',
    'Type A',
    'Réseau B',
    'Type B',
    'Score',
    'Similarité',
    'Complémentarité',
    'Membres communs',
    'Noms des membres communs',
    'Initiatives communes',
    'Couples de secteurs',
    'Espace blanc',
    'Raisons',
  ];
  const lines = rows.map((r) =>
    [
      r.a.name,
      KIND_LABELS[r.a.kind] ?? r.a.kind,
      r.b.name,
      KIND_LABELS[r.b.kind] ?? r.b.kind,
      decimal(r.score),
      decimal(r.similarity),
      decimal(r.complementarity),
      String(r.sharedCount),
      r.sharedMembers.join(', '),
      r.jointInitiatives.join(', '),
      r.sectorCouples.join(', '),
      r.whiteSpace ? 'oui' : 'non',
      r.reasons.join(' | '),
    ]
      .map(cell)
      .join(';'),
  );
  return '\uFEFF' + [header.join(';'), ...lines].join('\r\n') + '\r\n';
}
