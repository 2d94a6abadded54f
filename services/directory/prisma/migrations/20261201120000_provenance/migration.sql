-- Every record says where its facts come from (docs/architecture.md, "Provenance"): STATED by its
-- sources, DERIVED by a named rule, or ENTERED by an editor through the API (who, when). And the
-- indicators a source states about a territory (a growth forecast), with theirs.

-- CreateEnum
CREATE TYPE "ProvenanceKind" AS ENUM ('STATED', 'DERIVED', 'ENTERED');

-- CreateEnum
CREATE TYPE "IndicatorKind" AS ENUM ('GROWTH_FORECAST');

-- AlterTable
ALTER TABLE "actor" ADD COLUMN     "entered_at" TIMESTAMP(3),
ADD COLUMN     "entered_by" TEXT,
ADD COLUMN     "provenance" "ProvenanceKind" NOT NULL DEFAULT 'STATED',
ADD COLUMN     "provenance_rule" TEXT;

-- AlterTable
ALTER TABLE "role" ADD COLUMN     "entered_at" TIMESTAMP(3),
ADD COLUMN     "entered_by" TEXT,
ADD COLUMN     "provenance" "ProvenanceKind" NOT NULL DEFAULT 'STATED',
ADD COLUMN     "provenance_rule" TEXT;

-- CreateTable
CREATE TABLE "indicator" (
    "id" TEXT NOT NULL,
    "kind" "IndicatorKind" NOT NULL,
    "label" TEXT NOT NULL,
    "area_name" TEXT NOT NULL,
    "scope" TEXT[],
    "reach" TEXT[],
    "value" DOUBLE PRECISION NOT NULL,
    "unit" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "rank" INTEGER,
    "rank_note" TEXT,
    "author_id" TEXT,
    "sources" TEXT[],
    "provenance" "ProvenanceKind" NOT NULL DEFAULT 'STATED',
    "provenance_rule" TEXT,
    "entered_by" TEXT,
    "entered_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "indicator_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "indicator_scope_idx" ON "indicator" USING GIN ("scope");

-- CreateIndex
CREATE INDEX "indicator_reach_idx" ON "indicator" USING GIN ("reach");

-- AddForeignKey
ALTER TABLE "indicator" ADD CONSTRAINT "indicator_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "actor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Rows written through the API before this migration carry a random id (`act-<uuid>`, `role-<uuid>`);
-- seed rows carry a readable one. The first were entered by an editor (the actor's creator), when created.
UPDATE "actor" SET "provenance" = 'ENTERED', "entered_at" = "updated_at", "entered_by" = "created_by"
WHERE "id" ~ '^act-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
UPDATE "role" SET "provenance" = 'ENTERED', "entered_at" = "created_at"
WHERE "id" ~ '^role-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

-- A derived fact names its rule; an entered one says when (hand-written: Prisma cannot model checks).
ALTER TABLE "actor" ADD CONSTRAINT "actor_provenance_check" CHECK (("provenance" <> 'DERIVED' OR "provenance_rule" IS NOT NULL) AND ("provenance" <> 'ENTERED' OR "entered_at" IS NOT NULL));
ALTER TABLE "role" ADD CONSTRAINT "role_provenance_check" CHECK (("provenance" <> 'DERIVED' OR "provenance_rule" IS NOT NULL) AND ("provenance" <> 'ENTERED' OR "entered_at" IS NOT NULL));
ALTER TABLE "indicator" ADD CONSTRAINT "indicator_provenance_check" CHECK (("provenance" <> 'DERIVED' OR "provenance_rule" IS NOT NULL) AND ("provenance" <> 'ENTERED' OR "entered_at" IS NOT NULL));
