export { recordAudit, listAudit, type AuditEntry, type AuditRecord } from './audit.repository.ts';
export { auditRoutes } from './audit.routes.ts';
