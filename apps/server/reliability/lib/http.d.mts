// Types of http.mjs.
import type { Agent } from "node:http";

export interface Outcome {
  status?: number;
  headers?: Headers;
  text?: string;
  /** ECONNREFUSED, ECONNRESET, TIMEOUT...: no answer came. */
  error?: string;
  sentAt: number;
  answeredAt: number;
  ms: number;
}
export function send(
  origin: string,
  request: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    agent?: Agent | false;
    timeoutMs?: number;
  },
): Promise<Outcome>;

export interface RawResponse {
  status: number | undefined;
  headers: Headers;
  body: string;
  complete: boolean;
  timedOut: boolean;
  error: string | undefined;
}
export function rawExchange(
  port: number,
  bytes: Uint8Array,
  options?: { timeoutMs?: number; host?: string },
): Promise<RawResponse>;
export function hangUpAfter(
  port: number,
  bytes: Uint8Array,
  options?: { afterMs?: number; host?: string },
): Promise<void>;
export function pool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]>;
export function percentile(values: number[], p: number): number;
