export { seedDemo, DEMO_USERS, DEMO_DOMAIN, DEMO_SLUG, DEMO_TIME_ZONE } from './demo.service.ts';
export { generateCustomer, type GeneratedCustomer } from './companies.ts';
export { Random } from './random.ts';
