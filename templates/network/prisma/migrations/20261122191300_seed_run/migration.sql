-- CreateTable
CREATE TABLE "seed_run" (
    "id" TEXT NOT NULL DEFAULT 'seed',
    "checksum" TEXT NOT NULL,
    "seeded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "seed_run_pkey" PRIMARY KEY ("id")
);
