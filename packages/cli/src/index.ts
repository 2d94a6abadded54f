export { main, USAGE } from './main';
export { importMembers, type ImportOptions, type ImportSummary } from './import';
export { readMembers, parseDate, networkTypeOf, CATEGORIES, type MemberRow, type RowError } from './rows';
