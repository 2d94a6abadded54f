import type { GraphQLError } from 'graphql';
import { ErrorCode, userError } from './errors';

/**
 * Writes refused by a constraint of the database (migrations `*_database_invariants`), turned into
 * the error codes the API's own checks use. Those checks answer first, with a precise message; a
 * constraint answers when two writes race past them, or when a rule is only in the database.
 */

/** SQLSTATEs of integrity violations (PostgreSQL class 23). */
export const SqlState = {
  NOT_NULL: '23502',
  FOREIGN_KEY: '23503',
  UNIQUE: '23505',
  CHECK: '23514',
  EXCLUSION: '23P01',
} as const;

export interface ConstraintViolation {
  sqlState: string;
  /** The constraint's name, when the database gave it. */
  constraint: string | null;
}

interface Refusal {
  code: ErrorCode;
  field?: string;
  message: string;
}

// By constraint name; a name not listed gets its SQLSTATE's refusal (below).
const BY_CONSTRAINT: Record<string, Refusal> = {
  membership_no_overlap: {
    code: ErrorCode.DUPLICATE_MEMBERSHIP,
    field: 'actorId',
    message: 'The actor already has a membership of this network in this category over that period',
  },
  membership_dates_check: { code: ErrorCode.INVALID_DATE_RANGE, field: 'endDate', message: 'endDate is before the start date' },
  initiative_dates_check: { code: ErrorCode.INVALID_DATE_RANGE, field: 'endDate', message: 'endDate is before the start date' },
  network_dates_check: { code: ErrorCode.INVALID_DATE_RANGE, field: 'endDate', message: 'endDate is before the start date' },
  role_dates_check: { code: ErrorCode.INVALID_DATE_RANGE, field: 'endDate', message: 'endDate is before the start date' },
  actor_dates_check: { code: ErrorCode.INVALID_DATE_RANGE, field: 'closedOn', message: 'closedOn is before foundedOn' },
  actor_siren_key: { code: ErrorCode.DUPLICATE_IDENTIFIER, field: 'siren', message: 'This SIREN already belongs to another actor' },
  actor_siret_key: { code: ErrorCode.DUPLICATE_IDENTIFIER, field: 'siret', message: 'This SIRET already belongs to another actor' },
  actor_rna_key: { code: ErrorCode.DUPLICATE_IDENTIFIER, field: 'rna', message: 'This RNA number already belongs to another actor' },
  actor_siren_check: { code: ErrorCode.INVALID_IDENTIFIER, field: 'siren', message: 'A SIREN is 9 digits' },
  actor_siret_check: { code: ErrorCode.INVALID_IDENTIFIER, field: 'siret', message: 'A SIRET is 14 digits' },
  actor_rna_check: { code: ErrorCode.INVALID_IDENTIFIER, field: 'rna', message: 'An RNA number is W followed by 9 digits' },
  actor_siret_of_siren_check: {
    code: ErrorCode.INVALID_IDENTIFIER,
    field: 'siret',
    message: "The SIRET does not begin with the actor's SIREN",
  },
  initiative_link_not_lead: { code: ErrorCode.BAD_USER_INPUT, field: 'coOrganisers', message: 'The lead cannot also be a co-organiser' },
  idempotency_key_key_check: {
    code: ErrorCode.BAD_USER_INPUT,
    field: 'idempotencyKey',
    message: 'idempotencyKey must be 8 to 128 letters, digits or . _ : -',
  },
  idempotency_key_pkey: {
    code: ErrorCode.IDEMPOTENCY_KEY_REUSED,
    field: 'idempotencyKey',
    message: 'idempotencyKey is being used by another request',
  },
  membership_network_id_fkey: { code: ErrorCode.UNKNOWN_NETWORK, message: 'The network does not exist' },
  initiative_network_id_fkey: { code: ErrorCode.UNKNOWN_NETWORK, message: 'The network does not exist' },
  role_person_id_fkey: { code: ErrorCode.UNKNOWN_ACTOR, field: 'personId', message: 'The person does not exist' },
  role_organisation_id_fkey: { code: ErrorCode.UNKNOWN_ACTOR, field: 'organisationId', message: 'The organisation does not exist' },
};

const BY_SQLSTATE: Record<string, Refusal> = {
  [SqlState.EXCLUSION]: { code: ErrorCode.DUPLICATE_MEMBERSHIP, message: 'The write overlaps a period already recorded' },
  [SqlState.UNIQUE]: { code: ErrorCode.DUPLICATE_IDENTIFIER, message: 'The write repeats an identifier already recorded' },
  [SqlState.CHECK]: { code: ErrorCode.BAD_USER_INPUT, message: 'The write breaks a rule of the data' },
  [SqlState.FOREIGN_KEY]: { code: ErrorCode.NOT_FOUND, message: 'The write refers to something that does not exist' },
  [SqlState.NOT_NULL]: { code: ErrorCode.BAD_USER_INPUT, message: 'The write leaves out a required value' },
};

const CONSTRAINT_IN_MESSAGE = /constraint "([^"]+)"/;

/**
 * The integrity violation behind an error, if it is one: a Prisma error (the driver adapter's
 * error in `meta.driverAdapterError.cause`, with the SQLSTATE as `originalCode`) or a driver's
 * own error (`code` and `constraint`, from `pg` or PGlite), directly or as a `cause`.
 */
export function constraintViolation(err: unknown): ConstraintViolation | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const adapter = at(at(at(e, 'meta'), 'driverAdapterError'), 'cause');
    const sqlState = at(adapter, 'originalCode') ?? at(e, 'code');
    if (typeof sqlState === 'string' && sqlState in BY_SQLSTATE) {
      const message = String(at(adapter, 'originalMessage') ?? at(e, 'message') ?? '');
      const constraint = at(at(adapter, 'constraint'), 'index') ?? at(e, 'constraint') ?? CONSTRAINT_IN_MESSAGE.exec(message)?.[1];
      return { sqlState, constraint: typeof constraint === 'string' ? constraint : null };
    }
    e = at(at(e, 'meta'), 'driverAdapterError') ?? at(e, 'cause');
  }
  return null;
}

/** A property of an error-like value whose shape depends on the driver: read, never trusted. */
const at = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** The user error for a constraint violation, or null when `err` is something else. */
export function constraintError(err: unknown): GraphQLError | null {
  const v = constraintViolation(err);
  if (!v) return null;
  const refusal = (v.constraint ? BY_CONSTRAINT[v.constraint] : undefined) ?? BY_SQLSTATE[v.sqlState];
  return userError(refusal.code, refusal.message, refusal.field);
}

/**
 * True for a write that lost a race to a concurrent one: a unique or exclusion constraint refused
 * it once the other committed. Run again, it sees the winner (an idempotency key's first answer, or
 * the API's own check with its precise message).
 */
export function isRaceViolation(err: unknown): boolean {
  const v = constraintViolation(err);
  return v !== null && (v.sqlState === SqlState.UNIQUE || v.sqlState === SqlState.EXCLUSION);
}
