import {
  connection,
  decodeCursor,
  decodeKeyCursor,
  encodeCursor,
  encodeKeyCursor,
  toKeyPage,
  toPage,
  useCursorSecret,
} from '../src/pagination';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';

afterEach(() => useCursorSecret(DEV_SIGNING_SECRET));

const refusal = (cursor: string) => {
  try {
    decodeCursor(cursor);
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'accepted';
};

test('a cursor the API issued decodes to its offset, and the next page starts after it', () => {
  expect(decodeCursor(encodeCursor(0))).toBe(0);
  expect(decodeCursor(encodeCursor(41))).toBe(41);
  expect(toPage({ first: 10, after: encodeCursor(41) })).toEqual({ offset: 42, limit: 10 });
});

test('a key cursor names its list, its offset and its sort key; the next page seeks after that key', () => {
  const cursor = encodeKeyCursor('actors', 41, ['mecanic vallee', 'act-42']);
  expect(decodeKeyCursor(cursor, 'actors')).toEqual({ offset: 41, key: ['mecanic vallee', 'act-42'] });
  expect(toKeyPage({ first: 10, after: cursor }, 'actors')).toEqual({ offset: 42, limit: 10, after: ['mecanic vallee', 'act-42'] });
  expect(toKeyPage({ first: 10 }, 'actors')).toEqual({ offset: 0, limit: 10, after: null });
  // A name with a colon, quotes, accents and a null (an undated member) goes through unharmed.
  const odd = encodeKeyCursor('members', 7, ['a:b "c" é', null, 3]);
  expect(decodeKeyCursor(odd, 'members').key).toEqual(['a:b "c" é', null, 3]);
});

test('an offset cursor issued before a list was keyed still pages it (by offset); a key cursor is refused elsewhere', () => {
  expect(toKeyPage({ first: 5, after: encodeCursor(9) }, 'actors')).toEqual({ offset: 10, limit: 5, after: null });
  const members = encodeKeyCursor('members', 3, ['2020-01-01', 'cb-m-1']);
  // Another keyed list (its key means something else), or a list paged by offset.
  expect(() => toKeyPage({ after: members }, 'actors')).toThrow(
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
  );
  expect(refusal(members)).toBe('BAD_USER_INPUT');
});

test('a keyed connection gives key cursors and takes hasNextPage from the row read past the page, not from the total', () => {
  const items = [
    { name: 'b', id: '2' },
    { name: 'c', id: '3' },
  ];
  const page = toKeyPage({ first: 2, after: encodeKeyCursor('actors', 0, ['a', '1']) }, 'actors');
  // A total that drifted (rows deleted before the cursor) would end the list early; `hasNextPage` does not.
  const c = connection(items, 2, page, { list: 'actors', keyOf: (i) => [i.name, i.id], hasNextPage: true });
  expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  expect(decodeKeyCursor(c.pageInfo.endCursor!, 'actors')).toEqual({ offset: 2, key: ['c', '3'] });
  expect(c.edges.map((e) => decodeKeyCursor(e.cursor, 'actors').key)).toEqual([
    ['b', '2'],
    ['c', '3'],
  ]);
});

test('a forged, altered or garbled cursor is refused as bad input', () => {
  const issued = encodeCursor(19);
  const [, mac] = issued.split('.');
  // The old unsigned format, a far offset under a copied signature, a flipped signature bit, garbage.
  expect(refusal(Buffer.from('o:999999999').toString('base64url'))).toBe('BAD_USER_INPUT');
  expect(refusal(`${Buffer.from('o:999999999').toString('base64url')}.${mac}`)).toBe('BAD_USER_INPUT');
  const flipped = Buffer.from(mac, 'base64url');
  flipped[0] ^= 1;
  expect(refusal(`${issued.split('.')[0]}.${flipped.toString('base64url')}`)).toBe('BAD_USER_INPUT');
  for (const garbage of ['', '.', 'x'.repeat(5000), '🙂.🙂', `${issued}.x`, issued.replace('.', '')])
    expect(refusal(garbage)).toBe('BAD_USER_INPUT');
  expect(refusal(issued)).toBe('accepted');
  // A key cursor whose key was swapped for another under the same signature.
  const keyed = encodeKeyCursor('actors', 3, ['a', 'act-1']);
  const forged = `${Buffer.from('k:actors:3:["zzz","act-9"]').toString('base64url')}.${keyed.split('.')[1]}`;
  expect(() => decodeKeyCursor(forged, 'actors')).toThrow(
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
  );
  expect(decodeKeyCursor(keyed, 'actors').key).toEqual(['a', 'act-1']);
});

test('a cursor signed under another secret is refused: replicas must share GATEWAY_SIGNING_SECRET', () => {
  useCursorSecret('another-secret-of-another-deployment-000000');
  const foreign = encodeCursor(5);
  const foreignKey = encodeKeyCursor('actors', 5, ['a', 'act-1']);
  useCursorSecret(DEV_SIGNING_SECRET);
  expect(refusal(foreign)).toBe('BAD_USER_INPUT');
  expect(() => toKeyPage({ after: foreignKey }, 'actors')).toThrow(
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
  );
});
