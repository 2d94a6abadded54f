-- CreateTable
CREATE TABLE "sync_run" (
    "id" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "reason" TEXT NOT NULL,
    "actors" INTEGER,
    "networks" INTEGER,
    "memberships" INTEGER,
    "initiatives" INTEGER,
    "requests" INTEGER,
    "error" TEXT,

    CONSTRAINT "sync_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "seed_run" (
    "id" TEXT NOT NULL DEFAULT 'seed',
    "checksum" TEXT NOT NULL,
    "seeded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "seed_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sync_run_started_at_idx" ON "sync_run"("started_at");
