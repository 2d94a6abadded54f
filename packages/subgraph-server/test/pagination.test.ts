import { decodeCursor, encodeCursor, toPage, useCursorSecret } from '../src/pagination';
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
});

test('a cursor signed under another secret is refused: replicas must share GATEWAY_SIGNING_SECRET', () => {
  useCursorSecret('another-secret-of-another-deployment-000000');
  const foreign = encodeCursor(5);
  useCursorSecret(DEV_SIGNING_SECRET);
  expect(refusal(foreign)).toBe('BAD_USER_INPUT');
});
