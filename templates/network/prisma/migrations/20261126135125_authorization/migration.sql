-- AlterTable
ALTER TABLE "network" ADD COLUMN     "members_public" BOOLEAN NOT NULL DEFAULT true;
