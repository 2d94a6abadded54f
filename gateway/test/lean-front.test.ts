import { withExtensions } from '../src/pass-through';
import { byteCount } from '../src/server';

// The pass-through writes its answer from the subgraph's text (the text `data` was parsed from): it
// must be what JSON.stringify writes of `{ data, extensions }`, whatever that text looks like around `data`.
describe('withExtensions', () => {
  const extensions = { cost: { requested: 3, actual: 2, budget: { limit: 10, remaining: 8 } } };
  const data = { actor: { id: 'act-1', name: 'Émile "É" \u2028 Zola', n: [1, 2.5, null, true], nested: { a: {} } } };
  const expected = JSON.stringify({ data, extensions });

  test.each([
    ['as Apollo Server writes it', `${JSON.stringify({ data })}\n`],
    ['without a newline', JSON.stringify({ data })],
    ['with trailing white space', `${JSON.stringify({ data })} \r\n`],
  ])('reuses the data bytes of a text %s', (_name, raw) => {
    expect(withExtensions(raw, data, extensions)).toBe(expected);
  });

  test.each([
    ['pretty-printed', JSON.stringify({ data }, null, 2)],
    ['with data not first', JSON.stringify({ x: undefined, data }).replace('{"data"', '{ "data"')],
    ['with a space before its last brace', `${JSON.stringify({ data }).slice(0, -1)} }`],
    ['absent', undefined],
  ])('writes the data again from a text %s', (_name, raw) => {
    expect(JSON.parse(raw ?? JSON.stringify({ data }))).toEqual({ data });
    expect(withExtensions(raw, data, extensions)).toBe(expected);
  });
});

// The lean front takes bodies up to the door's limit, which body-parser reads with the `bytes` package.
test.each([
  ['100kb', 102400],
  ['1mb', 1048576],
  ['512', 512],
  ['2KB', 2048],
  [' 1.5kb ', 1536],
  ['10b', 10],
])('byteCount(%j) is %d, as body-parser reads it', (size, n) => {
  expect(byteCount(size)).toBe(n);
});

test.each(['', 'lots', '-1kb', '1 tb'])('byteCount(%j) is no size the lean front takes', (size) => {
  expect(byteCount(size)).toBeUndefined();
});
