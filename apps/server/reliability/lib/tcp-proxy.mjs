// A TCP proxy under the test's control, between a server process and PostgreSQL: `cut()`
// closes its listener and destroys every open connection (from the server's side, the
// database just went away: established connections die, new ones are refused), `restore()`
// listens again on the same port (the database is back). The machine's PostgreSQL, which
// other suites share, is never touched.
import net from "node:net";

export async function startTcpProxy({ targetHost, targetPort, listenHost = "127.0.0.1" }) {
  const sockets = new Set();
  let port = 0;
  let server;
  let accepted = 0;

  const track = (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const listen = () =>
    new Promise((resolve, reject) => {
      server = net.createServer((client) => {
        accepted += 1;
        const upstream = net.connect({ host: targetHost, port: targetPort });
        track(client);
        track(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        // Whichever side fails or ends, the other goes too: half a connection is no use.
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on("error", end);
        upstream.on("error", end);
        client.on("close", end);
        upstream.on("close", end);
      });
      server.once("error", reject);
      server.listen({ port, host: listenHost }, () => {
        port = server.address().port;
        resolve();
      });
    });

  await listen();
  let up = true;
  return {
    get port() {
      return port;
    },
    get up() {
      return up;
    },
    /** Connections accepted since the start (the server's pool opening new ones). */
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    async cut() {
      if (!up) return;
      up = false;
      const closed = new Promise((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restore() {
      if (up) return;
      await listen();
      up = true;
    },
    async close() {
      await this.cut();
    },
  };
}
