-- AlterTable
ALTER TABLE "AccessApproval" ADD COLUMN     "step" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "AccessRequest" ADD COLUMN     "approvalPlan" JSONB;
