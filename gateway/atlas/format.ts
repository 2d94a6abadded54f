// French number formats, one place: the page, its tables and the CSV say the same figures.
const integer = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const score = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

export const fmtInt = (n: number) => integer.format(n);
const small = new Intl.NumberFormat('fr-FR', { maximumSignificantDigits: 2 });
/** One decimal, or two significant digits below 1 (a few memberships among a million people). */
export const fmtDecimal = (n: number) => (n > 0 && n < 1 ? small.format(n) : decimal.format(n));
export const fmtScore = (n: number) => score.format(n);

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export const KIND_LABELS: Record<string, string> = { Chamber: 'Chambre', Cluster: 'Pôle ou cluster', Council: 'Conseil', Club: 'Club' };
/** Colours by kind, distinct for the common colour-vision deficiencies (Okabe–Ito palette). */
export const KIND_COLOURS: Record<string, string> = { Chamber: '#0072B2', Cluster: '#D55E00', Council: '#009E73', Club: '#CC79A7' };
