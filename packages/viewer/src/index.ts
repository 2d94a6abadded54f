export * from './auth';
export * from './authz';
