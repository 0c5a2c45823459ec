-- CreateEnum
CREATE TYPE "Sensitivity" AS ENUM ('PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED');

-- CreateEnum
CREATE TYPE "DatasetKind" AS ENUM ('TABLE', 'VIEW', 'MODEL', 'SOURCE', 'SEED', 'SNAPSHOT');

-- CreateEnum
CREATE TYPE "JoinPathKind" AS ENUM ('FOREIGN_KEY', 'SEMANTIC_ENTITY');

-- CreateTable
CREATE TABLE "Domain" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Domain_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Source" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogSchema" (
    "id" UUID NOT NULL,
    "sourceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CatalogSchema_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "id" UUID NOT NULL,
    "schemaId" UUID NOT NULL,
    "origin" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "kind" "DatasetKind" NOT NULL,
    "description" TEXT,
    "tags" TEXT[],
    "domainId" UUID,
    "sensitivity" "Sensitivity" NOT NULL,
    "ownerEmail" TEXT,
    "stewardEmails" TEXT[],
    "meta" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Column" (
    "id" UUID NOT NULL,
    "datasetId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "dataType" TEXT,
    "description" TEXT,
    "tags" TEXT[],
    "sensitivity" "Sensitivity",
    "isPrimaryKey" BOOLEAN NOT NULL DEFAULT false,
    "meta" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Column_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dimension" (
    "id" UUID NOT NULL,
    "datasetId" UUID NOT NULL,
    "origin" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "semanticModel" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "expr" TEXT,
    "description" TEXT,
    "contentHash" TEXT NOT NULL,

    CONSTRAINT "Dimension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JoinPath" (
    "id" UUID NOT NULL,
    "origin" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "JoinPathKind" NOT NULL,
    "name" TEXT,
    "fromDatasetId" UUID NOT NULL,
    "toDatasetId" UUID NOT NULL,
    "fromColumns" TEXT[],
    "toColumns" TEXT[],
    "contentHash" TEXT NOT NULL,

    CONSTRAINT "JoinPath_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Metric" (
    "id" UUID NOT NULL,
    "origin" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "description" TEXT,
    "type" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "tags" TEXT[],
    "domainId" UUID,
    "sensitivity" "Sensitivity" NOT NULL,
    "ownerEmail" TEXT,
    "meta" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Metric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricDatasetDependency" (
    "metricId" UUID NOT NULL,
    "datasetId" UUID NOT NULL,

    CONSTRAINT "MetricDatasetDependency_pkey" PRIMARY KEY ("metricId","datasetId")
);

-- CreateTable
CREATE TABLE "MetricColumnDependency" (
    "metricId" UUID NOT NULL,
    "columnId" UUID NOT NULL,

    CONSTRAINT "MetricColumnDependency_pkey" PRIMARY KEY ("metricId","columnId")
);

-- CreateTable
CREATE TABLE "MetricInputDependency" (
    "metricId" UUID NOT NULL,
    "inputMetricId" UUID NOT NULL,

    CONSTRAINT "MetricInputDependency_pkey" PRIMARY KEY ("metricId","inputMetricId")
);

-- CreateTable
CREATE TABLE "GlossaryTerm" (
    "id" UUID NOT NULL,
    "origin" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "tags" TEXT[],
    "domainId" UUID,
    "sensitivity" "Sensitivity" NOT NULL,
    "ownerEmail" TEXT,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GlossaryTerm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "department" TEXT,
    "region" TEXT,
    "groups" TEXT[],
    "managerId" UUID,
    "slackUserId" TEXT,
    "attributes" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" BIGINT NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "type" TEXT NOT NULL,
    "actorHumanId" TEXT,
    "actorChain" JSONB NOT NULL,
    "intent" TEXT,
    "subjectKind" TEXT,
    "subjectId" TEXT,
    "payload" JSONB NOT NULL,
    "policyVersion" INTEGER,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Domain_name_key" ON "Domain"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Source_name_key" ON "Source"("name");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogSchema_path_key" ON "CatalogSchema"("path");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogSchema_sourceId_name_key" ON "CatalogSchema"("sourceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_path_key" ON "Dataset"("path");

-- CreateIndex
CREATE INDEX "Dataset_origin_idx" ON "Dataset"("origin");

-- CreateIndex
CREATE INDEX "Dataset_domainId_idx" ON "Dataset"("domainId");

-- CreateIndex
CREATE UNIQUE INDEX "Column_path_key" ON "Column"("path");

-- CreateIndex
CREATE INDEX "Column_datasetId_idx" ON "Column"("datasetId");

-- CreateIndex
CREATE INDEX "Dimension_datasetId_idx" ON "Dimension"("datasetId");

-- CreateIndex
CREATE UNIQUE INDEX "Dimension_origin_key_key" ON "Dimension"("origin", "key");

-- CreateIndex
CREATE INDEX "JoinPath_fromDatasetId_idx" ON "JoinPath"("fromDatasetId");

-- CreateIndex
CREATE INDEX "JoinPath_toDatasetId_idx" ON "JoinPath"("toDatasetId");

-- CreateIndex
CREATE UNIQUE INDEX "JoinPath_origin_key_key" ON "JoinPath"("origin", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Metric_name_key" ON "Metric"("name");

-- CreateIndex
CREATE INDEX "Metric_origin_idx" ON "Metric"("origin");

-- CreateIndex
CREATE INDEX "MetricDatasetDependency_datasetId_idx" ON "MetricDatasetDependency"("datasetId");

-- CreateIndex
CREATE INDEX "MetricColumnDependency_columnId_idx" ON "MetricColumnDependency"("columnId");

-- CreateIndex
CREATE INDEX "MetricInputDependency_inputMetricId_idx" ON "MetricInputDependency"("inputMetricId");

-- CreateIndex
CREATE UNIQUE INDEX "GlossaryTerm_name_key" ON "GlossaryTerm"("name");

-- CreateIndex
CREATE INDEX "GlossaryTerm_origin_idx" ON "GlossaryTerm"("origin");

-- CreateIndex
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Person_slackUserId_key" ON "Person"("slackUserId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_type_idx" ON "AuditEvent"("type");

-- CreateIndex
CREATE INDEX "AuditEvent_occurredAt_idx" ON "AuditEvent"("occurredAt");

-- AddForeignKey
ALTER TABLE "CatalogSchema" ADD CONSTRAINT "CatalogSchema_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_schemaId_fkey" FOREIGN KEY ("schemaId") REFERENCES "CatalogSchema"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Column" ADD CONSTRAINT "Column_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dimension" ADD CONSTRAINT "Dimension_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JoinPath" ADD CONSTRAINT "JoinPath_fromDatasetId_fkey" FOREIGN KEY ("fromDatasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JoinPath" ADD CONSTRAINT "JoinPath_toDatasetId_fkey" FOREIGN KEY ("toDatasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Metric" ADD CONSTRAINT "Metric_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricDatasetDependency" ADD CONSTRAINT "MetricDatasetDependency_metricId_fkey" FOREIGN KEY ("metricId") REFERENCES "Metric"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricDatasetDependency" ADD CONSTRAINT "MetricDatasetDependency_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricColumnDependency" ADD CONSTRAINT "MetricColumnDependency_metricId_fkey" FOREIGN KEY ("metricId") REFERENCES "Metric"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricColumnDependency" ADD CONSTRAINT "MetricColumnDependency_columnId_fkey" FOREIGN KEY ("columnId") REFERENCES "Column"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricInputDependency" ADD CONSTRAINT "MetricInputDependency_metricId_fkey" FOREIGN KEY ("metricId") REFERENCES "Metric"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricInputDependency" ADD CONSTRAINT "MetricInputDependency_inputMetricId_fkey" FOREIGN KEY ("inputMetricId") REFERENCES "Metric"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GlossaryTerm" ADD CONSTRAINT "GlossaryTerm_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The audit chain starts at the genesis hash; every append locks and advances this row.
INSERT INTO "AuditChainHead" ("id", "seq", "hash") VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
