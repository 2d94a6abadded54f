-- AlterTable
ALTER TABLE "actor" ADD COLUMN     "created_by" TEXT,
ADD COLUMN     "email" TEXT,
ADD COLUMN     "phone" TEXT;

-- CreateTable
CREATE TABLE "partner_key" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "origins" TEXT[],
    "rate_limit_per_minute" INTEGER NOT NULL,
    "operation_ids" TEXT[],
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "partner_key_pkey" PRIMARY KEY ("id")
);
