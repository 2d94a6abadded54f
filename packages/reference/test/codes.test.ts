import {
  companyCategories,
  headcountBand,
  headcountBands,
  legalCategories,
  legalCategory,
  nafDivision,
  nafDivisions,
  nafSection,
  nafSections,
  parseNafCode,
} from '../src';

describe('NAF rév. 2', () => {
  test('21 sections, 88 divisions, each in an existing section', () => {
    expect(nafSections).toHaveLength(21);
    expect(nafSections.map((s) => s.code).join('')).toBe('ABCDEFGHIJKLMNOPQRSTU');
    expect(nafDivisions).toHaveLength(88);
    for (const d of nafDivisions) expect(nafSection(d.section)).toBeDefined();
    expect(nafDivision('62')).toEqual({ code: '62', label: 'Programmation, conseil et autres activités informatiques', section: 'J' });
    expect(nafDivision('04')).toBeUndefined();
  });

  test('a code parses to its division and section', () => {
    const electricity = "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné";
    expect(parseNafCode('35.11Z')).toEqual({
      code: '35.11Z',
      division: { code: '35', label: electricity, section: 'D' },
      section: { code: 'D', label: electricity },
    });
    expect(parseNafCode('3511Z')?.code).toBe('35.11Z');
    expect(parseNafCode(' 62.01z ')?.code).toBe('62.01Z');
    expect(parseNafCode('99.00Z')?.section.code).toBe('U');
  });

  test('malformed codes and codes that are no sous-classe are rejected', () => {
    expect(parseNafCode('99.99Z')).toBeNull(); // division 99 exists, only 99.00Z in it
    expect(parseNafCode('04.11Z')).toBeNull(); // no division 04
    expect(parseNafCode('35.11A')).toBeNull();
    expect(parseNafCode('35.1Z')).toBeNull();
    expect(parseNafCode('35-11Z')).toBeNull();
    expect(parseNafCode('')).toBeNull();
  });

  test('strict: false lets NAF 2025 codes through when their division exists', () => {
    expect(parseNafCode('53.10A')).toBeNull();
    expect(parseNafCode('53.10A', { strict: false })?.division.code).toBe('53');
    expect(parseNafCode('04.10A', { strict: false })).toBeNull();
  });
});

describe('legal categories', () => {
  test('the ones the networks use, with INSEE labels', () => {
    expect(legalCategory('7381')?.label).toBe('Organisme consulaire');
    expect(legalCategory('7344')?.label).toBe('Métropole');
    expect(legalCategory('7343')?.label).toBe('Communauté urbaine');
    expect(legalCategory('7348')?.label).toBe("Communauté d'agglomération");
    expect(legalCategory('7346')?.label).toBe('Communauté de communes');
    expect(legalCategory('7230')?.label).toBe('Région');
    expect(legalCategory('7220')?.label).toBe('Département');
    expect(legalCategory('7210')?.label).toBe('Commune et commune nouvelle');
    expect(legalCategory('9220')?.label).toBe('Association déclarée');
    expect(legalCategory('7410')?.label).toBe("Groupement d'intérêt public (GIP)");
    expect(legalCategory('5710')?.label).toBe('SAS, société par actions simplifiée');
    expect(legalCategory('5499')?.label).toBe('Société à responsabilité limitée (sans autre indication)');
    expect(legalCategory('7383')?.label).toBe('Établissement public national à caractère scientifique culturel et professionnel');
    expect(legalCategory('7389')?.label).toBe('Établissement public national à caractère administratif');
    expect(legalCategory('1000')?.label).toBe('Entrepreneur individuel');
    expect(legalCategory('0000')).toBeUndefined();
  });

  test('the whole niveau III list: 4-digit codes, sorted, unique', () => {
    expect(legalCategories).toHaveLength(260);
    const codes = legalCategories.map((c) => c.code);
    expect(codes.every((c) => /^\d{4}$/.test(c))).toBe(true);
    expect(codes).toEqual([...new Set(codes)].sort());
  });
});

describe('headcount bands and company categories', () => {
  test('16 bands with bounds', () => {
    expect(headcountBands.map((b) => b.code)).toEqual([
      'NN',
      '00',
      '01',
      '02',
      '03',
      '11',
      '12',
      '21',
      '22',
      '31',
      '32',
      '41',
      '42',
      '51',
      '52',
      '53',
    ]);
    expect(headcountBand('21')).toEqual({ code: '21', label: '50 à 99 salariés', min: 50, max: 99 });
    expect(headcountBand('53')).toMatchObject({ min: 10000, max: null });
    expect(headcountBand('NN')).toMatchObject({ min: null, max: null });
    // Contiguous: each band starts where the previous one ended.
    const bounded = headcountBands.slice(1);
    for (let i = 1; i < bounded.length; i++) expect(bounded[i].min).toBe(bounded[i - 1].max! + 1);
    expect(headcountBand('99')).toBeUndefined();
  });

  test('company categories', () => {
    expect(companyCategories).toEqual(['PME', 'ETI', 'GE']);
  });
});
