// Environment -> frozen Config, validated once at start-up. The only module that reads
// process.env (via the `env` argument); a bad value stops start-up with a message naming it.
import { availableParallelism } from "node:os";
import { z } from "zod";
import {
  type Argon2idParams,
  meetsOwaspMinimum,
  OWASP_ARGON2ID,
  OWASP_ARGON2ID_SETTINGS,
} from "./auth/password-hasher.js";
import { DEFAULT_POOL_SIZE } from "./db/database.js";

/** The platform's hard caps: no tenant setting or request may exceed them. */
export const HARD_CAPS = Object.freeze({
  accessTokenTtlMinutes: 1440, // minutes: one day
  refreshTokenTtlMinutes: 129_600, // minutes: 90 days
});

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

const EnvSchema = z
  .object({
    PORT: int(0, 65_535).default(8080),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATABASE_URL: z.string().min(1).default("./data/kibo-auth.sqlite"),
    // Every instance holds up to this many: instances x this must stay under PostgreSQL's
    // max_connections (100 by default), less what other clients need.
    DATABASE_POOL_SIZE: int(1, 1000).default(DEFAULT_POOL_SIZE),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    NODE_ENV: z.string().default("production"),
    BODY_LIMIT_BYTES: int(1024, 10 * 1024 * 1024).default(64 * 1024),
    // Longer than the idle timeout of a load balancer in front (60 s by default for AWS ALB and
    // nginx upstreams): a server that closes an idle connection first races the balancer's next
    // request on it, which the balancer answers 502. Node's own default is 5 s.
    KEEP_ALIVE_TIMEOUT_SECONDS: int(1, 3600).default(72),
    TOKEN_ISSUER: z.string().min(1).default("kibo-auth"),
    APP_TOKEN_TTL_SECONDS: int(1, 86_400).default(3600),
    SIGNING_KEYS_RELOAD_SECONDS: int(1, 3600).default(60),
    TOKEN_ACCESS_TTL_MINUTES: int(1, HARD_CAPS.accessTokenTtlMinutes).default(30),
    TOKEN_REFRESH_TTL_MINUTES: int(1, HARD_CAPS.refreshTokenTtlMinutes).default(43_200),
    TENANT_MAX_ACCESS_TTL_MINUTES: int(1, HARD_CAPS.accessTokenTtlMinutes).default(
      HARD_CAPS.accessTokenTtlMinutes,
    ),
    TENANT_MAX_REFRESH_TTL_MINUTES: int(1, HARD_CAPS.refreshTokenTtlMinutes).default(
      HARD_CAPS.refreshTokenTtlMinutes,
    ),
    TWO_FACTOR_POLICY: z.enum(["off", "new-device"]).default("off"),
    LOGIN_MAX_FAILURES: int(1, 1000).default(5),
    // Hashing threads, one per core: each holds 19 MiB while it hashes, and on 2 cores a third
    // measured no faster (npm run bench) for 19 MiB more.
    HASH_CONCURRENCY: int(1, 64).default(availableParallelism()),
    HASH_QUEUE_LIMIT: int(0, 10_000).default(64),
    // argon2id's cost: OWASP's 19 MiB and two passes unless raised. Each hashing thread holds
    // the memory while it hashes; stored hashes keep theirs and are re-hashed at log-in.
    ARGON2_MEMORY_KIB: int(1024, 1_048_576).default(OWASP_ARGON2ID.memoryCost),
    ARGON2_TIME_COST: int(1, 100).default(OWASP_ARGON2ID.timeCost),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//)
      .optional(),
    RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60),
    RATE_LIMIT_PER_ADDRESS: int(1, 1_000_000).default(600),
    RATE_LIMIT_PER_ACCOUNT: int(1, 1_000_000).default(20),
    // How many proxies stand in front, each appending to X-Forwarded-For: "true" is one.
    TRUST_PROXY: z
      .union([z.enum(["true", "false"]), int(1, 10)])
      .default("false")
      .transform((value) => (value === "true" ? 1 : value === "false" ? 0 : value)),
    LOGIN_LOCK_MINUTES: int(1, 7 * 24 * 60).default(15),
    SIGNING_PRIVATE_KEY: z.string().min(1).optional(),
    APP_CLIENT_ID: z.string().min(1).max(200).optional(),
    APP_SHARED_SECRET: z.string().min(16).max(200).optional(),
    APP_BEHAVIORS: csv.default([]),
    TENANT_ID: int(1, 2_147_483_647).default(1000),
    TENANT_NAME: z.string().min(1).default("Development Tenant"),
    TENANT_DOMAIN: z.string().min(1).optional(),
    SITE_ID: int(1, 2_147_483_647).default(2000),
    SITE_NAME: z.string().min(1).default("Development Site"),
  })
  .superRefine((env, ctx) => {
    if (!meetsOwaspMinimum({ memoryCost: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST })) {
      const settings = OWASP_ARGON2ID_SETTINGS.map(([m, t]) => `${m} KiB x ${t}`).join(", ");
      ctx.addIssue({
        code: "custom",
        path: ["ARGON2_MEMORY_KIB"],
        message: `with ARGON2_TIME_COST, weaker than every OWASP argon2id setting (${settings})`,
      });
    }
    if (Boolean(env.APP_CLIENT_ID) !== Boolean(env.APP_SHARED_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_SHARED_SECRET"],
        message: "APP_CLIENT_ID and APP_SHARED_SECRET go together",
      });
    }
    if (env.TOKEN_ACCESS_TTL_MINUTES > env.TENANT_MAX_ACCESS_TTL_MINUTES) {
      ctx.addIssue({
        code: "custom",
        path: ["TOKEN_ACCESS_TTL_MINUTES"],
        message: "must not exceed TENANT_MAX_ACCESS_TTL_MINUTES",
      });
    }
    if (env.TOKEN_REFRESH_TTL_MINUTES > env.TENANT_MAX_REFRESH_TTL_MINUTES) {
      ctx.addIssue({
        code: "custom",
        path: ["TOKEN_REFRESH_TTL_MINUTES"],
        message: "must not exceed TENANT_MAX_REFRESH_TTL_MINUTES",
      });
    }
  });

