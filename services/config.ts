import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseDutySchedule } from './handoff/schedule';

/**
 * Every setting of CONTRACT.md, parsed once at start-up. Nothing else reads process.env.
 * A bad value stops start-up with one line naming the variable (see ConfigError).
 */
const optionalText = z.string().trim().min(1).optional();
const url = (what: string) =>
  z.string().trim().url(`must be a URL (${what})`);
const redisUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must look like redis://host:port');
const base64Key32 = z
  .string()
  .trim()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64');

export const configSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0).max(65535).default(3978),
  REDIS_URL: redisUrl.optional(),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppTenantId: optionalText,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  AZURE_LANGUAGE_ENDPOINT: url('the Azure AI Language endpoint').optional(),
  AZURE_LANGUAGE_KEY: optionalText,
  WHATSAPP_VERIFY_TOKEN: optionalText,
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_ACCESS_TOKEN: optionalText,
  WHATSAPP_PHONE_NUMBER_ID: optionalText,
  WHATSAPP_GRAPH_URL: url('the Graph API base').default('https://graph.facebook.com/v21.0'),
  WHATSAPP_TEMPLATE_NAME: optionalText,
  WHATSAPP_TEMPLATE_LANGUAGES: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?(,[a-z]{2,3}(_[A-Z]{2})?)*$/, 'must be language codes like hi,en_US').default('hi,en'),
  WHATSAPP_WORKER: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  TWILIO_AUTH_TOKEN: optionalText,
  PUBLIC_BASE_URL: url('the public base URL').optional(),
  IVR_TRANSFER_NUMBER: z.string().trim().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +913612345678').optional(),
  WEBCHAT_ALLOWED_ORIGINS: optionalText,
  QUICK_EXIT_URL: url('the quick exit page').default('https://www.google.com/search?q=weather'),
  CONSOLE_SESSION_SECRET: z.string().trim().min(32, 'must be at least 32 characters').optional(),
  CONSOLE_LONG_WAIT_SECONDS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(10).max(86400).default(300),
  RETENTION_DAYS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1).max(3650).default(90),
  CASE_ENCRYPTION_KEY: base64Key32.optional(),
  REDIS_SENTINELS: z
    .string()
    .trim()
    .regex(/^[\w.-]+:\d{1,5}(,[\w.-]+:\d{1,5})*$/, 'must be host:port[,host:port...]')
    .optional(),
  REDIS_SENTINEL_MASTER: z.string().trim().min(1).default('mymaster'),
  REDIS_KEY_PREFIX: z.string().trim().regex(/^[\w:.-]{1,40}$/, 'must be 1-40 letters, digits or :._-').default('sishu:'),
  HANDOFF_HOURS: z
    .string()
    .trim()
    .refine((v) => { try { parseDutySchedule(v); return true; } catch { return false; } }, 'must be 24x7, HH:MM-HH:MM or Mon-Sat HH:MM-HH:MM (India time)')
    .default('24x7'),
  HANDOFF_LEASE_SECONDS: z.coerce.number({ message: 'must be a number' }).int().min(5).max(3600).default(45),
  HANDOFF_LANGUAGE_FALLBACK_SECONDS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(86400).default(300),
  HANDOFF_ALERT_WEBHOOK_URL: url('the supervisors alert webhook').optional(),
  HANDOFF_MODE: z.enum(['queue', 'botframework'], { message: 'must be queue or botframework' }).default('queue'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(120000).default(10000),
});

type Parsed = z.infer<typeof configSchema>;

export interface Config extends Omit<Parsed, 'CONSOLE_SESSION_SECRET' | 'CASE_ENCRYPTION_KEY'> {
  /** Given, or made for this process in demo mode. */
  CONSOLE_SESSION_SECRET: string;
  CASE_ENCRYPTION_KEY: string;
  /** true when no REDIS_URL is set: everything lives in this process. */
  demoMode: boolean;
  publicBaseUrl: string;
  webchatAllowedOrigins: string[];
  /** Sentinels to ask for the current Redis primary, when REDIS_SENTINELS is set. */
  redisSentinels?: { host: string; port: number }[];
}

export const SETTING_NAMES = Object.keys(configSchema.shape) as (keyof Parsed)[];

export class ConfigError extends Error {}

const REQUIRED_WITH_REDIS = ['CONSOLE_SESSION_SECRET', 'CASE_ENCRYPTION_KEY'] as const;

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const known: Record<string, string | undefined> = {};
  for (const name of SETTING_NAMES) {
    const value = env[name];
    known[name] = value === '' ? undefined : value;
  }
  const result = configSchema.safeParse(known);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'config');
    throw new ConfigError(`${name}: ${issue.message} (got ${JSON.stringify(known[name] ?? null)})`);
  }
  const parsed = result.data;
  const demoMode = parsed.REDIS_URL === undefined;
  if (!demoMode) {
    for (const name of REQUIRED_WITH_REDIS) {
      if (parsed[name] === undefined) throw new ConfigError(`${name}: required when REDIS_URL is set`);
    }
  }
  const publicBaseUrl = (parsed.PUBLIC_BASE_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '');
  const webchatAllowedOrigins = parsed.WEBCHAT_ALLOWED_ORIGINS
    ? parsed.WEBCHAT_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)
    : [new URL(publicBaseUrl).origin];
  return {
    ...parsed,
    CONSOLE_SESSION_SECRET: parsed.CONSOLE_SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    CASE_ENCRYPTION_KEY: parsed.CASE_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    demoMode,
    redisSentinels: parsed.REDIS_SENTINELS?.split(',').map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return { host, port: Number(port) };
    }),
    publicBaseUrl,
    webchatAllowedOrigins,
  };
}
