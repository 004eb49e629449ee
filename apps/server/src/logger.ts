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
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      SECRET_KEY.test(key) ? "[redacted]" : value,
    ]),
  );
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
