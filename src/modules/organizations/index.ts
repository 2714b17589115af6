export {
  addUser,
  createOrganization,
  listTerms,
  DEFAULT_TERMS,
  type NewOrganization,
  type TermsDefinition,
} from './organizations.service.ts';
export { organizationsRoutes } from './organizations.routes.ts';
