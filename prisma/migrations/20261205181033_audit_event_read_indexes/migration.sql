-- CreateIndex
CREATE INDEX "AuditEvent_actorHumanId_id_idx" ON "AuditEvent"("actorHumanId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_subjectKind_subjectId_id_idx" ON "AuditEvent"("subjectKind", "subjectId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_actorChain_idx" ON "AuditEvent" USING GIN ("actorChain" jsonb_path_ops);
