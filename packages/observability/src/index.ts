export * from './observability';
export * from './tracing';
export * from './statements';
