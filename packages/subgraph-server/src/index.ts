export * from './server';
export * from './pagination';
export * from './scalars';
export * from './loaders';
export * from './schema';
export * from './change-log';
