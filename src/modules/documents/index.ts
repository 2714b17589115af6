export { documentsRoutes, sanitizeFilename } from './documents.routes.ts';
