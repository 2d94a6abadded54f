export * from './errors';
export * from './constraints';
