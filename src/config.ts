import { z } from 'zod';
import { GoliveError } from './errors.js';
import { redactText } from './redact.js';

/**
 * The one place that reads the environment. Every variable of DESIGN.md
 * ("Contracts") is here with its default; nothing else touches process.env.
 */

const DEMO_SERVER = 'postgres://postgres@127.0.0.1:5432';

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const baseSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must start with xoxb-'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), 'must start with xapp-'),
  SLACK_API_URL: url(['https:', 'http:'])
    .default('https://slack.com/api/')
    // WebClient appends the method name: the base must end with a slash.
    .transform((value) => (value.endsWith('/') ? value : `${value}/`)),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default(`${DEMO_SERVER}/golive`),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  GOLIVE_PLAN: z
    .string()
    .default('plans/demo.yaml')
    .transform((value) => value.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((list) => list.length > 0, 'must name at least one plan file'),
  GOLIVE_ROLES: z.string().min(1).default('roles.example.yaml'),
  GOLIVE_CHANNEL: optionalText,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Empty (as .env.example leaves it) means unset.
  GOLIVE_WEB_URL: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), url(['http:', 'https:']).optional()),
  GOLIVE_PROMETHEUS_URL: url(['http:', 'https:']).optional(),
  GOLIVE_PROMETHEUS_TOKEN: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GOLIVE_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('golive'),
  GOLIVE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // The worker's own /metrics (jobs, process figures); 0 turns it off.
  GOLIVE_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
});

export type LocalOrSlack =
  | { mode: 'local' }
  | { mode: 'http'; botToken: string; signingSecret: string }
  | { mode: 'socket'; botToken: string; appToken: string; signingSecret?: string };

export interface Config {
  slack: LocalOrSlack & { apiUrl: string };
  databaseUrl: string;
  redisUrl: string;
  planFiles: string[];
  rolesFile: string;
  channel?: string;
  port: number;
  /**
   * Where workers reach the web process: plan endpoints written as paths
   * (/healthz, /metrics) are golive's own server. Default http://127.0.0.1:PORT
   * (web and worker on one host).
   */
  webUrl: string;
  prometheus?: { url: string; token?: string };
  logLevel: z.infer<typeof baseSchema>['LOG_LEVEL'];
  queuePrefix: string;
  workerConcurrency: number;
  /**
   * Port of the worker process's Prometheus endpoint (GET /metrics); 0: none.
   * Optional so hand-built configs in tests need not provide it (none then).
   */
  workerMetricsPort?: number;
  /** GOLIVE_ENV_<NAME>_URL, keyed by lower-case name (shadow, staging, production …). */
  environments: Record<string, string>;
  /**
   * A variable a plan names (an endpoint's token_var): plans say which
   * variable holds a credential, never the credential. Optional so hand-built
   * configs in tests need not provide it.
   */
  readVariable?(name: string): string | undefined;
}

export const DEMO_ENVIRONMENT_DEFAULTS: Record<string, string> = {
  shadow: `${DEMO_SERVER}/golive_demo_shadow`,
  staging: `${DEMO_SERVER}/golive_demo_staging`,
  production: `${DEMO_SERVER}/golive_demo_production`,
};

const ENV_URL = /^GOLIVE_ENV_([A-Z0-9_]+)_URL$/;

export class ConfigError extends GoliveError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      'CONFIG_INVALID',
      `golive cannot start: the configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nFix them in the environment or .env (see .env.example).',
    );
    this.problems = problems;
  }
}

/** Parse the environment once. Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  // An empty value (`GOLIVE_PROMETHEUS_URL=` in a .env file) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = baseSchema.safeParse(given);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.');
      const value = env[name];
      const shown = value === undefined ? '' : ` (got ${JSON.stringify(showValue(name, value))})`;
      problems.push(`${name}: ${issue.message}${shown}`);
    }
  }

  const environments: Record<string, string> = { ...DEMO_ENVIRONMENT_DEFAULTS };
  for (const [name, value] of Object.entries(env)) {
    const match = ENV_URL.exec(name);
    if (!match || value === undefined || value.trim() === '') continue;
    const check = url(['postgres:', 'postgresql:']).safeParse(value.trim());
    if (!check.success) problems.push(`${name}: ${check.error.issues[0]?.message ?? 'invalid URL'}`);
    else environments[match[1]!.toLowerCase()] = value.trim();
  }

  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const v = parsed.data;

  let slack: LocalOrSlack;
  if (!v.SLACK_BOT_TOKEN) {
    slack = { mode: 'local' };
  } else if (v.SLACK_APP_TOKEN) {
    slack = { mode: 'socket', botToken: v.SLACK_BOT_TOKEN, appToken: v.SLACK_APP_TOKEN, signingSecret: v.SLACK_SIGNING_SECRET };
  } else if (v.SLACK_SIGNING_SECRET) {
    slack = { mode: 'http', botToken: v.SLACK_BOT_TOKEN, signingSecret: v.SLACK_SIGNING_SECRET };
  } else {
    throw new ConfigError([
      'SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (HTTP mode); or set SLACK_APP_TOKEN for Socket Mode',
    ]);
  }

  return {
    slack: { ...slack, apiUrl: v.SLACK_API_URL },
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    planFiles: v.GOLIVE_PLAN,
    rolesFile: v.GOLIVE_ROLES,
    channel: v.GOLIVE_CHANNEL,
    port: v.PORT,
    webUrl: (v.GOLIVE_WEB_URL ?? `http://127.0.0.1:${v.PORT}`).replace(/\/+$/, ''),
    prometheus: v.GOLIVE_PROMETHEUS_URL ? { url: v.GOLIVE_PROMETHEUS_URL, token: v.GOLIVE_PROMETHEUS_TOKEN } : undefined,
    logLevel: v.LOG_LEVEL,
    queuePrefix: v.GOLIVE_QUEUE_PREFIX,
    workerConcurrency: v.GOLIVE_WORKER_CONCURRENCY,
    workerMetricsPort: v.GOLIVE_WORKER_METRICS_PORT,
    environments,
    readVariable: (name) => {
      const value = env[name]?.trim();
      return value ? value : undefined;
    },
  };
}

/** Values quoted in problems must not leak a secret. */
function showValue(name: string, value: string): string {
  if (/TOKEN|SECRET|PASSWORD/.test(name)) return '***';
  return redactText(value);
}
