/**
 * All configuration, from environment variables, typed and validated in one
 * place. Every variable is documented in the README.
 */
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const port = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, 'a port number')
  .transform(Number)
  .pipe(z.number().int().max(65535));

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TLS: flag.default(false),
  /** PEM files for mutual TLS; optional with TLS on. */
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Unset under `npm start`: an embedded PostgreSQL is served instead. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').default('smtp://localhost:1025'),
  MAIL_FROM: z.string().min(3).default('客服中心 <service@service.example>'),
  /** The domain of notification Message-IDs. */
  MAIL_DOMAIN: z.string().min(1).default('service.example'),
  /** Where customers' links point (the API's public address). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  PORT: port.default(3000),
  METRICS_PORT: port.default(9464),
  BUSINESS_TIME_ZONE: z.string().min(1).default('Asia/Shanghai'),
  CUSTOMER_TOKEN_SECRET: z.string().min(32, 'use at least 32 characters').optional(),
  /** A fixed admin token for local use; `npm start` makes one when unset. */
  ADMIN_TOKEN: z.string().min(24, 'use at least 24 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
});

export interface Config {
  temporal: {
    address: string;
    namespace: string;
    tls: boolean;
    tlsCertPath: string | undefined;
    tlsKeyPath: string | undefined;
    apiKey: string | undefined;
  };
  databaseUrl: string | undefined;
  smtp: { url: string; from: string; messageIdDomain: string };
  publicBaseUrl: string;
  port: number;
  metricsPort: number;
  businessTimeZone: string;
  customerTokenSecret: string;
  adminToken: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function configErrorOf(error: z.ZodError): ConfigError {
  return new ConfigError(`invalid configuration: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/** Development-only secret, refused in production. */
const DEVELOPMENT_TOKEN_SECRET = 'development-only-customer-token-secret-change-me';

/** An empty variable counts as unset (compose files pass `${X:-}` as ""). */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) throw configErrorOf(parsed.error);
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.CUSTOMER_TOKEN_SECRET) {
    throw new ConfigError('invalid configuration: CUSTOMER_TOKEN_SECRET is required in production');
  }
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    throw new ConfigError('invalid configuration: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together');
  }
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      tls: e.TEMPORAL_TLS || e.TEMPORAL_TLS_CERT_PATH !== undefined,
      tlsCertPath: e.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      apiKey: e.TEMPORAL_API_KEY,
    },
    databaseUrl: e.DATABASE_URL,
    smtp: { url: e.SMTP_URL, from: e.MAIL_FROM, messageIdDomain: e.MAIL_DOMAIN },
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    port: e.PORT,
    metricsPort: e.METRICS_PORT,
    businessTimeZone: e.BUSINESS_TIME_ZONE,
    customerTokenSecret: e.CUSTOMER_TOKEN_SECRET ?? DEVELOPMENT_TOKEN_SECRET,
    adminToken: e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
  };
}

const LocalEnvSchema = z.object({
  LOCAL_TEMPORAL_PORT: port.default(7233),
  LOCAL_TEMPORAL_UI_PORT: port.default(8233),
  LOCAL_DB_PORT: port.default(55432),
  MAIL_SINK_SMTP_PORT: port.default(1025),
  MAIL_SINK_WEB_PORT: port.default(8025),
});

/** `npm start` only: which parts it runs itself (those whose address is not given) and on which ports. */
export interface LocalSystemConfig {
  startDevServer: boolean;
  startEmbeddedDatabase: boolean;
  startMailSink: boolean;
  temporalPort: number;
  temporalUiPort: number;
  databasePort: number;
  mailSmtpPort: number;
  mailWebPort: number;
}

export function loadLocalSystemConfig(env: NodeJS.ProcessEnv = process.env): LocalSystemConfig {
  env = withoutEmpty(env);
  const parsed = LocalEnvSchema.safeParse(env);
  if (!parsed.success) throw configErrorOf(parsed.error);
  const e = parsed.data;
  return {
    startDevServer: !env.TEMPORAL_ADDRESS,
    startEmbeddedDatabase: !env.DATABASE_URL,
    startMailSink: !env.SMTP_URL,
    temporalPort: e.LOCAL_TEMPORAL_PORT,
    temporalUiPort: e.LOCAL_TEMPORAL_UI_PORT,
    databasePort: e.LOCAL_DB_PORT,
    mailSmtpPort: e.MAIL_SINK_SMTP_PORT,
    mailWebPort: e.MAIL_SINK_WEB_PORT,
  };
}
