-- Invariants the database keeps, whoever writes (the API, the seed, psql). The API checks the same
-- rules first, to answer with a friendly message; these make them hold under concurrency and for
-- every writer. Hand-written: Prisma's schema cannot express check constraints, and `prisma
-- migrate diff` leaves them alone (scripts/migrations.js --check replays this file and compares
-- what Prisma models). SIREN, SIRET and RNA are unique already (actor_siren_key, ...), and so is
-- each idempotency key (its primary key).

-- Identifiers have their shape (packages/reference/src/identifiers.ts checks the checksums too),
-- and an establishment's SIRET begins with its company's SIREN.
ALTER TABLE "actor" ADD CONSTRAINT "actor_siren_check" CHECK ("siren" ~ '^[0-9]{9}$');
ALTER TABLE "actor" ADD CONSTRAINT "actor_siret_check" CHECK ("siret" ~ '^[0-9]{14}$');
ALTER TABLE "actor" ADD CONSTRAINT "actor_rna_check" CHECK ("rna" ~ '^W[0-9]{9}$');
ALTER TABLE "actor" ADD CONSTRAINT "actor_siret_of_siren_check" CHECK (left("siret", 9) = "siren");

-- A period ends on or after the day it starts (open ends are unknown or ongoing).
ALTER TABLE "actor" ADD CONSTRAINT "actor_dates_check" CHECK ("closed_on" >= "founded_on");
ALTER TABLE "role" ADD CONSTRAINT "role_dates_check" CHECK ("end_date" >= "start_date");

-- Names and titles are not blank; a role links a person to another actor.
ALTER TABLE "actor" ADD CONSTRAINT "actor_name_check" CHECK (btrim("name") <> '');
ALTER TABLE "role" ADD CONSTRAINT "role_title_check" CHECK (btrim("title") <> '');
ALTER TABLE "role" ADD CONSTRAINT "role_parties_check" CHECK ("person_id" <> "organisation_id");

-- A partner key allows some requests a minute.
ALTER TABLE "partner_key" ADD CONSTRAINT "partner_key_rate_limit_check" CHECK ("rate_limit_per_minute" > 0);

-- Idempotency keys have the shape the API accepts (packages/kit/src/idempotency.ts).
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_key_check" CHECK ("key" ~ '^[A-Za-z0-9._:-]{8,128}$');
