export {
  recordAudit,
  auditRows,
  listAudit,
  type AuditEntry,
  type AuditRecord,
} from './audit.repository.ts';
export { auditRoutes } from './audit.routes.ts';
