/** A membership's period: days from `startDate` up to, not including, `endDate`; a missing bound is open. */
export interface Period {
  startDate?: Date | null;
  endDate?: Date | null;
}

const MIN = -8.64e15;
const MAX = 8.64e15;

/**
 * Whether two periods share a day: the rule of the `membership_no_overlap` constraint
 * (`daterange(start_date, end_date, '[)') &&`), so the API refuses exactly what the database would.
 * A membership ending on a day and another starting that day do not overlap; a period that ends
 * the day it starts holds no day and overlaps nothing.
 */
export function overlaps(a: Period, b: Period): boolean {
  const [aStart, aEnd] = [a.startDate?.getTime() ?? MIN, a.endDate?.getTime() ?? MAX];
  const [bStart, bEnd] = [b.startDate?.getTime() ?? MIN, b.endDate?.getTime() ?? MAX];
  return aStart < aEnd && bStart < bEnd && aStart < bEnd && bStart < aEnd;
}
