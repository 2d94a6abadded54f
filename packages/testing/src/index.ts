export * from './databases';
export * from './supergraph';
export * from './subgraph';
export * from './inprocess';
export * from './roles';
export * from './entities';
export * from './postgres';
export * from './processes';
