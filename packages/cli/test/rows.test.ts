import { parseDate, readMembers } from '../src/rows';
import { siren } from './siren';

test('dates: ISO and French, real days only', () => {
  expect(parseDate('2024-02-29')).toBe('2024-02-29');
  expect(parseDate('01/03/2024')).toBe('2024-03-01');
  expect(parseDate('31/02/2024')).toBeNull();
  expect(parseDate('2023-02-29')).toBeNull();
  expect(parseDate('March 2024')).toBeNull();
});

test('every row is checked and its errors are reported by file line', () => {
  const good = siren('12345678');
  const csv = [
    '\ufeffSIREN;Nom;Code commune;Catégorie;Rôle;Date de début;Date de fin',
    `${good};Atelier;12145;membre;;01/03/2024;`,
    '123456780;Mauvais;34172;MEMBER;;;',
    `${good};Ailleurs;99999;MEMBER;;;`,
    `${good};Dates;34172;MEMBER;;2024-05-01;2024-04-01`,
    `${good};Catégorie;34172;GOLD;;;`,
    `;Sans siren;34172;BOARD;;;`,
    `"${good.slice(0, 3)} ${good.slice(3, 6)} ${good.slice(6)}";Espacé;COM-34172;board;"trésorière, bureau";2020-01-01;`,
  ].join('\n');
  const { rows, errors } = readMembers(csv, 'Club');
  expect(errors).toEqual([
    { line: 2, messages: ['category "membre" is not one of BOARD, LEAD, MEMBER'] },
    { line: 3, messages: [expect.stringMatching(/^siren "123456780" is not valid: /)] },
    { line: 4, messages: ['commune "99999" is not an INSEE commune code of the 2026 map'] },
    { line: 5, messages: ['end_date 2024-04-01 is before start_date 2024-05-01'] },
    { line: 6, messages: ['category "GOLD" is not one of BOARD, LEAD, MEMBER'] },
    { line: 7, messages: ['siren is missing'] },
  ]);
  expect(rows).toEqual([
    {
      line: 8,
      siren: good,
      name: 'Espacé',
      communeCode: '34172',
      nafCode: null,
      website: null,
      category: 'BOARD',
      role: 'trésorière, bureau',
      startDate: '2020-01-01',
      endDate: null,
    },
  ]);
});

test('a default category fills empty cells; a file without a siren column is refused at line 1', () => {
  const { rows } = readMembers(`siren,name,category\n${siren('98765432')},X,\n`, 'Council', { defaultCategory: 'member' });
  expect(rows[0].category).toBe('MEMBER');
  expect(readMembers('name,commune\nX,34172\n', 'Club').errors).toEqual([
    { line: 1, messages: ['no siren column in the header (name, commune)'] },
  ]);
  expect(readMembers('siren,name\n"unclosed,X\n', 'Club').errors[0].messages[0]).toMatch(/^the file is not valid CSV: /);
});
