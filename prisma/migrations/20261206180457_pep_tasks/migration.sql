-- CreateTable
CREATE TABLE "PepTask" (
    "requestId" UUID NOT NULL,
    "pepClientId" UUID NOT NULL,
    "evaluationId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "bodyHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PepTask_pkey" PRIMARY KEY ("requestId")
);

-- CreateIndex
CREATE UNIQUE INDEX "PepTask_evaluationId_key" ON "PepTask"("evaluationId");

-- CreateIndex
CREATE UNIQUE INDEX "PepTask_pepClientId_idempotencyKey_key" ON "PepTask"("pepClientId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "PepTask" ADD CONSTRAINT "PepTask_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PepTask" ADD CONSTRAINT "PepTask_pepClientId_fkey" FOREIGN KEY ("pepClientId") REFERENCES "PepClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;
