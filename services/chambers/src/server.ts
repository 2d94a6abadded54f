import path from 'node:path';
import { CHAMBER } from '@maillage/kinds';
import { TRANSACTION_OPTIONS } from '@maillage/db';
import { networkService } from '@maillage/networks';
import { PrismaClient } from './generated/prisma/client';
import { resolvers } from './resolvers';

/** The chambers subgraph: shared network behaviour (@maillage/networks) over its own database. */
export const service = networkService({
  names: CHAMBER,
  defaultPort: 4002,
  packageDir: path.join(__dirname, '..'),
  // The generated client, as it is: it has the models NetworkDb describes, with this subgraph's enums.
  createClient: (adapter, options) => new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS, ...options }),
  resolvers,
});

export const { typeDefs } = service;
export { resolvers };
