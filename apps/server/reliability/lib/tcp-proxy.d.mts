// Types of tcp-proxy.mjs.
export interface TcpProxy {
  readonly port: number;
  readonly up: boolean;
  readonly accepted: number;
  readonly open: number;
  /** Closes the listener and destroys every connection: the database is gone. */
  cut(): Promise<void>;
  /** Listens again on the same port: the database is back. */
  restore(): Promise<void>;
  close(): Promise<void>;
}
export function startTcpProxy(options: {
  targetHost: string;
  targetPort: number;
  listenHost?: string;
}): Promise<TcpProxy>;
