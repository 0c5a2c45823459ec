-- CreateTable
CREATE TABLE "PepTask" (
    "id" UUID NOT NULL,
    "pepClientId" UUID NOT NULL,
    "requestId" UUID,
    "idempotencyKey" TEXT,
    "bodyHash" TEXT NOT NULL,
    "items" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PepTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PepDenialUse" (
    "evaluationId" TEXT NOT NULL,
    "pepTaskId" UUID NOT NULL,

    CONSTRAINT "PepDenialUse_pkey" PRIMARY KEY ("evaluationId")
);

-- CreateIndex
CREATE INDEX "PepTask_requestId_pepClientId_idx" ON "PepTask"("requestId", "pepClientId");

-- CreateIndex
CREATE UNIQUE INDEX "PepTask_pepClientId_idempotencyKey_key" ON "PepTask"("pepClientId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "PepDenialUse_pepTaskId_idx" ON "PepDenialUse"("pepTaskId");

-- AddForeignKey
ALTER TABLE "PepTask" ADD CONSTRAINT "PepTask_pepClientId_fkey" FOREIGN KEY ("pepClientId") REFERENCES "PepClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PepTask" ADD CONSTRAINT "PepTask_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PepDenialUse" ADD CONSTRAINT "PepDenialUse_pepTaskId_fkey" FOREIGN KEY ("pepTaskId") REFERENCES "PepTask"("id") ON DELETE CASCADE ON UPDATE CASCADE;
