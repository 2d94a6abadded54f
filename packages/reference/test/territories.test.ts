import {
  ancestorsOf,
  childrenOf,
  communeByInseeCode,
  getTerritories,
  getTerritory,
  isWithin,
  listTerritories,
  normaliseText,
  reachOf,
  territoryId,
} from '../src';

const ids = (ts: readonly ({ id: string } | undefined)[]) => ts.map((t) => t?.id);

// Build cost and memory of the lookup index are measured by `npm run bench -w @maillage/reference`
// (figures in the README of this package), not asserted here: wall-clock bounds flake on loaded CI.
test('first call builds the index and finds a commune by id', () => {
  expect(getTerritory('COM-34172')?.name).toBe('Montpellier');
});

describe('ancestry', () => {
  test('Montpellier rolls up to its métropole, Hérault and Occitanie', () => {
    expect(ids(ancestorsOf('COM-34172'))).toEqual(['EPCI-243400017', 'DEP-34', 'REG-76']);
    expect(getTerritory('EPCI-243400017')).toMatchObject({
      level: 'EPCI',
      name: 'Montpellier Méditerranée Métropole',
      epciType: 'METRO',
      siren: '243400017',
      departementId: 'DEP-34',
      regionId: 'REG-76',
    });
  });

  test('Millau, Le Caylar, Laxou, Marseille', () => {
    expect(communeByInseeCode('12145')).toMatchObject({ name: 'Millau', departementId: 'DEP-12', regionId: 'REG-76' });
    expect(ids(ancestorsOf('COM-12145'))).toEqual(['EPCI-241200567', 'DEP-12', 'REG-76']);
    expect(communeByInseeCode('COM-34064')).toMatchObject({ name: 'Le Caylar', departementId: 'DEP-34', epciId: 'EPCI-200017341' });
    expect(getTerritory('COM-54304')?.name).toBe('Laxou');
    expect(ids(ancestorsOf('COM-54304'))).toEqual(['EPCI-245400676', 'DEP-54', 'REG-44']);
    expect(getTerritory('COM-13055')).toMatchObject({ name: 'Marseille', epciId: 'EPCI-200054807' });
    expect(getTerritory('EPCI-200054807')?.name).toBe("Métropole d'Aix-Marseille-Provence");
  });

  test('arrondissements municipaux sit under their commune and its EPCI', () => {
    expect(getTerritory('COM-75108')).toMatchObject({ level: 'COMMUNE', name: 'Paris 8e Arrondissement', parentCommuneId: 'COM-75056' });
    expect(ids(ancestorsOf('COM-75108'))).toEqual(['COM-75056', 'EPCI-200054781', 'DEP-75', 'REG-11']);
    expect(ids(ancestorsOf('COM-69381'))).toEqual(['COM-69123', 'EPCI-200046977', 'DEP-69', 'REG-84']);
    expect(reachOf(['COM-13201', 'COM-13055', 'COM-34172'])).toEqual([
      'COM-13201',
      'COM-13055',
      'EPCI-200054807',
      'DEP-13',
      'REG-93',
      'COM-34172',
      'EPCI-243400017',
      'DEP-34',
      'REG-76',
    ]);
    expect(childrenOf('COM-75056')).toHaveLength(20);
  });

  test('EPCI and départements roll up; unknown ids have no ancestors', () => {
    expect(ids(ancestorsOf('EPCI-243400017'))).toEqual(['DEP-34', 'REG-76']);
    expect(ids(ancestorsOf('DEP-2A'))).toEqual(['REG-94']);
    expect(ancestorsOf('REG-76')).toEqual([]);
    expect(ancestorsOf('COM-00000')).toEqual([]);
    expect(reachOf(['XYZ'])).toEqual(['XYZ']);
  });

  test('isWithin', () => {
    expect(isWithin('COM-75108', 'REG-11')).toBe(true);
    expect(isWithin('COM-75108', 'COM-75056')).toBe(true);
    expect(isWithin('COM-34172', 'COM-34172')).toBe(true);
    expect(isWithin('COM-34172', 'REG-11')).toBe(false);
    expect(isWithin('REG-76', 'COM-34172')).toBe(false);
  });

  test('an EPCI straddling départements is placed in its seat’s', () => {
    // Most of its communes are in Val-de-Marne, its seat and most of its people in Paris.
    expect(getTerritory('EPCI-200054781')).toMatchObject({ name: 'Métropole du Grand Paris', departementId: 'DEP-75', regionId: 'REG-11' });
    // CA Arche Agglo: seat at Tournon-sur-Rhône (07), most communes and people in the Drôme (26).
    expect(getTerritory('EPCI-200073096')).toMatchObject({ departementId: 'DEP-07', regionId: 'REG-84' });
    // Communes keep their own département.
    expect(ids(ancestorsOf('COM-94028'))).toEqual(['EPCI-200054781', 'DEP-94', 'REG-11']);
  });
});

