// The log line format: one JSON object per line, head fields first, secrets never written.
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";

function capture(level: Parameters<typeof createLogger>[0]) {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, (line) => lines.push(line)) };
}

describe("createLogger", () => {
  it("writes one JSON object per line: time, level and msg, then the fields", () => {
    const { lines, logger } = capture("info");
    const before = Date.now();
    logger.info("request", { method: "GET", status: 200, durationMs: 0.4, route: null });
    logger.warn("no fields");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain("\n");
    const first = JSON.parse(lines[0] ?? "");
    expect(Object.keys(first)).toEqual([
      "time",
      "level",
      "msg",
      "method",
      "status",
      "durationMs",
      "route",
    ]);
    expect(first).toMatchObject({
      level: "info",
      msg: "request",
      method: "GET",
      status: 200,
      route: null,
    });
    expect(Date.parse(first.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(first.time)).toBeLessThanOrEqual(Date.now());
    expect(JSON.parse(lines[1] ?? "")).toEqual({
      time: expect.any(String),
      level: "warn",
      msg: "no fields",
    });
  });

  it("escapes what it is given: quotes, new lines and control characters stay inside the line", () => {
    const { lines, logger } = capture("debug");
    logger.error('a "quoted"\nmessage', { detail: 'line one\nline "two"\u0000' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      msg: 'a "quoted"\nmessage',
      detail: 'line one\nline "two"\u0000',
    });
  });

  it("replaces every field whose name speaks of a secret, and leaves the caller's object alone", () => {
    const { lines, logger } = capture("info");
    const fields = {
      password: "correct-horse-battery-staple",
      clientSecret: "s3cr3t-value",
      refreshToken: "opaque-token-value",
      Authorization: "Bearer eyJ.abc.def",
      passwordHash: "$argon2id$v=19$...",
      status: 401,
    };
    logger.info("attempt", fields);
    logger.info("again", fields);
    for (const line of lines) {
      for (const secret of ["correct-horse", "s3cr3t", "opaque-token", "eyJ.abc", "$argon2id"]) {
        expect(line).not.toContain(secret);
      }
      expect(JSON.parse(line)).toMatchObject({
        password: "[redacted]",
        Authorization: "[redacted]",
        status: 401,
      });
    }
    expect(fields.password).toBe("correct-horse-battery-staple");
  });

  it("drops lines below its level", () => {
    const { lines, logger } = capture("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["w", "e"]);
    const silent = capture("silent");
    silent.logger.error("e");
    expect(silent.lines).toEqual([]);
  });
});
