-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('COMPANY', 'STARTUP', 'PUBLIC_BODY', 'LOCAL_AUTHORITY', 'CONSULAR_CHAMBER', 'RESEARCH_CENTRE', 'TRAINING_BODY', 'INCUBATOR', 'INVESTOR', 'ASSOCIATION', 'PERSON');

-- CreateEnum
CREATE TYPE "CompanyCategory" AS ENUM ('PME', 'ETI', 'GE');

-- CreateTable
CREATE TABLE "actor" (
    "id" TEXT NOT NULL,
    "kind" "ActorKind" NOT NULL,
    "name" TEXT NOT NULL,
    "search_name" TEXT NOT NULL,
    "description" TEXT,
    "siren" TEXT,
    "siret" TEXT,
    "rna" TEXT,
    "naf_code" TEXT,
    "legal_category" TEXT,
    "headcount_band" TEXT,
    "category" "CompanyCategory",
    "commune_id" TEXT,
    "reach" TEXT[],
    "website" TEXT,
    "founded_on" DATE,
    "closed_on" DATE,
    "sources" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "actor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role" (
    "id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "organisation_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "start_date" DATE,
    "end_date" DATE,
    "sources" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "role_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "actor_siren_key" ON "actor"("siren");

-- CreateIndex
CREATE UNIQUE INDEX "actor_siret_key" ON "actor"("siret");

-- CreateIndex
CREATE UNIQUE INDEX "actor_rna_key" ON "actor"("rna");

-- CreateIndex
CREATE INDEX "actor_reach_idx" ON "actor" USING GIN ("reach");

-- CreateIndex
CREATE INDEX "actor_search_name_idx" ON "actor"("search_name");

-- CreateIndex
CREATE INDEX "actor_kind_idx" ON "actor"("kind");

-- CreateIndex
CREATE INDEX "role_person_id_idx" ON "role"("person_id");

-- CreateIndex
CREATE INDEX "role_organisation_id_idx" ON "role"("organisation_id");

-- AddForeignKey
ALTER TABLE "role" ADD CONSTRAINT "role_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "actor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role" ADD CONSTRAINT "role_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "actor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
