/**
 * One request to Gitea, as the client sends it: bounded retries with backoff
 * for transient failures (a POST only when it cannot create a duplicate),
 * bodies parsed as JSON, and errors that name the failing call. Also the
 * streamed GET, whose token never leaves this server.
 */
import { NetworkError, isTransientStatus, retryAfterMs, type HttpResponse, type HttpStream, type HttpTransport, type RetryPolicy } from "./http";

export class GiteaError extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`Gitea ${call} failed: ${detail}`);
    this.name = "GiteaError";
  }
}

export type CallOptions<T> = {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * For requests that are not idempotent (POST): looks for the object a
   * previous attempt may have created before the answer was lost, so a retry
   * never creates a duplicate. Without it such requests are retried only when
   * the server clearly refused them (429, 503).
   */
  findExisting?: () => Promise<T | undefined>;
  /** Statuses that are an answer, not an error (e.g. 404 when asking whether something exists). */
  accept?: number[];
  /** Extra request headers (e.g. Range). */
  headers?: Record<string, string>;
  /** The body is text (a log), returned as is: never parsed as JSON. */
  raw?: boolean;
  /**
   * Asked before retrying a 5xx: an error to throw instead when the failure
   * is not transient (e.g. Gitea answers 500 for the comments of a missing issue).
   */
  diagnose?: (status: number) => Promise<Error | undefined>;
};

export type Result<T> = { status: number; data: T; headers: HttpResponse["headers"] };

/** What every request of one client shares: where it goes, its token, and how it retries. */
export type Sender = {
  token: string;
  transport: HttpTransport;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  log: (message: string) => void;
};

/** Sends one request (`name` is the call as errors and logs name it), retrying what is safe to retry. */
export async function request<T>(s: Sender, method: string, url: string, name: string, options: CallOptions<T>): Promise<Result<T>> {
  const idempotent = method === "GET" || method === "PUT" || method === "PATCH" || method === "DELETE";
  const headers: Record<string, string> = { accept: options.raw ? "text/plain" : "application/json", ...options.headers };
  if (s.token) headers.authorization = `token ${s.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }

  let lastProblem = "";
  for (let attempt = 1; attempt <= s.retry.attempts; attempt++) {
    if (attempt > 1 && options.findExisting) {
      const existing = await options.findExisting().catch(() => undefined);
      if (existing !== undefined) return { status: 200, data: existing, headers: { get: () => null } };
    }
    let res: HttpResponse;
    try {
      res = await s.transport.send({ method, url, headers, body, timeoutMs: s.retry.timeoutMs });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      lastProblem = error.message;
      const safe = idempotent || options.findExisting !== undefined;
      if (!safe || attempt === s.retry.attempts) break;
      await backoff(s, name, attempt, undefined, lastProblem);
      continue;
    }
    if ((res.status >= 200 && res.status < 300) || options.accept?.includes(res.status)) {
      return { status: res.status, data: options.raw ? (res.text as T) : parseBody<T>(res.text), headers: res.headers };
    }
    lastProblem = `HTTP ${res.status}${errorMessage(res.text)}`;
    const refused = res.status === 429 || res.status === 503;
    const retryable = isTransientStatus(res.status) && (idempotent || refused || options.findExisting !== undefined);
    if (!retryable || attempt === s.retry.attempts) {
      throw new GiteaError(name, res.status, lastProblem);
    }
    if (res.status >= 500 && options.diagnose) {
      const known = await options.diagnose(res.status).catch(() => undefined);
      if (known) throw known;
    }
    await backoff(s, name, attempt, retryAfterMs(res.headers.get("retry-after")), lastProblem);
  }
  throw new GiteaError(name, undefined, `${lastProblem} (after ${s.retry.attempts} attempts)`);
}

/**
 * A GET on the server at `serverUrl` whose body is read as a stream (a file, a
 * diff). The token goes only to that server: a URL elsewhere is refused, and
 * a redirect is followed only while it stays there (a redirect elsewhere,
 * e.g. to object storage, is an error naming where it led). Transient
 * failures before the body starts are retried like other calls.
 */
export async function openOnServer(s: Sender, serverUrl: string, url: string, name: string, options: { accept?: string }): Promise<HttpStream> {
  const open = s.transport.open?.bind(s.transport);
  if (!open) throw new GiteaError(name, undefined, "this transport cannot stream");
  const origin = new URL(serverUrl).origin;
  let target = url;
  let lastProblem = "";
  for (let attempt = 1, redirects = 0; attempt <= s.retry.attempts; ) {
    const here = new URL(target);
    if (here.origin !== origin) throw new GiteaError(name, undefined, `refused: ${here.origin} is not this Gitea server (${origin})`);
    const headers: Record<string, string> = { accept: options.accept ?? "*/*" };
    if (s.token) headers.authorization = `token ${s.token}`;
    let res: HttpStream;
    try {
      res = await open({ method: "GET", url: target, headers, timeoutMs: s.retry.timeoutMs });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      lastProblem = error.message;
      if (attempt === s.retry.attempts) break;
      await backoff(s, name, attempt++, undefined, lastProblem);
      continue;
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
      await res.cancel();
      const next = new URL(res.headers.get("location")!, target);
      if (next.origin !== origin) throw new GiteaError(name, res.status, `redirected to another host (${next.origin}); not followed`);
      if (++redirects > 3) throw new GiteaError(name, res.status, "too many redirects");
      target = next.href;
      continue;
    }
    if (res.status >= 200 && res.status < 300) return res;
    await res.cancel();
    lastProblem = `HTTP ${res.status}`;
    if (!isTransientStatus(res.status) || attempt === s.retry.attempts) throw new GiteaError(name, res.status, lastProblem);
    await backoff(s, name, attempt++, retryAfterMs(res.headers.get("retry-after")), lastProblem);
  }
  throw new GiteaError(name, undefined, `${lastProblem} (after ${s.retry.attempts} attempts)`);
}

async function backoff(s: Sender, name: string, attempt: number, serverDelay: number | undefined, problem: string) {
  const delay = Math.min(s.retry.maxDelayMs, serverDelay ?? s.retry.baseDelayMs * 2 ** (attempt - 1));
  s.log(`Gitea ${name}: ${problem}; retrying in ${delay} ms (attempt ${attempt + 1} of ${s.retry.attempts})`);
  await s.sleep(delay);
}

function parseBody<T>(text: string): T {
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: string };
    return parsed.message ? `: ${parsed.message}` : "";
  } catch {
    return text ? `: ${text.slice(0, 200)}` : "";
  }
}
