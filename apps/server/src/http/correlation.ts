// x-vol-correlation on every response: echo the caller's id when it is safe to log and
// repeat, otherwise make one.
import { randomUUID } from "node:crypto";

const VALID = /^[A-Za-z0-9._-]{1,128}$/;

export function correlationIdFor(incoming: string | undefined): string {
  return incoming && VALID.test(incoming) ? incoming : randomUUID();
}
