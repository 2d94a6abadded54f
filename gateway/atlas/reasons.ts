// The synergy report gives each pair's reasons as data (SynergyPair.reasonDetails: a code and what
// it names), so the atlas words them in French here; the API's English text is shown only for a
// code this page does not know yet (an enum value added to the API after it was built).
import type { PersistedOperations } from '@maillage/client';

type Pair = PersistedOperations['AtlasSynergies']['result']['synergyReport']['pairs'][number];
export type ReasonDetail = Pair['reasonDetails'][number];

const cosine = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** The names given, and how many more there are when the API named only the first few. */
function names(named: { name: string }[], count: number): string {
  const list = named.map((x) => x.name).join(', ');
  const more = count - named.length;
  return more > 0 ? `${list} ${plural(more, 'et 1 autre', `et ${more} autres`)}` : list;
}

export function frenchReason(r: ReasonDetail): string {
  switch (r.code) {
    case 'SHARED_MEMBERS':
      return `${r.count} ${plural(r.count, 'membre', 'membres')} en commun : ${names(r.actors, r.count)}`;
    case 'COMPLEMENTARY_SECTORS':
      return `secteurs complémentaires : ${r.sectorLinks.map((l) => `${l.a.code} ${l.a.label} ↔ ${l.b.code} ${l.b.label}`).join(' ; ')}`;
    case 'SIMILAR_SECTORS':
      return `profils sectoriels proches (cosinus ${cosine.format(r.similarity ?? 0)})`;
    case 'JOINT_INITIATIVES':
      return `${r.count} ${plural(r.count, 'initiative commune', 'initiatives communes')} déjà : ${names(r.initiatives, r.count)}`;
    case 'NO_JOINT_INITIATIVE':
      return 'aucune initiative commune pour l’instant';
    case 'INTRODUCERS':
      return `pourraient être mis en relation par ${names(r.actors, r.count)}, qui partagent un réseau avec des membres des deux`;
    default:
      return r.text;
  }
}
