-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "NetworkSubtype" AS ENUM ({{sqlSubtypes}});

-- CreateEnum
CREATE TYPE "MemberCategory" AS ENUM ({{sqlCategories}});

-- CreateEnum
CREATE TYPE "InitiativeKind" AS ENUM ('MEETING', 'SESSION', 'CONFERENCE', 'PROGRAMME', 'PROJECT', 'EVENT', 'STUDY', 'SERVICE');

-- CreateEnum
CREATE TYPE "InitiativeStatus" AS ENUM ('IDEA', 'PLANNED', 'HELD', 'ONGOING', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "LinkRole" AS ENUM ('CO_ORGANISER', 'PARTNER', 'PARTICIPANT');

-- CreateTable
CREATE TABLE "network" (
    "id" TEXT NOT NULL,
    "subtype" "NetworkSubtype" NOT NULL,
    "name" TEXT NOT NULL,
    "short_name" TEXT,
    "search_name" TEXT NOT NULL,
    "description" TEXT,
    "actor_id" TEXT,
    "parent_id" TEXT,
    "predecessor_id" TEXT,
    "scope" TEXT[],
    "reach" TEXT[],
    "start_date" DATE,
    "end_date" DATE,
    "reported_member_count" INTEGER,
    "reported_member_as_of" DATE,
    "reported_member_note" TEXT,
    "website" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "sources" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "network_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership" (
    "id" TEXT NOT NULL,
    "network_id" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "category" "MemberCategory" NOT NULL,
    "role" TEXT,
    "start_date" DATE,
    "end_date" DATE,
    "sources" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "initiative" (
    "id" TEXT NOT NULL,
    "network_id" TEXT NOT NULL,
    "kind" "InitiativeKind" NOT NULL,
    "status" "InitiativeStatus" NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "start_date" DATE,
    "end_date" DATE,
    "date_note" TEXT,
    "place_id" TEXT,
    "venue" TEXT,
    "reported_participant_count" INTEGER,
    "sources" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "initiative_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "initiative_link" (
    "id" TEXT NOT NULL,
    "initiative_id" TEXT NOT NULL,
    "role" "LinkRole" NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,

    CONSTRAINT "initiative_link_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "network_reach_idx" ON "network" USING GIN ("reach");

-- CreateIndex
CREATE INDEX "network_actor_id_idx" ON "network"("actor_id");

-- CreateIndex
CREATE INDEX "network_parent_id_idx" ON "network"("parent_id");

-- CreateIndex
CREATE INDEX "membership_network_id_idx" ON "membership"("network_id");

-- CreateIndex
CREATE INDEX "membership_actor_id_idx" ON "membership"("actor_id");

-- CreateIndex
CREATE INDEX "initiative_network_id_idx" ON "initiative"("network_id");

-- CreateIndex
CREATE INDEX "initiative_link_target_type_target_id_idx" ON "initiative_link"("target_type", "target_id");

-- CreateIndex
CREATE UNIQUE INDEX "initiative_link_initiative_id_role_target_type_target_id_key" ON "initiative_link"("initiative_id", "role", "target_type", "target_id");

-- AddForeignKey
ALTER TABLE "network" ADD CONSTRAINT "network_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "network"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "network" ADD CONSTRAINT "network_predecessor_id_fkey" FOREIGN KEY ("predecessor_id") REFERENCES "network"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_network_id_fkey" FOREIGN KEY ("network_id") REFERENCES "network"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "initiative" ADD CONSTRAINT "initiative_network_id_fkey" FOREIGN KEY ("network_id") REFERENCES "network"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "initiative_link" ADD CONSTRAINT "initiative_link_initiative_id_fkey" FOREIGN KEY ("initiative_id") REFERENCES "initiative"("id") ON DELETE CASCADE ON UPDATE CASCADE;
