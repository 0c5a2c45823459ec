-- CreateTable
CREATE TABLE "PolicySetVersion" (
    "version" INTEGER NOT NULL,
    "policies" JSONB NOT NULL,
    "summary" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" UUID,

    CONSTRAINT "PolicySetVersion_pkey" PRIMARY KEY ("version")
);
