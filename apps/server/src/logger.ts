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
    if (!SECRET_KEY.test(key)) continue;
    if (safe === fields) safe = { ...fields };
    safe[key] = "[redacted]";
  }
  return safe;
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
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level: lineLevel,
          msg: message,
          ...redact(fields),
        }),
      );
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
