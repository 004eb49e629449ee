import { describe, expect, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { ApiError, toResult } from "../src/result.js";
import {
  ADD_ACCOUNT_PATH,
  BASE_URL,
  createFakeKibo,
  type FakeKiboOptions,
  kiboError,
} from "./helpers.js";

const body = { account: { emailAddress: "ada@example.com" }, password: "correct-horse-battery" };

function setup(respond: FakeKiboOptions["respond"]) {
  const server = createFakeKibo({ respond });
  return createClient({
    baseUrl: BASE_URL,
    fetch: server.fetch,
    clientId: "app-1",
    sharedSecret: "s3cret",
  });
}

const onAddAccount =
  (answer: () => Response): FakeKiboOptions["respond"] =>
  ({ url }) =>
    url.pathname.endsWith("/Add-Account-And-Login") ? answer() : undefined;

describe("toResult", () => {
  it("answers the data, status and correlation id of a success", async () => {
    const client = setup(undefined);
    const result = await toResult(client.POST(ADD_ACCOUNT_PATH, { body }));
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.correlationId).toBe("corr-2");
    expect(result.data?.customerAccount.emailAddress).toBe("ada@example.com");
  });

  it("types a 409 with its status, Kibo error body and correlation id", async () => {
    const client = setup(
      onAddAccount(() =>
        kiboError(409, "VALIDATION_CONFLICT", "The email address is taken", [
          { name: "account.emailAddress", value: "ada@example.com" },
        ]),
      ),
    );

    const result = await toResult(client.POST(ADD_ACCOUNT_PATH, { body }));

    expect(result.data).toBeUndefined();
    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error?.status).toBe(409);
    expect(result.error?.correlationId).toBe("corr-2");
    expect(result.error?.body).toStrictEqual({
      message: "The email address is taken",
      errorCode: "VALIDATION_CONFLICT",
      applicationName: "Customer",
      additionalErrorData: [{ name: "account.emailAddress", value: "ada@example.com" }],
      items: null,
      exceptionDetail: null,
    });
    expect(result.error?.text).toBeUndefined();
    expect(result.error?.message).toBe("409 VALIDATION_CONFLICT: The email address is taken");
  });

  it.each([
    {
      given: "an HTML page from a proxy",
      answer: () =>
        new Response("<html><body>502 Bad Gateway</body></html>", {
          status: 502,
          headers: { "content-type": "text/html" },
        }),
      want: {
        status: 502,
        text: "<html><body>502 Bad Gateway</body></html>",
        message: "HTTP 502: <html><body>502 Bad Gateway</body></html>",
      },
    },
    {
      given: "no body at all",
      answer: () => new Response(null, { status: 503 }),
      want: { status: 503, text: "", message: "HTTP 503" },
    },
    {
      given: "a truncated JSON body",
      answer: () =>
        new Response('{"message":"oops', {
          status: 500,
          headers: { "content-type": "application/json" },
        }),
      want: { status: 500, text: '{"message":"oops', message: 'HTTP 500: {"message":"oops' },
    },
  ])("keeps the status and raw text of $given, with no body", async ({ answer, want }) => {
    const client = setup(onAddAccount(answer));

    const result = await toResult(client.POST(ADD_ACCOUNT_PATH, { body }));

    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error?.body).toBeUndefined();
    expect(result.error).toMatchObject({ ...want, correlationId: "corr-2" });
  });

  it("handles a non-JSON refusal of the credentials like any other error", async () => {
    const client = setup(({ url }) =>
      url.pathname.endsWith("/oauth")
        ? new Response("Service Unavailable", {
            status: 503,
            headers: { "x-vol-correlation": "lb" },
          })
        : undefined,
    );

    const result = await toResult(client.POST(ADD_ACCOUNT_PATH, { body }));

    expect(result.error).toMatchObject({
      status: 503,
      body: undefined,
      text: "Service Unavailable",
      correlationId: "lb",
    });
  });

  it("accepts an already awaited openapi-fetch result, leaving it usable", async () => {
    const client = setup(onAddAccount(() => kiboError(403, "FORBIDDEN", "Missing behavior")));
    const raw = await client.POST(ADD_ACCOUNT_PATH, { body });
    const result = await toResult(raw);
    expect(raw.error?.errorCode).toBe("FORBIDDEN");
    expect(result.error?.body?.errorCode).toBe("FORBIDDEN");
    expect(result.response).toBe(raw.response);
  });

  it("decides by status, not by body: an error with an empty body is still an error", async () => {
    const client = setup(
      onAddAccount(() => new Response(null, { status: 500, headers: { "content-length": "0" } })),
    );
    const raw = await client.POST(ADD_ACCOUNT_PATH, { body });
    // Given `content-length: 0`, openapi-fetch alone answers neither data nor error.
    expect(raw.error).toBeUndefined();
    expect(raw.data).toBeUndefined();
    expect((await toResult(raw)).error?.status).toBe(500);
  });
});
