export * from './connect';
export * from './migrate';
export * from './idempotency';
export * from './changes';
