-- The audit log becomes a Merkle log: events are inserted without a lock (ids from a sequence)
-- and sequenced into the tree after commit. Existing events keep their order: their old `seq`
-- becomes their id, and the sequencer gives them log indexes in that order on first start.

-- DropIndex
DROP INDEX "AuditEvent_hash_key";

-- AlterTable
ALTER TABLE "AuditEvent" DROP COLUMN "hash",
DROP COLUMN "prevHash",
ADD COLUMN     "leafHash" TEXT,
ADD COLUMN     "logIndex" BIGINT;

ALTER TABLE "AuditEvent" RENAME COLUMN "seq" TO "id";
CREATE SEQUENCE "AuditEvent_id_seq" OWNED BY "AuditEvent"."id";
SELECT setval('"AuditEvent_id_seq"', COALESCE((SELECT max("id") FROM "AuditEvent"), 0) + 1, false);
ALTER TABLE "AuditEvent" ALTER COLUMN "id" SET DEFAULT nextval('"AuditEvent_id_seq"');

-- DropTable
DROP TABLE "AuditChainHead";

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" INTEGER NOT NULL,
    "size" BIGINT NOT NULL,
    "frontier" JSONB NOT NULL,
    "root" TEXT NOT NULL,
    "checkpointTime" BIGINT NOT NULL,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- The empty tree: MTH({}) = SHA-256 of nothing.
INSERT INTO "AuditLog" ("id", "size", "frontier", "root", "checkpointTime")
VALUES (1, 0, '[]', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 0);

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "size" BIGINT NOT NULL,
    "root" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "signedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("size")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_logIndex_key" ON "AuditEvent"("logIndex");
