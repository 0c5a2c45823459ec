-- CreateEnum
CREATE TYPE "RuleSuggestionStatus" AS ENUM ('NEW', 'ACCEPTED', 'REJECTED', 'SUPERSEDED');

-- CreateTable
CREATE TABLE "SlackMessage" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlackMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MiningRun" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "options" JSONB NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    "decisions" INTEGER NOT NULL DEFAULT 0,
    "summary" JSONB,

    CONSTRAINT "MiningRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RuleSuggestion" (
    "id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "conditions" JSONB NOT NULL,
    "evidence" JSONB NOT NULL,
    "conflicts" JSONB NOT NULL,
    "status" "RuleSuggestionStatus" NOT NULL DEFAULT 'NEW',
    "miningRunId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewedBy" UUID,
    "rejectReason" TEXT,
    "acceptedRuleId" TEXT,

    CONSTRAINT "RuleSuggestion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SlackMessage_requestId_purpose_key" ON "SlackMessage"("requestId", "purpose");

-- CreateIndex
CREATE INDEX "RuleSuggestion_fingerprint_idx" ON "RuleSuggestion"("fingerprint");

-- CreateIndex
CREATE INDEX "RuleSuggestion_status_idx" ON "RuleSuggestion"("status");

-- AddForeignKey
ALTER TABLE "RuleSuggestion" ADD CONSTRAINT "RuleSuggestion_miningRunId_fkey" FOREIGN KEY ("miningRunId") REFERENCES "MiningRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
