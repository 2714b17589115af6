import path from 'node:path';
import { z } from 'zod';

/** Runtime configuration, read once from the environment (see README "Configuration"). */
export type Config = {
  readonly port: number;
  readonly host: string;
  /** A postgres:// URL selects PostgreSQL; undefined selects embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly smtpUrl: string | undefined;
  readonly logLevel: string;
  readonly demoPassword: string;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  readonly cookieSecure: boolean;
  readonly maxUploadBytes: number;
  /** Fastify's trustProxy: false, true, a hop count, or addresses/CIDRs of trusted proxies. */
  readonly trustProxy: boolean | number | string;
};

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  DUNWELL_DATA_DIR: z.string().default('./data'),
  SMTP_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DUNWELL_DEMO_PASSWORD: z.string().min(8).default('dunwell-demo'),
  DUNWELL_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  DUNWELL_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  DUNWELL_COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  DUNWELL_MAX_UPLOAD_MB: z.coerce.number().int().positive().max(512).default(20),
  DUNWELL_TRUST_PROXY: z.string().default('false'),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DUNWELL_DATA_DIR),
    smtpUrl: e.SMTP_URL,
    logLevel: e.LOG_LEVEL,
    demoPassword: e.DUNWELL_DEMO_PASSWORD,
    sessionIdleMinutes: e.DUNWELL_SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.DUNWELL_SESSION_ABSOLUTE_HOURS,
    cookieSecure: e.DUNWELL_COOKIE_SECURE === 'true',
    maxUploadBytes: e.DUNWELL_MAX_UPLOAD_MB * 1024 * 1024,
    trustProxy: parseTrustProxy(e.DUNWELL_TRUST_PROXY),
  };
}

/** 'false' | 'true' | a hop count | comma-separated addresses or CIDRs of trusted proxies. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'false' || value === '') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
