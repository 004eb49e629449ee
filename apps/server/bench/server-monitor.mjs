// Preloaded into the server by the bench (node --import bench/server-monitor.mjs dist/index.js):
// a passive observer that explains the figures. On each SIGUSR2 it writes one JSON line to
// stderr with the event-loop delay and the process's CPU time since the previous SIGUSR2,
// then starts over. It changes nothing in the server; the timer it samples with is unref'd.
import { monitorEventLoopDelay } from "node:perf_hooks";

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let cpu = process.cpuUsage();
let since = performance.now();

/** MB: the whole process (all threads), and the main thread's JavaScript heap. */
function memoryNow() {
  const { rss, heapTotal, heapUsed } = process.memoryUsage();
  const mb = (bytes) => Math.round(bytes / 1e5) / 10;
  return { rssMb: mb(rss), heapReservedMb: mb(heapTotal), heapUsedMb: mb(heapUsed) };
}

process.on("SIGUSR2", () => {
  const used = process.cpuUsage(cpu);
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  process.stderr.write(
    `${JSON.stringify({
      benchMonitor: {
        wallMs: Math.round(performance.now() - since),
        cpuUserMs: Math.round(used.user / 1000),
        cpuSystemMs: Math.round(used.system / 1000),
        loopDelayP50Ms: ms(delay.percentile(50)),
        loopDelayP99Ms: ms(delay.percentile(99)),
        loopDelayMaxMs: ms(delay.max),
        ...memoryNow(),
      },
    })}\n`,
  );
  delay.reset();
  cpu = process.cpuUsage();
  since = performance.now();
});