describe('the map', () => {
  test('18 régions, 101 départements (2A and 2B, no 20), 22 métropoles', () => {
    expect(listTerritories({ level: 'REGION' }).total).toBe(18);
    const deps = listTerritories({ level: 'DEPARTEMENT', limit: 200 });
    expect(deps.total).toBe(101);
    expect(deps.items.map((d) => d.code)).toEqual(expect.arrayContaining(['2A', '2B', '971', '972', '973', '974', '976']));
    expect(getTerritory('DEP-20')).toBeUndefined();
    expect(getTerritory('DEP-2A')).toMatchObject({ name: 'Corse-du-Sud', regionId: 'REG-94' });
    expect(getTerritory('REG-94')?.name).toBe('Corse');
    const epci = listTerritories({ level: 'EPCI', limit: 5000 });
    expect(epci.items).toHaveLength(epci.total);
    expect(epci.items.filter((e) => e.epciType === 'METRO' || e.epciType === 'MET69')).toHaveLength(22);
    expect(epci.items.filter((e) => e.epciType === 'MET69').map((e) => e.name)).toEqual(['Métropole de Lyon']);
    expect(epci.items.every((e) => e.departementId && e.regionId)).toBe(true);
  });

  test('collectivités d’outre-mer and communes déléguées are left out', () => {
    expect(getTerritory('DEP-975')).toBeUndefined();
    expect(communeByInseeCode('97502')).toBeUndefined(); // Saint-Pierre
    // 01015 is both a current commune (Arboys en Bugey) and one of its communes déléguées.
    expect(communeByInseeCode('01015')?.name).toBe('Arboys en Bugey');
    expect(getTerritory('COM-2A004')).toMatchObject({ name: 'Ajaccio', departementId: 'DEP-2A', regionId: 'REG-94' });
    expect(communeByInseeCode('2a004')?.name).toBe('Ajaccio');
  });

  test('records carry SIREN, population and postal codes', () => {
    const montpellier = getTerritory('COM-34172')!;
    expect(montpellier.siren).toBe('213401722');
    expect(montpellier.postalCodes).toEqual(expect.arrayContaining(['34000', '34070']));
    expect(montpellier.population).toBeGreaterThan(250_000);
    // Higher levels sum their communes' populations.
    const herault = listTerritories({ level: 'COMMUNE', withinId: 'DEP-34', limit: 1000 }).items;
    expect(getTerritory('DEP-34')?.population).toBe(herault.reduce((n, c) => n + (c.parentCommuneId ? 0 : (c.population ?? 0)), 0));
  });

  test('getTerritories keeps order and holes', () => {
    expect(ids(getTerritories(['REG-76', 'nope', 'DEP-34']))).toEqual(['REG-76', undefined, 'DEP-34']);
    expect(territoryId('EPCI', '243400017')).toBe('EPCI-243400017');
  });
});

describe('listing', () => {
  test('search ignores case, accents and punctuation', () => {
    expect(listTerritories({ search: 'beziers' }).items.map((t) => t.id)).toEqual(expect.arrayContaining(['COM-34032', 'EPCI-243400769']));
    expect(listTerritories({ level: 'COMMUNE', search: 'BÉZIERS', limit: 100 }).items.map((t) => t.name)).toContain('Béziers');
    expect(listTerritories({ level: 'COMMUNE', search: 'saint etienne', limit: 100 }).items.map((t) => t.id)).toContain('COM-42218');
    expect(listTerritories({ level: 'COMMUNE', search: 'oeuilly', limit: 100 }).items.map((t) => t.name)).toContain('Œuilly');
    expect(listTerritories({ search: 'zzzzzz' })).toEqual({ total: 0, items: [] });
  });

  test('withinId, level, offset and limit', () => {
    expect(listTerritories({ level: 'COMMUNE', withinId: 'DEP-12', search: 'millau' }).items.map((t) => t.id)).toEqual(['COM-12145']);
    const occitanie = listTerritories({ level: 'DEPARTEMENT', withinId: 'REG-76', limit: 100 });
    expect(occitanie.total).toBe(13);
    expect(occitanie.items.map((d) => d.code).sort()).toEqual([
      '09',
      '11',
      '12',
      '30',
      '31',
      '32',
      '34',
      '46',
      '48',
      '65',
      '66',
      '81',
      '82',
    ]);
    expect(listTerritories({ withinId: 'REG-76', limit: 5000 }).items.some((t) => t.id === 'REG-76')).toBe(false);
    const page = listTerritories({ level: 'COMMUNE', withinId: 'DEP-34', offset: 10, limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.items).toEqual(listTerritories({ level: 'COMMUNE', withinId: 'DEP-34', limit: 15 }).items.slice(10));
    expect(listTerritories({ withinId: 'NOPE' }).total).toBe(0);
  });

  test('sorted by level, then name in French order (numbers by value)', () => {
    const all = listTerritories({ withinId: 'REG-11', limit: 5000 }).items;
    const levels = all.map((t) => t.level);
    expect(levels.indexOf('COMMUNE')).toBeGreaterThan(levels.lastIndexOf('EPCI'));
    const collator = new Intl.Collator('fr', { numeric: true });
    const communes = all.filter((t) => t.level === 'COMMUNE').map((t) => t.name);
    expect(communes).toEqual([...communes].sort(collator.compare));
    const paris = childrenOf('COM-75056').map((t) => t.code);
    expect(paris.slice(0, 3)).toEqual(['75101', '75102', '75103']);
    expect(listTerritories({ level: 'REGION', limit: 3 }).items.map((r) => r.name)).toEqual([
      'Auvergne-Rhône-Alpes',
      'Bourgogne-Franche-Comté',
      'Bretagne',
    ]);
  });

  test('childrenOf lists every descendant, optionally of one level', () => {
    expect(childrenOf('REG-76', 'DEPARTEMENT')).toHaveLength(13);
    const communes = childrenOf('DEP-12', 'COMMUNE');
    expect(communes.length).toBeGreaterThan(250);
    expect(communes.every((c) => c.departementId === 'DEP-12')).toBe(true);
    expect(childrenOf('EPCI-243400017').map((c) => c.level)).toEqual(Array(31).fill('COMMUNE'));
    expect(childrenOf('NOPE')).toEqual([]);
  });

  test('normaliseText', () => {
    expect(normaliseText('  Mécanic   VALLÉE ')).toBe('mecanic vallee');
    expect(normaliseText('Saint-Étienne')).toBe('saint-etienne');
  });
});
