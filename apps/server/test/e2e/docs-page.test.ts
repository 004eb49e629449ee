// The API reference page at /docs, opened in a real headless Chromium against the built server:
// it must render the operations of openapi.yaml, and it must do so with no request leaving the
// server's origin (deployments may have no internet, or a CSP that forbids CDNs).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtServersIn, type ServerProcess, startServer } from "../support/server-process.js";
import { loadSpec, validatingFetch } from "../support/spec-validator.js";
import { type Browser, CHROMIUM_PATH, launchChromium, type Page } from "./chromium.js";

type Json = Record<string, unknown>;

/** The operation as openapi.yaml states it: what the page must show. */
function specOperation(operationId: string) {
  const spec = loadSpec();
  for (const [path, item] of Object.entries(spec.paths as Json)) {
    for (const [method, operation] of Object.entries(item as Json)) {
      const op = operation as Json;
      if (op.operationId === operationId) {
        return {
          path,
          method: method.toUpperCase(),
          summary: String(op.summary),
          tag: String((op.tags as string[])[0]),
          statuses: Object.keys(op.responses as Json),
        };
      }
    }
  }
  throw new Error(`openapi.yaml has no operation ${operationId}`);
}

const operation = specOperation("addAccountAndLogin");

// Swagger UI treats localhost specially (it skips its online validator badge, an image from
// validator.swagger.io, for local URLs), so the page is opened under a made-up public-looking
// host name, as a deployment would be. Every other host name resolves nowhere: a request to a
// CDN fails fast instead of hanging, and is still seen and reported.
const HOST = "docs.kibo-auth.test";

describe.runIf(CHROMIUM_PATH)(
  "the /docs page in headless Chromium (runs when /usr/bin/chromium or CHROMIUM_PATH exists)",
  () => {
    const dir = builtServersIn();
    let server: ServerProcess | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let origin: string;

    beforeAll(async () => {
      server = await startServer({
        databaseUrl: join(dir(), "docs.sqlite"),
        env: { APP_CLIENT_ID: "docs.test", APP_SHARED_SECRET: "docs-test-shared-secret" },
        name: "docs",
      });
      origin = `http://${HOST}:${server.port}`;
      browser = await launchChromium({
        extraArgs: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP * ~NOTFOUND`],
      });
      page = await browser.newPage();
      await page.navigate(`${origin}/docs`);
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
    });

    it("renders the Add-Account-And-Login operation of openapi.yaml, expandable, with no script error", async () => {
      // Swagger UI puts zero-width spaces in long paths so that they wrap: compare without them.
      const findBlock = `[...document.querySelectorAll(".opblock")].find((block) =>
        block.querySelector(".opblock-summary-path")?.textContent.replace(/\\u200b/g, "") ===
        ${JSON.stringify(operation.path)})`;
      await page.waitFor(findBlock, `an operation block for ${operation.path}`);
      const shown = await page.evaluate<Json>(`(() => {
        const block = ${findBlock};
        return {
          method: block.querySelector(".opblock-summary-method")?.textContent,
          summary: block.querySelector(".opblock-summary-description")?.textContent,
          tag: block.closest(".opblock-tag-section")?.querySelector(".opblock-tag")?.dataset.tag,
        };
      })()`);
      expect(shown).toEqual({
        method: operation.method,
        summary: operation.summary,
        tag: operation.tag,
      });

      await page.evaluate(`${findBlock}.querySelector(".opblock-summary-control").click()`);
      await page.waitFor(
        `${findBlock}.querySelector(".opblock-body .responses-table")`,
        "the expanded operation with its responses",
      );
      const expanded = await page.evaluate<{ text: string; statuses: string[] }>(`(() => {
        const body = ${findBlock}.querySelector(".opblock-body");
        return {
          text: body.innerText,
          statuses: [...body.querySelectorAll(".responses-table tr.response > .response-col_status")]
            .map((cell) => cell.textContent.trim()),
        };
      })()`);
      expect(expanded.text).toContain("Request body");
      expect(expanded.text).toContain("Try it out");
      expect(new Set(expanded.statuses)).toEqual(new Set(operation.statuses));
      expect(page.errors).toEqual([]);
    });

    it("makes every request of the page to the server's own origin", async () => {
      const urls = page.requests.map((request) => request.url);
      const elsewhere = urls.filter(
        (url) => !url.startsWith("data:") && new URL(url).origin !== origin,
      );
      expect(elsewhere).toEqual([]);
      for (const path of [
        "/docs",
        "/docs/assets/swagger-ui.css",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/init.js",
        "/openapi.json",
      ]) {
        expect(urls).toContain(`${origin}${path}`);
      }
      expect(page.failures).toEqual([]);
    });

    it("was served the page, its assets and the spec by this server, as its request log shows", () => {
      const served = (server?.logs() ?? [])
        .filter((entry) => entry.msg === "request" && entry.status === 200)
        .map((entry) => entry.route);
      expect(served).toContain("/docs");
      expect(served.filter((route) => route === "/docs/assets/:name")).toHaveLength(3);
      expect(served).toContain("/openapi.json");
    });

    it("names no other origin in the page's HTML or its start-up script", async () => {
      const http = validatingFetch();
      const html = await (await http(`${server?.origin}/docs`)).text();
      const init = await (await http(`${server?.origin}/docs/assets/init.js`)).text();
      expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9]/i);
      expect(init).not.toMatch(/(https?:)?\/\/[a-z0-9]/i);
      const references = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
      expect(references.length).toBeGreaterThanOrEqual(3);
      expect(references.filter((ref) => !ref?.startsWith("/docs/assets/"))).toEqual([]);
    });
  },
);
