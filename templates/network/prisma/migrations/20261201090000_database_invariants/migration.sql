-- Invariants the database keeps, whoever writes (the API, an import, the seed, psql). The API checks
-- the same rules first, to answer with a friendly message; these make them hold under concurrency.
-- Hand-written: Prisma's schema cannot express an exclusion constraint, a check constraint or a
-- trigger, and `prisma migrate diff` leaves them alone (scripts/migrations.js --check replays this
-- file and compares what Prisma models).
-- One identical file in each network subgraph (chambers, clusters, councils, clubs).

-- GiST indexes over equality on text and enum columns, for the exclusion constraint below.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Concurrent identical adds could store one membership several times before this migration:
-- keep the first of each set of rows that agree on everything but their id and creation time.
-- Any other overlap makes this migration fail (and roll back), naming the constraint.
DELETE FROM "membership" AS later
USING "membership" AS first
WHERE first."network_id" = later."network_id"
  AND first."actor_id" = later."actor_id"
  AND first."category" = later."category"
  AND first."start_date" IS NOT DISTINCT FROM later."start_date"
  AND first."end_date" IS NOT DISTINCT FROM later."end_date"
  AND first."role" IS NOT DISTINCT FROM later."role"
  AND first."sources" IS NOT DISTINCT FROM later."sources"
  AND (first."created_at", first."id") < (later."created_at", later."id");

-- A period ends on or after the day it starts (open ends are unknown or ongoing).
ALTER TABLE "network" ADD CONSTRAINT "network_dates_check" CHECK ("end_date" >= "start_date");
ALTER TABLE "membership" ADD CONSTRAINT "membership_dates_check" CHECK ("end_date" >= "start_date");
ALTER TABLE "initiative" ADD CONSTRAINT "initiative_dates_check" CHECK ("end_date" >= "start_date");

-- No two memberships of one actor in one network and category over the same days. A period is
-- [start, end): a membership ending on a day and another starting that day do not overlap; a
-- missing bound is open. The API's own check (packages/networks/src/periods.ts) is the same rule.
ALTER TABLE "membership" ADD CONSTRAINT "membership_no_overlap" EXCLUDE USING gist (
    "network_id" WITH =,
    "actor_id" WITH =,
    "category" WITH =,
    daterange("start_date", "end_date", '[)') WITH &&
);

-- A network is neither its own parent nor its own predecessor.
ALTER TABLE "network" ADD CONSTRAINT "network_parent_check" CHECK ("parent_id" <> "id");
ALTER TABLE "network" ADD CONSTRAINT "network_predecessor_check" CHECK ("predecessor_id" <> "id");

-- Counts a source reports are counts.
ALTER TABLE "network" ADD CONSTRAINT "network_reported_member_count_check" CHECK ("reported_member_count" >= 0);
ALTER TABLE "initiative" ADD CONSTRAINT "initiative_reported_participant_count_check" CHECK ("reported_participant_count" >= 0);

-- Names are not blank.
ALTER TABLE "network" ADD CONSTRAINT "network_name_check" CHECK (btrim("name") <> '');
ALTER TABLE "initiative" ADD CONSTRAINT "initiative_name_check" CHECK (btrim("name") <> '');

-- Known kinds of link: co-organisers are networks (by GraphQL type name), partners and
-- participants are actors of the directory.
ALTER TABLE "initiative_link" ADD CONSTRAINT "initiative_link_target_check" CHECK (
    ("role" = 'CO_ORGANISER' AND "target_type" IN ('Chamber', 'Cluster', 'Council', 'Club'))
    OR ("role" IN ('PARTNER', 'PARTICIPANT') AND "target_type" = 'Actor')
);

-- One organiser leads an initiative (initiative.network_id); it is not also one of its
-- co-organisers. Network ids are unique across kinds (ch-, cl-, co-, cb-), so comparing ids is
-- enough in every network subgraph.
CREATE FUNCTION "initiative_link_not_lead"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW."role" = 'CO_ORGANISER' AND EXISTS (
        SELECT 1 FROM "initiative" WHERE "id" = NEW."initiative_id" AND "network_id" = NEW."target_id"
    ) THEN
        -- Worded as PostgreSQL words a check constraint's refusal, so it is read the same way.
        RAISE EXCEPTION 'new row for relation "initiative_link" violates check constraint "initiative_link_not_lead"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'initiative_link_not_lead', TABLE = 'initiative_link',
                  DETAIL = format('The lead of initiative %s cannot also be its co-organiser.', NEW."initiative_id");
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER "initiative_link_not_lead" BEFORE INSERT OR UPDATE ON "initiative_link"
    FOR EACH ROW EXECUTE FUNCTION "initiative_link_not_lead"();

CREATE FUNCTION "initiative_lead_not_co_organiser"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM "initiative_link"
        WHERE "initiative_id" = NEW."id" AND "role" = 'CO_ORGANISER' AND "target_id" = NEW."network_id"
    ) THEN
        RAISE EXCEPTION 'new row for relation "initiative" violates check constraint "initiative_link_not_lead"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'initiative_link_not_lead', TABLE = 'initiative',
                  DETAIL = format('The lead of initiative %s cannot also be its co-organiser.', NEW."id");
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER "initiative_lead_not_co_organiser" BEFORE UPDATE OF "network_id" ON "initiative"
    FOR EACH ROW EXECUTE FUNCTION "initiative_lead_not_co_organiser"();

-- Idempotency keys have the shape the API accepts (packages/kit/src/idempotency.ts); the primary
-- key already makes each one unique.
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_key_check" CHECK ("key" ~ '^[A-Za-z0-9._:-]{8,128}$');
