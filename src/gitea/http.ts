/**
 * HTTP for the Gitea client: one small transport interface (so tests and the
 * fault suite can drive it), per-request timeouts, and bounded retries with
 * backoff for transient failures (5xx, 429 with Retry-After, resets, timeouts).
 */

export type HttpRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
};

export type HttpResponse = {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
};

/** A response whose body is read as it arrives (large diffs, image downloads). */
export type HttpStream = {
  status: number;
  headers: { get(name: string): string | null };
  body: AsyncIterable<Uint8Array>;
  /** Stops reading and closes the connection. */
  cancel(): Promise<void>;
};

export interface HttpTransport {
  send(req: HttpRequest): Promise<HttpResponse>;
  /**
   * Opens a GET whose body is read as a stream; redirects are never followed
   * (a 3xx comes back as it is, so the caller decides where its token goes).
   * Optional: transports without it cannot stream (the client then says so).
   */
  open?(req: HttpRequest): Promise<HttpStream>;
}

/** Network-level failure (no HTTP answer): reset, refused, DNS, timeout. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = "NetworkError";
  }
}

export const fetchTransport: HttpTransport = {
  async send(req) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text };
    } catch (error) {
      if (controller.signal.aborted) {
        throw new NetworkError(`no answer within ${req.timeoutMs} ms`, true);
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new NetworkError(cause?.code ?? cause?.message ?? (error as Error).message, false);
    } finally {
      clearTimeout(timer);
    }
  },
  async open(req) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method, headers: req.headers, redirect: "manual", signal: controller.signal });
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) throw new NetworkError(`no answer within ${req.timeoutMs} ms`, true);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new NetworkError(cause?.code ?? cause?.message ?? (error as Error).message, false);
    }
    const body = res.body;
    async function* chunks(): AsyncIterable<Uint8Array> {
      if (!body) return;
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } catch (error) {
        if (controller.signal.aborted) throw new NetworkError(`the answer did not complete within ${req.timeoutMs} ms`, true);
        throw new NetworkError((error as Error).message, false);
      } finally {
        clearTimeout(timer);
        reader.releaseLock();
      }
    }
    return {
      status: res.status,
      headers: res.headers,
      body: chunks(),
      cancel: async () => {
        clearTimeout(timer);
        await body?.cancel().catch(() => {});
      },
    };
  },
};

export type RetryPolicy = {
  /** Total attempts, including the first. */
  attempts: number;
  /** First backoff delay; doubles on each retry. */
  baseDelayMs: number;
  /** Longest single wait, including a server's Retry-After. */
  maxDelayMs: number;
  timeoutMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  timeoutMs: 30_000,
};

export const isTransientStatus = (status: number) =>
  status === 429 || status === 500 || status === 502 || status === 503 || status === 504;

export { retryAfterMs } from "../retry-after";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
