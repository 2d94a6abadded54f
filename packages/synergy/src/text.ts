import { normaliseText } from '@maillage/reference';

/** Lower case, no accents, punctuation as spaces, single spaces: how names and search text compare. */
export const searchKey = (s: string) =>
  normaliseText(s)
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
