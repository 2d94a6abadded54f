-- CreateEnum
CREATE TYPE "AgreementStatus" AS ENUM ('PROPOSED', 'CONFIRMED', 'DECLINED');

-- AlterTable
ALTER TABLE "initiative_link" ADD COLUMN     "decided_at" TIMESTAMP(3),
ADD COLUMN     "decided_by" TEXT,
ADD COLUMN     "proposed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "proposed_by" TEXT,
ADD COLUMN     "status" "AgreementStatus" NOT NULL DEFAULT 'PROPOSED';

-- Links recorded before agreement existed: those of an initiative a source states (the seeded press
-- articles) are confirmed by that source, as the seed loader confirms them; the others stay proposals
-- until the named network (or the actor's side) decides.
UPDATE "initiative_link" AS l
SET "status" = 'CONFIRMED', "decided_by" = 'source', "decided_at" = CURRENT_TIMESTAMP, "proposed_by" = 'source'
FROM "initiative" AS i
WHERE i."id" = l."initiative_id" AND cardinality(i."sources") > 0;

-- Followers of the change log (the region's index) hold links without a status: they read
-- everything again, as after a seed.
INSERT INTO "change_log" ("entity_type", "entity_id", "op") VALUES ('*', '*', 'RESEED');
