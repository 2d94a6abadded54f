// For the Prisma CLI on a machine that can download Prisma's engines (`prisma migrate deploy`).
// Maillage applies these migrations itself at start; generation needs no URL.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
