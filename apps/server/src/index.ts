// The server's entry point and, with the operator commands in cli/, the only code with side
// effects: read the environment, open and migrate the database, serve HTTP, and stop
// gracefully on SIGTERM/SIGINT.
import { readFileSync } from "node:fs";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { parse } from "yaml";
import { createApp } from "./app.js";
import { createServerHasher } from "./auth/password-hasher.js";
import { loadSigningKeys } from "./auth/signing-keys.js";
import { ConfigError, loadConfig, maxSignedTokenLifetimeMs } from "./config.js";
import { createDb } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { correlationIdFor } from "./http/correlation.js";
import { errorBody, InvalidParameterError } from "./http/errors.js";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./http/rate-limit.js";
import { batchedLines, createLogger } from "./logger.js";
import { createPlatformRepository } from "./platform/platform.repository.js";
import { bootstrapPlatform } from "./platform/platform.service.js";

const SPEC_URL = new URL("../../../openapi/openapi.yaml", import.meta.url);

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, batchedLines(process.stdout));
  const now = () => new Date();
  const db = createDb(config.databaseUrl, { poolSize: config.databasePoolSize });
  await migrateToLatest(db);
  const keys = await loadSigningKeys(db, {
    configuredPem: config.tokens.signingPrivateKeyPem,
    now,
    maxTokenLifetimeMs: maxSignedTokenLifetimeMs(config),
    reloadMs: config.tokens.signingKeysReloadSeconds * 1000,
  });

  const hashing = createServerHasher(config.hashing);
  const limiter = config.rateLimits.redisUrl
    ? await createRedisRateLimiter(config.rateLimits.redisUrl)
    : createMemoryRateLimiter();
  const app = createApp({
    config,
    db,
    limiter,
    hasher: hashing.hasher,
    keys,
    logger,
    now,
    openApiDocument: parse(readFileSync(SPEC_URL, "utf8")),
  });
  const created = await bootstrapPlatform(createPlatformRepository(db), config, now);
  if (created) {
    // Printed once, as the development application is created: only its hash is stored. Not
    // after listening: a start that then fails (the port taken) would lose the secret for good.
    console.log(
      [
        "",
        "A development application was created (its secret is shown only now):",
        `  client id:     ${created.clientId}`,
        `  shared secret: ${created.sharedSecret}`,
        `  tenant ${config.tenant.id}, site ${config.site.id}`,
        "",
      ].join("\n"),
    );
  }

  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      serverOptions: { keepAliveTimeout: config.keepAliveTimeoutMs },
    },
    (info) => {
      logger.info("listening", { address: info.address, port: info.port, database: db.dialect });
    },
  );

  // Requests Node's HTTP parser refuses (malformed, or headers over its limit) never reach Hono:
  // answer them in Kibo's shape too, so that clients can parse every error this server sends.
  server.on("clientError", (error: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const refusal = new InvalidParameterError(
      error.code === "HPE_HEADER_OVERFLOW"
        ? "Missing or invalid parameter: the request headers are too large."
        : "Missing or invalid parameter: the request is not valid HTTP.",
    );
    const body = JSON.stringify(errorBody(refusal, "Customer"));
    socket.end(
      [
        "HTTP/1.1 400 Bad Request",
        "content-type: application/json",
        `content-length: ${Buffer.byteLength(body)}`,
        `x-vol-correlation: ${correlationIdFor(undefined)}`,
        "connection: close",
        "",
        body,
      ].join("\r\n"),
    );
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    // Stop accepting, let in-flight requests finish, then close the database.
    server.close(async () => {
      await limiter.close();
      await hashing.close();
      await db.close();
      logger.info("stopped", {});
      process.exit(0);
    });
    // Idle keep-alive connections would hold close() open; in-flight ones still finish, and
    // become idle only once answered, so keep closing idle ones until close() completes.
    if ("closeIdleConnections" in server) {
      server.closeIdleConnections();
      setInterval(() => server.closeIdleConnections(), 100).unref();
    }
    setTimeout(() => {
      logger.error("forced stop after 10 s", {});
      process.exit(1);
    }, 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  // A port that is taken, or not this process's to bind, fails start-up in one line like any
  // other start-up problem (below), instead of as an unhandled 'error' event with a stack.
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `start-up failed: ${String(error)}`;
  console.error(message);
  process.exit(1);
});
