// The yardstick for a non-hashing operation: the same framework and adapter the server uses
// (Hono on @hono/node-server), answering a constant JSON body with no middleware, no
// authentication, no database and no logging. Prints {"msg":"listening","port":N}.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono().get("/", (c) => c.json({ ok: true }));
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  console.log(JSON.stringify({ msg: "listening", port: info.port }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
