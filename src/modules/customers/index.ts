export { customersRoutes } from './customers.routes.ts';
export {
  checkCustomerFields,
  createCustomer,
  getCustomer,
  listCustomers,
  loadReferenceData,
  updateCustomer,
  type AddressInput,
  type ContactInput,
  type CustomerCreateInput,
  type CustomerFields,
  type CustomerPatch,
  type ReferenceData,
} from './customers.service.ts';
export {
  addAddress,
  addCertificate,
  addContact,
  updateAddress,
  updateContact,
} from './customer-records.service.ts';
export { customerCreate as customerCreateSchema } from './customers.schemas.ts';
export { findCustomerIdBy } from './customers.repository.ts';
export {
  customerSummary,
  type CustomerSummaryDto,
  type CustomerDetailDto,
} from './customers.dto.ts';
