import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode, userError } from '@maillage/errors';
import { connection, toPage, type PageArgs } from '@maillage/subgraph-server';
import type { Context } from '../context';
import type { PartnerKey as PartnerKeyRow } from '../generated/prisma/client';
import type { PartnerKeyResolvers } from '../generated/resolvers-types';

// `mk_<id>_<secret>`: the id finds the row, the secret (32 random bytes) is checked against its
// hash. A key has 256 bits of entropy, so a plain sha256 is enough: there is nothing to brute-force.
const KEY = /^mk_(pk-[a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;
const OPERATION_ID = /^[0-9a-f]{64}$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface CreateInput {
  name: string;
  origins: string[];
  rateLimitPerMinute: number;
  operationIds: string[];
}

function validate(input: CreateInput) {
  const name = input.name.trim();
  if (!name || name.length > 200) throw userError(ErrorCode.BAD_USER_INPUT, 'name must be 1 to 200 characters', 'name');
  const origins = [...new Set(input.origins.map((o) => o.trim().toLowerCase().replace(/\/$/, '')))];
  if (!origins.length || origins.length > 20) throw userError(ErrorCode.BAD_USER_INPUT, 'give 1 to 20 origins', 'origins');
  for (const o of origins) {
    if (!ORIGIN.test(o)) throw userError(ErrorCode.BAD_USER_INPUT, `origin ${JSON.stringify(o)} is not scheme://host[:port]`, 'origins');
  }
  if (!Number.isInteger(input.rateLimitPerMinute) || input.rateLimitPerMinute < 1 || input.rateLimitPerMinute > 10_000) {
    throw userError(ErrorCode.BAD_USER_INPUT, 'rateLimitPerMinute must be 1 to 10000', 'rateLimitPerMinute');
  }
  const operationIds = [...new Set(input.operationIds)];
  if (!operationIds.length || operationIds.length > 100)
    throw userError(ErrorCode.BAD_USER_INPUT, 'give 1 to 100 operation ids', 'operationIds');
  for (const id of operationIds) {
    if (!OPERATION_ID.test(id))
      throw userError(ErrorCode.BAD_USER_INPUT, `operation id ${JSON.stringify(id)} is not a sha256 hex digest`, 'operationIds');
  }
  return { name, origins, rateLimitPerMinute: input.rateLimitPerMinute, operationIds };
}

export const PartnerKey: PartnerKeyResolvers = {
  active: (k: PartnerKeyRow) => !k.revokedAt,
};

export const partnerKeyQueries = {
  partnerKeys: async (_: unknown, args: PageArgs, { prisma }: Context) => {
    const page = toPage(args);
    const [items, total] = await Promise.all([
      prisma.partnerKey.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip: page.offset, take: page.limit }),
      prisma.partnerKey.count(),
    ]);
    return connection(items, total, page);
  },
  /** The gateway's check of a presented key: null unless genuine and not revoked. */
  partnerKeyAccess: async (_: unknown, { key }: { key: string }, { prisma }: Context) => {
    const m = KEY.exec(key);
    if (!m) return null;
    const row = await prisma.partnerKey.findUnique({ where: { id: m[1] } });
    if (!row || row.revokedAt) return null;
    const presented = Buffer.from(hashSecret(m[2]), 'hex');
    const stored = Buffer.from(row.secretHash, 'hex');
    return presented.length === stored.length && timingSafeEqual(presented, stored) ? row : null;
  },
};

export const partnerKeyMutations = {
  createPartnerKey: async (_: unknown, { input }: { input: CreateInput }, { prisma, viewer }: Context) => {
    const fields = validate(input);
    const id = `pk-${randomBytes(10).toString('hex').slice(0, 16)}`;
    const secret = randomBytes(32).toString('base64url');
    const partnerKey = await prisma.partnerKey.create({
      data: { id, ...fields, secretHash: hashSecret(secret), createdBy: viewer.subject ?? null },
    });
    return { key: `mk_${id}_${secret}`, partnerKey };
  },
  revokePartnerKey: async (_: unknown, { id }: { id: string }, { prisma }: Context) =>
    prisma.$transaction(async (tx) => {
      const row = await tx.partnerKey.findUnique({ where: { id } });
      if (!row) throw userError(ErrorCode.NOT_FOUND, `No partner key ${id}`, 'id');
      return row.revokedAt ? row : tx.partnerKey.update({ where: { id }, data: { revokedAt: new Date() } });
    }),
};
