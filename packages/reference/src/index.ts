export * from './codes';
export * from './identifiers';
export * from './territories';
export { normaliseText } from './text';
export * from './provenance';
