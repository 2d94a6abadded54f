export * from './connect';
export * from './migrate';
export * from './idempotency';
export * from './embedded';
export * from './changes';
export * from './typed-sql';
export * from './change-signal';
