-- CreateIndex
CREATE INDEX "AccessRequest_paths_idx" ON "AccessRequest" USING GIN ("paths");