/** Every environment variable the server reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape));

export type TwoFactorPolicy = "off" | "new-device";

export interface ApplicationConfig {
  clientId: string;
  sharedSecret: string;
  behaviors: string[];
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL only: the most connections this process holds. SQLite has one connection. */
  databasePoolSize: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  development: boolean;
  bodyLimitBytes: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  tokens: {
    issuer: string;
    appTokenTtlSeconds: number;
    accessTtlMinutes: number;
    refreshTtlMinutes: number;
    tenantMaxAccessTtlMinutes: number;
    tenantMaxRefreshTtlMinutes: number;
    signingPrivateKeyPem: string | undefined;
    /** seconds: how long an instance trusts its copy of the signing keys before reading them again */
    signingKeysReloadSeconds: number;
  };
  twoFactorPolicy: TwoFactorPolicy;
  /** argon2id's parameters; passwords hashed at once, and how many more may wait before a fast 503. */
  hashing: { params: Argon2idParams; concurrency: number; maxWaiting: number };
  /** Sign-up and log-in attempts per window, per client address and per target account. */
  rateLimits: {
    redisUrl: string | undefined;
    windowMs: number;
    perAddress: number;
    perAccount: number;
    /**
     * Proxies in front that append to X-Forwarded-For: the client address is the entry the
     * outermost of them appended. 0: the socket's address.
     */
    trustedProxies: number;
  };
  /** Wrong passwords in a row that lock an account, and for how long (minutes). */
  lockout: { maxFailures: number; lockMinutes: number };
  tenant: { id: number; name: string; domain: string | undefined };
  site: { id: number; name: string };
  /** The application named by APP_CLIENT_ID, upserted at start; undefined when none is configured. */
  application: ApplicationConfig | undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  // Empty strings count as unset, as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    development: e.NODE_ENV === "development",
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    tokens: {
      issuer: e.TOKEN_ISSUER,
      appTokenTtlSeconds: e.APP_TOKEN_TTL_SECONDS,
      accessTtlMinutes: e.TOKEN_ACCESS_TTL_MINUTES,
      refreshTtlMinutes: e.TOKEN_REFRESH_TTL_MINUTES,
      tenantMaxAccessTtlMinutes: e.TENANT_MAX_ACCESS_TTL_MINUTES,
      tenantMaxRefreshTtlMinutes: e.TENANT_MAX_REFRESH_TTL_MINUTES,
      signingPrivateKeyPem: e.SIGNING_PRIVATE_KEY,
      signingKeysReloadSeconds: e.SIGNING_KEYS_RELOAD_SECONDS,
    },
    twoFactorPolicy: e.TWO_FACTOR_POLICY,
    lockout: { maxFailures: e.LOGIN_MAX_FAILURES, lockMinutes: e.LOGIN_LOCK_MINUTES },
    hashing: {
      params: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: 1 },
      concurrency: e.HASH_CONCURRENCY,
      maxWaiting: e.HASH_QUEUE_LIMIT,
    },
    rateLimits: {
      redisUrl: e.REDIS_URL,
      windowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000,
      perAddress: e.RATE_LIMIT_PER_ADDRESS,
      perAccount: e.RATE_LIMIT_PER_ACCOUNT,
      trustedProxies: e.TRUST_PROXY,
    },
    tenant: { id: e.TENANT_ID, name: e.TENANT_NAME, domain: e.TENANT_DOMAIN },
    site: { id: e.SITE_ID, name: e.SITE_NAME },
    application:
      e.APP_CLIENT_ID && e.APP_SHARED_SECRET
        ? {
            clientId: e.APP_CLIENT_ID,
            sharedSecret: e.APP_SHARED_SECRET,
            behaviors: e.APP_BEHAVIORS,
          }
        : undefined,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** ms: the longest a token this server signs can live (how long a retired key stays published). */
export function maxSignedTokenLifetimeMs(config: Readonly<Config>): number {
  return Math.max(
    config.tokens.tenantMaxAccessTtlMinutes * 60_000,
    config.tokens.appTokenTtlSeconds * 1000,
  );
}
