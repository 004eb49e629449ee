// Structured JSON logs, one object per line. Callers pass only safe fields; as a second line of
// defence, keys that name secrets are replaced before anything is written.
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const SECRET_KEY = /pass|secret|token|hash|authorization|jwt|cookie/i;

export function redact(fields: LogFields): LogFields {
  // Copies only when there is something to hide: the per-request line never has.
  let safe = fields;
  for (const key in fields) {
    if (!isSecretKey(key)) continue;
    if (safe === fields) safe = { ...fields };
    safe[key] = "[redacted]";
  }
  return safe;
}

// Loggers use a handful of field names: each is tested against SECRET_KEY once.
const secretKeys = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    if (secretKeys.size < 1000) secretKeys.set(key, secret);
  }
  return secret;
}

// Many lines share a millisecond under load: its ISO string is made once.
let isoMillisecond = Number.NaN;
let isoString = "";
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMillisecond) {
    isoMillisecond = ms;
    isoString = new Date(ms).toISOString();
  }
  return isoString;
}

/**
 * A line sink that writes everything one turn of the event loop logged in one write: Node
 * writes to a file or a pipe synchronously, and one system call per request line cost more
 * than the rest of a cheap request. What is pending is written when the process exits.
 */
export function batchedLines(stream: { write(chunk: string): unknown }): (line: string) => void {
  let pending = "";
  const flush = () => {
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    stream.write(chunk);
  };
  process.on("exit", flush);
  return (line) => {
    if (pending === "") setImmediate(flush);
    pending += `${line}\n`;
  };
}

export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const at =
    (lineLevel: Exclude<LogLevel, "silent">) =>
    (message: string, fields: LogFields = {}) => {
      if (ORDER[lineLevel] < ORDER[level]) return;
      // The fixed head is written by hand: stringifying one object spread from two cost
      // twice as much, on every request. `fields` must not repeat time, level or msg.
      const rest = JSON.stringify(redact(fields));
      write(
        `{"time":"${isoNow()}","level":"${lineLevel}","msg":${JSON.stringify(message)}${rest === "{}" ? "}" : `,${rest.slice(1)}`}`,
      );
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
