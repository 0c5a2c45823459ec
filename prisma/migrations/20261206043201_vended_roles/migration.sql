-- CreateEnum
CREATE TYPE "VendedRoleStatus" AS ENUM ('ACTIVE', 'ENDED', 'DISABLED');

-- CreateTable
CREATE TABLE "VendedRole" (
    "id" UUID NOT NULL,
    "roleName" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "humanId" UUID NOT NULL,
    "humanEmail" TEXT NOT NULL,
    "chain" TEXT[],
    "intent" TEXT NOT NULL,
    "taskId" TEXT,
    "tokenId" TEXT NOT NULL,
    "channel" JSONB NOT NULL,
    "access" JSONB NOT NULL,
    "grantIds" TEXT[],
    "policyVersion" INTEGER NOT NULL,
    "status" "VendedRoleStatus" NOT NULL DEFAULT 'ACTIVE',
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "refreshedAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),
    "endReason" TEXT,

    CONSTRAINT "VendedRole_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VendedRole_status_expiresAt_idx" ON "VendedRole"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "VendedRole_tokenId_idx" ON "VendedRole"("tokenId");

-- CreateIndex
CREATE UNIQUE INDEX "VendedRole_source_roleName_key" ON "VendedRole"("source", "roleName");
