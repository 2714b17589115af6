export { customersRoutes } from './customers.routes.ts';
export {
  checkCustomerFields,
  createCustomer,
  getCustomer,
  listCustomers,
  loadReferenceData,
  updateCustomer,
  type CustomerCreateInput,
  type CustomerFields,
  type CustomerPatch,
  type ReferenceData,
} from './customers.service.ts';
export { findCustomerIdBy } from './customers.repository.ts';
export { customerSummary, type CustomerSummaryDto, type CustomerDetailDto } from './customers.dto.ts';
