-- Every record says where its facts come from (docs/architecture.md, "Provenance"): STATED by its
-- sources, DERIVED by a named rule, or ENTERED by an editor through the API (who, when). A network
-- also keeps its names over time. One identical file in each network subgraph.

-- CreateEnum
CREATE TYPE "ProvenanceKind" AS ENUM ('STATED', 'DERIVED', 'ENTERED');

-- AlterTable
ALTER TABLE "network" ADD COLUMN     "entered_at" TIMESTAMP(3),
ADD COLUMN     "entered_by" TEXT,
ADD COLUMN     "names" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "provenance" "ProvenanceKind" NOT NULL DEFAULT 'STATED',
ADD COLUMN     "provenance_rule" TEXT;

-- AlterTable
ALTER TABLE "membership" ADD COLUMN     "entered_at" TIMESTAMP(3),
ADD COLUMN     "entered_by" TEXT,
ADD COLUMN     "provenance" "ProvenanceKind" NOT NULL DEFAULT 'STATED',
ADD COLUMN     "provenance_rule" TEXT;

-- AlterTable
ALTER TABLE "initiative" ADD COLUMN     "entered_at" TIMESTAMP(3),
ADD COLUMN     "entered_by" TEXT,
ADD COLUMN     "provenance" "ProvenanceKind" NOT NULL DEFAULT 'STATED',
ADD COLUMN     "provenance_rule" TEXT;

-- Rows written through the API before this migration carry a random id (`…-m-<uuid>`, `…-i-<uuid>`);
-- seed rows carry a readable one. The first were entered by an editor, when they were created.
UPDATE "membership" SET "provenance" = 'ENTERED', "entered_at" = "created_at"
WHERE "id" ~ '-m-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
UPDATE "initiative" SET "provenance" = 'ENTERED', "entered_at" = "created_at"
WHERE "id" ~ '-i-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

-- A derived fact names its rule; an entered one says when (hand-written: Prisma cannot model checks).
ALTER TABLE "network" ADD CONSTRAINT "network_provenance_check" CHECK (("provenance" <> 'DERIVED' OR "provenance_rule" IS NOT NULL) AND ("provenance" <> 'ENTERED' OR "entered_at" IS NOT NULL));
ALTER TABLE "membership" ADD CONSTRAINT "membership_provenance_check" CHECK (("provenance" <> 'DERIVED' OR "provenance_rule" IS NOT NULL) AND ("provenance" <> 'ENTERED' OR "entered_at" IS NOT NULL));
ALTER TABLE "initiative" ADD CONSTRAINT "initiative_provenance_check" CHECK (("provenance" <> 'DERIVED' OR "provenance_rule" IS NOT NULL) AND ("provenance" <> 'ENTERED' OR "entered_at" IS NOT NULL));
