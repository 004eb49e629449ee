// A liveness prober in a process of its own, as a load balancer is: it GETs a URL every
// `intervalMs` for `durationMs` and prints the latencies (ms) as one JSON array. Run apart from
// the load generator, so that the generator's own busy event loop does not inflate the figures.
//   node probe.mjs <url> <durationMs> <intervalMs>
import http from "node:http";

const [url = "", durationMs = "3000", intervalMs = "20"] = process.argv.slice(2);
const until = performance.now() + Number(durationMs);
const latencies = [];
const once = () =>
  new Promise((resolve) => {
    const started = performance.now();
    const request = http.get(url, { agent: false, timeout: 10_000 }, (response) => {
      response.resume();
      response.on("end", () =>
        resolve(response.statusCode === 200 ? performance.now() - started : -1),
      );
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(-1));
  });
while (performance.now() < until) {
  latencies.push(await once());
  await new Promise((resolve) => setTimeout(resolve, Number(intervalMs)));
}
process.stdout.write(`${JSON.stringify(latencies)}\n`);
