/** Lower case, accents stripped, spaces collapsed: "Mécanic  Vallée" -> "mecanic vallee". */
export function normaliseText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
