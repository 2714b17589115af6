export {
  authenticate,
  csrfMatches,
  login,
  logout,
  sessionUser,
  API_KEY_PREFIX,
  type Principal,
  type SessionUser,
} from './auth.service.ts';
export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH } from './passwords.ts';
export { authRoutes } from './auth.routes.ts';
export { insertUser } from './users.service.ts';
