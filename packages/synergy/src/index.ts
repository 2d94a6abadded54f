export * from './snapshot';
export * from './engine';
export { resolveScope, View, type Scope, type ResolvedScope } from './scope';
export { GraphIndex, isLargeBuyer, dayOf, isoOfDay, divisionOf } from './index-build';
