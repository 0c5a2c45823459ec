-- CreateEnum
CREATE TYPE "ConsentState" AS ENUM ('NOT_ASKED', 'WAITING', 'GIVEN', 'REFUSED');

-- CreateEnum
CREATE TYPE "ConsentAnswer" AS ENUM ('ONCE', 'TASK', 'ALWAYS', 'NOT_ME');

-- CreateEnum
CREATE TYPE "ConsentScope" AS ENUM ('TASK', 'AGENT');

-- AlterTable
ALTER TABLE "AccessRequest" ADD COLUMN     "consent" "ConsentState" NOT NULL DEFAULT 'NOT_ASKED',
ADD COLUMN     "consentAnswer" "ConsentAnswer",
ADD COLUMN     "consentedAt" TIMESTAMPTZ(3),
ADD COLUMN     "standingConsentId" UUID;

-- CreateTable
CREATE TABLE "StandingConsent" (
    "id" UUID NOT NULL,
    "humanId" UUID NOT NULL,
    "scope" "ConsentScope" NOT NULL,
    "agentId" UUID NOT NULL,
    "chain" TEXT[],
    "intent" TEXT NOT NULL,
    "taskId" TEXT,
    "paths" TEXT[],
    "tier" "Tier" NOT NULL,
    "grantScope" "GrantScope" NOT NULL DEFAULT 'TIME',
    "maxSeconds" INTEGER NOT NULL DEFAULT 0,
    "askedBy" TEXT NOT NULL,
    "requestId" UUID NOT NULL,
    "channel" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastUsedAt" TIMESTAMPTZ(3),
    "uses" INTEGER NOT NULL DEFAULT 0,
    "endedAt" TIMESTAMPTZ(3),
    "endReason" TEXT,

    CONSTRAINT "StandingConsent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "subAgentRequests" BOOLEAN NOT NULL DEFAULT false,
    "notMeRevokesDelegation" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT,

    CONSTRAINT "ConsentSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StandingConsent_humanId_endedAt_idx" ON "StandingConsent"("humanId", "endedAt");

-- CreateIndex
CREATE INDEX "StandingConsent_agentId_endedAt_idx" ON "StandingConsent"("agentId", "endedAt");
