-- CreateEnum
CREATE TYPE "AccessRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "GrantScope" AS ENUM ('TASK', 'TIME');

-- CreateEnum
CREATE TYPE "GrantStatus" AS ENUM ('ACTIVE', 'EXPIRED', 'REVOKED');

-- CreateTable
CREATE TABLE "RuleSetVersion" (
    "version" INTEGER NOT NULL,
    "rules" JSONB NOT NULL,
    "summary" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" UUID,

    CONSTRAINT "RuleSetVersion_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" UUID NOT NULL,
    "humanId" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "chain" TEXT[],
    "intent" TEXT NOT NULL,
    "taskId" TEXT,
    "tokenId" TEXT NOT NULL,
    "tokenExpiresAt" TIMESTAMPTZ(3) NOT NULL,
    "paths" TEXT[],
    "tier" "Tier" NOT NULL,
    "justification" TEXT NOT NULL,
    "requestedDurationSeconds" INTEGER NOT NULL,
    "scope" "GrantScope" NOT NULL,
    "status" "AccessRequestStatus" NOT NULL DEFAULT 'PENDING',
    "pendingKey" TEXT,
    "snapshot" JSONB NOT NULL,
    "ruleSetVersion" INTEGER NOT NULL,
    "ruleId" TEXT,
    "routing" JSONB,
    "eligibleApproverIds" UUID[],
    "requiredApprovals" INTEGER NOT NULL DEFAULT 1,
    "escalated" BOOLEAN NOT NULL DEFAULT false,
    "decidedBy" TEXT,
    "decisionReason" TEXT,
    "approvedDurationSeconds" INTEGER,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "extendsGrantId" UUID,

    CONSTRAINT "AccessRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessApproval" (
    "requestId" UUID NOT NULL,
    "approverId" UUID NOT NULL,
    "durationSeconds" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessApproval_pkey" PRIMARY KEY ("requestId","approverId")
);

-- CreateTable
CREATE TABLE "Grant" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "humanId" UUID NOT NULL,
    "chain" TEXT[],
    "intent" TEXT NOT NULL,
    "taskId" TEXT,
    "paths" TEXT[],
    "tier" "Tier" NOT NULL,
    "scope" "GrantScope" NOT NULL,
    "status" "GrantStatus" NOT NULL DEFAULT 'ACTIVE',
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "extensions" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),
    "endedBy" TEXT,
    "endReason" TEXT,

    CONSTRAINT "Grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT,
    "payload" JSONB NOT NULL,
    "runAt" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 10,
    "lockedUntil" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "failedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AccessRequest_pendingKey_key" ON "AccessRequest"("pendingKey");

-- CreateIndex
CREATE INDEX "AccessRequest_humanId_createdAt_idx" ON "AccessRequest"("humanId", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_agentId_createdAt_idx" ON "AccessRequest"("agentId", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_status_idx" ON "AccessRequest"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_requestId_key" ON "Grant"("requestId");

-- CreateIndex
CREATE INDEX "Grant_status_expiresAt_idx" ON "Grant"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Grant_humanId_idx" ON "Grant"("humanId");

-- CreateIndex
CREATE UNIQUE INDEX "Job_key_key" ON "Job"("key");

-- CreateIndex
CREATE INDEX "Job_runAt_idx" ON "Job"("runAt");

-- AddForeignKey
ALTER TABLE "AccessApproval" ADD CONSTRAINT "AccessApproval_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
