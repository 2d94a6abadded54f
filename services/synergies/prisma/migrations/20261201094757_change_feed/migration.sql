-- CreateTable
CREATE TABLE "feed_position" (
    "subgraph" TEXT NOT NULL,
    "position" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "feed_position_pkey" PRIMARY KEY ("subgraph")
);

-- CreateTable
CREATE TABLE "snapshot_checkpoint" (
    "id" TEXT NOT NULL DEFAULT 'region',
    "snapshot" JSONB NOT NULL,
    "saved_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snapshot_checkpoint_pkey" PRIMARY KEY ("id")
);
