-- CreateEnum
CREATE TYPE "PepClientStatus" AS ENUM ('ACTIVE', 'SUSPENDED', 'RETIRED');

-- CreateTable
CREATE TABLE "AgentExternalIdentity" (
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "agentId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentExternalIdentity_pkey" PRIMARY KEY ("issuer","subject")
);

-- CreateTable
CREATE TABLE "PepClient" (
    "id" UUID NOT NULL,
    "clientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "secretHash" TEXT NOT NULL,
    "status" "PepClientStatus" NOT NULL DEFAULT 'ACTIVE',
    "registeredById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "statusChangedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "PepClient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AgentExternalIdentity_agentId_idx" ON "AgentExternalIdentity"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "PepClient_clientId_key" ON "PepClient"("clientId");

-- CreateIndex
CREATE UNIQUE INDEX "PepClient_name_key" ON "PepClient"("name");

-- AddForeignKey
ALTER TABLE "AgentExternalIdentity" ADD CONSTRAINT "AgentExternalIdentity_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PepClient" ADD CONSTRAINT "PepClient_registeredById_fkey" FOREIGN KEY ("registeredById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
