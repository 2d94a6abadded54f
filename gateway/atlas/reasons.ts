// The synergy report states its reasons in English (packages/synergy/src/measures/report.ts); the
// atlas is in French, so the known phrasings are put into French here, and anything else is shown
// as the API wrote it rather than dropped.
const plural = (n: string, one: string, many: string) => (n === '1' ? one : many);

const RULES: [RegExp, (...m: string[]) => string][] = [
  [/^(\d+) shared members?: (.*)$/, (n, names) => `${n} ${plural(n, 'membre', 'membres')} en commun : ${names}`],
  [/^complementary sectors: (.*)$/, (list) => `secteurs complémentaires : ${list}`],
  [/^similar sector profiles \(cosine ([\d.]+)\)$/, (c) => `profils sectoriels proches (cosinus ${c.replace('.', ',')})`],
  [
    /^(\d+) joint initiatives? already: (.*)$/,
    (n, names) => `${n} ${plural(n, 'initiative commune', 'initiatives communes')} déjà : ${names}`,
  ],
  [/^no joint initiative yet$/, () => 'aucune initiative commune pour l’instant'],
  [
    /^could be introduced by (.*), who share a network with members of both$/,
    (names) => `pourraient être mis en relation par ${names}, qui partagent un réseau avec des membres des deux`,
  ],
];

export function frenchReason(reason: string): string {
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(reason);
    if (m) return say(...m.slice(1));
  }
  return reason;
}
