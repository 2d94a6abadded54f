export * from './names';
export * from './rows';
export * from './loaders';
export * from './resolvers';
export * from './seed';
export * from './service';
export { importMutations, MAX_IMPORT_ROWS } from './imports';
