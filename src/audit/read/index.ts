export { type AuditEventFilter, parseAuditEventFilter } from './audit-event-filter.ts';
export {
  type AuditAgent,
  type AuditEventPage,
  AuditEventReader,
  type AuditEventView,
  type AuditPerson,
} from './audit-event-reader.ts';
export type { AuditEventRecord } from './audit-event-record.ts';
export { exportBatches } from './export-events.ts';
export { type ExportBound, type ExportRange, parseExportRange } from './export-range.ts';
export { type AuditExportRow, toExportRow } from './export-row.ts';
