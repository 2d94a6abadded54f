import { type Viewer } from '@maillage/viewer';
import type { SynergyEngine } from '@maillage/synergy';
import type { SnapshotStore } from './store';

/** What every resolver of a request sees: the snapshot store (a module singleton) and the viewer. */
export interface Context {
  store: SnapshotStore;
  viewer: Viewer;
}

export const createContext =
  (store: SnapshotStore) =>
  ({ viewer }: { viewer: Viewer }): Context => ({ store, viewer });

/**
 * The engine over the whole snapshot: the measures are for analysts and admins only (schema). A
 * measure asked with `includeDerived: false` runs without the facts derived by a rule.
 */
export const analystEngine = (ctx: Context, args: { includeDerived?: boolean | null } = {}): Promise<SynergyEngine> =>
  ctx.store.engine(true, args.includeDerived ?? true);
