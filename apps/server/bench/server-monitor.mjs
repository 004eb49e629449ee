// Preloaded into the server by the bench (node --import bench/server-monitor.mjs dist/index.js):
// a passive observer that explains the figures. On each SIGUSR2 it writes one JSON line to
// stderr with the event-loop delay, the process's CPU time and its main thread's (the event
// loop's) since the previous SIGUSR2, then starts over. It changes nothing in the server; the
// timer it samples with is unref'd.
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let cpu = process.cpuUsage();
let since = performance.now();

/**
 * ms of CPU the main thread has used, from Linux's /proc (null elsewhere). The hashing threads
 * and V8's helpers are the process's other threads: the main thread alone is the event loop.
 */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    // After "pid (comm) ", utime and stime (fields 14 and 15) are the 12th and 13th; in ticks
    // of 10 ms (USER_HZ is 100 on Linux).
    const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
let mainCpu = mainThreadCpuMs();

/** MB: the whole process (all threads), and the main thread's JavaScript heap. */
function memoryNow() {
  const { rss, heapTotal, heapUsed } = process.memoryUsage();
  const mb = (bytes) => Math.round(bytes / 1e5) / 10;
  return { rssMb: mb(rss), heapReservedMb: mb(heapTotal), heapUsedMb: mb(heapUsed) };
}

process.on("SIGUSR2", () => {
  const used = process.cpuUsage(cpu);
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const mainNow = mainThreadCpuMs();
  process.stderr.write(
    `${JSON.stringify({
      benchMonitor: {
        wallMs: Math.round(performance.now() - since),
        cpuUserMs: Math.round(used.user / 1000),
        cpuSystemMs: Math.round(used.system / 1000),
        eventLoopCpuMs: mainNow === null || mainCpu === null ? null : mainNow - mainCpu,
        loopDelayP50Ms: ms(delay.percentile(50)),
        loopDelayP99Ms: ms(delay.percentile(99)),
        loopDelayMaxMs: ms(delay.max),
        ...memoryNow(),
      },
    })}\n`,
  );
  delay.reset();
  cpu = process.cpuUsage();
  mainCpu = mainNow;
  since = performance.now();
});
