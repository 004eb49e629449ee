import createFetchClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { createAppTokenSource } from "../src/app-token.js";
import type { ApiPaths } from "../src/paths.js";
import {
  BASE_URL,
  createClock,
  createFakeKibo,
  createGate,
  type FakeKiboOptions,
} from "./helpers.js";

function setup(options: FakeKiboOptions = {}) {
  const server = createFakeKibo(options);
  const clock = createClock();
  const tokens = createAppTokenSource({
    clientId: "app-1",
    sharedSecret: "s3cret",
    tokenClient: createFetchClient<ApiPaths>({ baseUrl: BASE_URL, fetch: server.fetch }),
    now: clock.now,
  });
  return { server, clock, tokens };
}

describe("the application token source", () => {
  it("sends exactly the body a Kibo client sends", async () => {
    const { server, tokens } = setup();
    await tokens.get();
    const [sent] = server.tokenRequests();
    expect(sent?.method).toBe("POST");
    expect(sent?.headers.get("content-type")).toBe("application/json");
    expect(sent?.headers.has("authorization")).toBe(false);
    expect(JSON.parse(sent?.body ?? "")).toStrictEqual({
      client_id: "app-1",
      client_secret: "s3cret",
      grant_type: "client_credentials",
    });
  });

  it("asks once and reuses the token while it is fresh", async () => {
    const { server, tokens } = setup();
    expect(await tokens.get()).toStrictEqual({ token: "app-token-1" });
    expect(await tokens.get()).toStrictEqual({ token: "app-token-1" });
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it.each([
    // { expiresIn (s), stillFresh (ms after issue), renewed (ms after issue) }: the skew is
    // 30 s, or 10% of the lifetime when that is shorter.
    { expiresIn: 3600, stillFresh: 3_569_999, renewed: 3_570_000 },
    { expiresIn: 60, stillFresh: 53_999, renewed: 54_000 },
  ])("renews a token of $expiresIn s at $renewed ms, not before", async (given) => {
    const { server, clock, tokens } = setup({ expiresIn: given.expiresIn });
    await tokens.get();
    clock.advance(given.stillFresh);
    expect(await tokens.get()).toStrictEqual({ token: "app-token-1" });
    clock.advance(given.renewed - given.stillFresh);
    expect(await tokens.get()).toStrictEqual({ token: "app-token-2" });
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("shares one request between concurrent first callers", async () => {
    const gate = createGate();
    const { server, tokens } = setup({
      respond: async () => {
        await gate.opened;
        return undefined;
      },
    });
    const pending = Promise.all([tokens.get(), tokens.get(), tokens.get()]);
    gate.release();
    expect(await pending).toStrictEqual([
      { token: "app-token-1" },
      { token: "app-token-1" },
      { token: "app-token-1" },
    ]);
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it("forgets a refused token, but not a newer one", async () => {
    const { server, tokens } = setup();
    await tokens.get();
    tokens.invalidate("app-token-1");
    expect(await tokens.get()).toStrictEqual({ token: "app-token-2" });
    tokens.invalidate("app-token-1");
    expect(await tokens.get()).toStrictEqual({ token: "app-token-2" });
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("answers each caller a readable copy of a refusal, and does not cache it", async () => {
    let refuse = true;
    const { server, tokens } = setup({
      respond: () =>
        refuse
          ? Response.json({ errorCode: "UNAUTHORIZED", message: "no" }, { status: 401 })
          : undefined,
    });
    const outcomes = await Promise.all([tokens.get(), tokens.get()]);
    for (const outcome of outcomes) {
      if (!("failure" in outcome)) throw new Error("expected a failure");
      const response = outcome.failure();
      expect(response.status).toBe(401);
      expect(response.headers.get("x-vol-correlation")).toBe("corr-1");
      expect(await response.json()).toStrictEqual({ errorCode: "UNAUTHORIZED", message: "no" });
    }
    refuse = false;
    expect(await tokens.get()).toStrictEqual({ token: "app-token-1" });
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("throws when a 2xx carries no token, as for a network failure", async () => {
    const { tokens } = setup({ respond: () => Response.json({ token_type: "bearer" }) });
    await expect(tokens.get()).rejects.toThrow(/without access_token/);
  });
});
