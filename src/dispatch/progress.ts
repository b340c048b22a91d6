/**
 * Progress updates to a dispatch's `progress_endpoint`: JSON POSTs,
 * authenticated, ordered and de-duplicable.
 *
 * - Auth: with ACTIONS_ID_TOKEN_REQUEST_URL present, a fresh OIDC token per
 *   request as `Authorization: Bearer`; otherwise, with a progress secret, an
 *   HMAC signature in X-Claude-Timestamp / X-Claude-Signature; with neither,
 *   nothing is sent (never unauthenticated).
 * - Order: `seq` comes from one counter file shared by every process of the
 *   run (./seq.ts); `delivery_id` is `<correlation_id>:<seq>` (`<run_id>:<seq>`
 *   without a correlation id) and stays the same across retries.
 * - Delivery: a short timeout per attempt, bounded retries with backoff on
 *   network errors, 408/425/429 and 5xx (Retry-After honoured, capped), a
 *   bounded total time; redirects are not followed. `send` never throws.
 * - Secrets (the progress secret, any other value given in `redact`) are
 *   replaced by value in every string of the body and in every log line; the
 *   secret, the OIDC token and the signature are never logged.
 */
import { retryAfterMs } from "../retry-after";
import { Redactor } from "../text/redact";
import { EndpointError, displayEndpoint, validateProgressEndpoint, type ProgressEndpoint } from "./endpoint";
import { endpointFetch } from "./transport";
import { OidcError, fetchOidcToken, oidcAvailable } from "./oidc";
import { nextSeq, type SeqOptions } from "./seq";
import { PROGRESS_HEADERS, signBody } from "./signature";

export const PROGRESS_STATUSES = ["in_progress", "completed", "failed"] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** What a sender says; the client adds the envelope (repository, run, ids, time). */
/** What only the final update (sent by finish) carries; each field is included only when known. */
export type FinalFields = {
  conclusion?: string;
  branch?: string;
  branch_url?: string;
  compare_url?: string;
  pr_url?: string;
  /** The parsed structured output object. */
  structured_output?: unknown;
};

export type ProgressUpdate = {
  status: ProgressStatus;
  message: string;
  completed_tasks?: string[];
  current_task?: string | null;
} & FinalFields;

/** The JSON body POSTed to the endpoint (field names are the wire format). */
export type ProgressBody = {
  repository: string;
  run_id: string;
  /** The run's web page (public URL), when known: every update the action and Claude send carries it. */
  run_url?: string;
  correlation_id: string | null;
  status: ProgressStatus;
  message: string;
  completed_tasks: string[];
  current_task: string | null;
  timestamp: string;
  seq: number;
  delivery_id: string;
} & FinalFields;

export type DeliveryResult = {
  delivered: boolean;
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** HTTP attempts made (0 when nothing was sent). */
  attempts: number;
  /** Why it was not delivered (redacted), or a note on a delivered duplicate. */
  error?: string;
  /** True when nothing was attempted (no auth, bad endpoint, no seq). */
  skipped?: boolean;
  seq?: number;
  deliveryId?: string;
  auth?: "oidc" | "hmac";
};

export type DeliveryPolicy = {
  /** Timeout of one attempt (token request and POST each), ms. */
  attemptTimeoutMs: number;
  /** Attempts, including the first. */
  maxAttempts: number;
  /** First backoff; doubles per retry up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this, ms. */
  maxRetryAfterMs: number;
  /** Everything (seq lock, token, attempts, waits) ends within this, ms. */
  totalBudgetMs: number;
};

export const DEFAULT_DELIVERY: DeliveryPolicy = {
  attemptTimeoutMs: 3_000,
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 1_500,
  maxRetryAfterMs: 2_000,
  totalBudgetMs: 6_000,
};

export const NO_AUTH_REASON = "no progress_secret and no OIDC: progress updates are not sent";

export type ProgressConfig = {
  endpoint: string;
  allowedHosts?: readonly string[];
  /** `owner/name`. */
  repository: string;
  runId: string;
  /** The run's public web URL. */
  runUrl?: string;
  correlationId?: string;
  /** OIDC audience; empty: the endpoint's origin. */
  audience?: string;
  /** Counter file shared by the run's processes; without it a per-client counter is used. */
  seqFile?: string;
  secret?: string;
  /** Other secret values to redact from bodies and logs (tokens, keys). */
  redact?: Iterable<string | undefined>;
  /** Where ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are read, at each send. Default process.env. */
  env?: Record<string, string | undefined>;
  delivery?: Partial<DeliveryPolicy>;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Diagnostic lines (already redacted): failed attempts, retries. */
  log?: (line: string) => void;
  seqOptions?: Omit<SeqOptions, "now" | "sleep">;
};

const LIMITS = { message: 4_000, task: 500, tasks: 100 } as const;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function redactDeep(value: unknown, redactor: Redactor, depth = 0): unknown {
  if (typeof value === "string") return redactor.redact(value);
  if (depth > 64 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redactor, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactor.redact(k), redactDeep(v, redactor, depth + 1)]));
}

const retryableStatus = (s: number) => s === 408 || s === 425 || s === 429 || s >= 500;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ProgressClient {
  private readonly endpoint?: ProgressEndpoint;
  private readonly endpointError?: string;
  private readonly policy: DeliveryPolicy;
  private readonly redactor: Redactor;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private memorySeq = 0;

  constructor(private readonly config: ProgressConfig) {
    this.policy = { ...DEFAULT_DELIVERY, ...config.delivery };
    this.redactor = new Redactor([config.secret, ...(config.redact ?? [])]);
    this.now = config.now ?? Date.now;
    this.sleep = config.sleep ?? realSleep;
    try {
      this.endpoint = validateProgressEndpoint(config.endpoint, config.allowedHosts ?? []);
    } catch (error) {
      this.endpointError = error instanceof EndpointError ? error.message : `progress_endpoint: ${(error as Error).message}`;
    }
  }

  /** How the next update would be authenticated, read from the environment now. */
  authMode(): "oidc" | "hmac" | "none" {
    if (oidcAvailable(this.config.env ?? process.env)) return "oidc";
    return this.config.secret?.trim() ? "hmac" : "none";
  }

  /** Why updates cannot be sent (log it once), or undefined when they can. */
  unavailableReason(): string | undefined {
    if (this.endpointError) return this.redactor.redact(this.endpointError);
    if (this.authMode() === "none") return NO_AUTH_REASON;
    return undefined;
  }

  /** Where updates go, safe to show (no query, no user info). */
  get displayUrl(): string {
    return displayEndpoint(this.endpoint?.url ?? this.config.endpoint);
  }

  private async takeSeq(deadline: number): Promise<number> {
    if (!this.config.seqFile) return ++this.memorySeq;
    return nextSeq(this.config.seqFile, {
      ...this.config.seqOptions,
      waitMs: Math.max(0, Math.min(this.config.seqOptions?.waitMs ?? Infinity, deadline - this.now())),
      now: this.now,
      sleep: this.sleep,
    });
  }

  /** Builds the body for `seq` (exported for tests and previews); strings are redacted and clipped. */
  buildBody(update: ProgressUpdate, seq: number): ProgressBody {
    const correlation = this.config.correlationId?.trim() || null;
    const body: ProgressBody = {
      repository: this.config.repository,
      run_id: this.config.runId,
      ...(this.config.runUrl ? { run_url: this.config.runUrl } : {}),
      correlation_id: correlation,
      status: update.status,
      message: clip(update.message, LIMITS.message),
      completed_tasks: (update.completed_tasks ?? []).slice(0, LIMITS.tasks).map((t) => clip(String(t), LIMITS.task)),
      current_task: update.current_task ? clip(update.current_task, LIMITS.task) : null,
      timestamp: new Date(this.now()).toISOString(),
      seq,
      delivery_id: `${correlation ?? this.config.runId}:${seq}`,
    };
    if (update.conclusion !== undefined) body.conclusion = update.conclusion;
    if (update.branch) body.branch = update.branch;
    if (update.branch_url) body.branch_url = update.branch_url;
    if (update.pr_url) body.pr_url = update.pr_url;
    else if (update.compare_url) body.compare_url = update.compare_url;
    if (update.structured_output !== undefined) body.structured_output = update.structured_output;
    return redactDeep(body, this.redactor) as ProgressBody;
  }

  /** Sends one update. Never throws; resolves within the delivery policy's total budget. */
  async send(update: ProgressUpdate): Promise<DeliveryResult> {
    try {
      return await this.deliver(update);
    } catch (error) {
      return { delivered: false, attempts: 0, skipped: true, error: this.redactor.redact(`progress update failed: ${(error as Error).message}`) };
    }
  }

  private log(line: string): void {
    try {
      this.config.log?.(this.redactor.redact(line));
    } catch {
      // Logging must never break delivery.
    }
  }

  private async deliver(update: ProgressUpdate): Promise<DeliveryResult> {
    const reason = this.unavailableReason();
    if (reason || !this.endpoint) return { delivered: false, attempts: 0, skipped: true, error: reason ?? "no progress endpoint" };
    const auth = this.authMode() as "oidc" | "hmac";
    const policy = this.policy;
    const deadline = this.now() + policy.totalBudgetMs;

    let seq: number;
    try {
      seq = await this.takeSeq(deadline);
    } catch (error) {
      return { delivered: false, attempts: 0, skipped: true, auth, error: this.redactor.redact(`no seq number: ${(error as Error).message}`) };
    }
    const body = this.buildBody(update, seq);
    const raw = JSON.stringify(body);
    const base = { seq, deliveryId: body.delivery_id, auth } as const;
    const doFetch = this.config.fetch ?? fetch;
    // The update itself goes out with the address check at connection time (not the runner's own OIDC service).
    const postFetch = this.config.fetch ?? endpointFetch({ checkAddresses: !this.endpoint.allowListed });
    const audience = this.config.audience?.trim() || this.endpoint.origin;

    let attempts = 0;
    let lastStatus: number | undefined;
    let lastError = "";
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const remaining = deadline - this.now();
      if (remaining <= 0) {
        lastError ||= "time budget spent";
        break;
      }
      let wait: number | undefined;
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "claude-code-gitea-action",
        [PROGRESS_HEADERS.delivery]: body.delivery_id,
      };
      if (auth === "oidc") {
        try {
          const token = await fetchOidcToken({
            audience,
            env: this.config.env ?? process.env,
            timeoutMs: Math.min(policy.attemptTimeoutMs, remaining),
            fetch: doFetch,
          });
          headers.authorization = `Bearer ${token}`;
        } catch (error) {
          attempts++;
          lastError = (error as Error).message;
          this.log(`progress update ${body.delivery_id}: ${lastError}`);
          if (error instanceof OidcError && !error.transient) break;
          wait = this.backoff(attempt);
        }
      } else {
        const ts = Math.floor(this.now() / 1000);
        headers[PROGRESS_HEADERS.timestamp] = String(ts);
        headers[PROGRESS_HEADERS.signature] = signBody(this.config.secret!, ts, raw);
      }

      if (wait === undefined) {
        attempts++;
        const outcome = await this.post(postFetch, raw, headers, Math.min(policy.attemptTimeoutMs, Math.max(1, deadline - this.now())));
        if ("status" in outcome) {
          lastStatus = outcome.status;
          if (outcome.status >= 200 && outcome.status < 300) return { ...base, delivered: true, status: outcome.status, attempts };
          if (outcome.status === 409 && attempt > 1) {
            // The receiver already has this delivery id: an earlier attempt arrived but its answer was lost.
            return { ...base, delivered: true, status: 409, attempts, error: "an earlier attempt had arrived (409 duplicate delivery)" };
          }
          lastError = `HTTP ${outcome.status}${outcome.detail ? `: ${outcome.detail}` : ""}`;
          this.log(`progress update ${body.delivery_id} to ${this.displayUrl}: attempt ${attempt} answered ${lastError}`);
          if (outcome.status >= 300 && outcome.status < 400) {
            lastError = `HTTP ${outcome.status}: the endpoint redirects; redirects are not followed (give the final URL as progress_endpoint)`;
            break;
          }
          if (!retryableStatus(outcome.status)) break;
          const after = retryAfterMs(outcome.retryAfter, this.now());
          wait = after === undefined ? this.backoff(attempt) : Math.min(after, policy.maxRetryAfterMs);
        } else {
          lastError = outcome.error;
          this.log(`progress update ${body.delivery_id} to ${this.displayUrl}: attempt ${attempt} failed: ${lastError}`);
          wait = this.backoff(attempt);
        }
      }

      if (attempt === policy.maxAttempts) break;
      if (this.now() + wait >= deadline) {
        lastError += " (no time left in the delivery budget for another attempt)";
        break;
      }
      await this.sleep(wait);
    }
    return {
      ...base,
      delivered: false,
      attempts,
      ...(lastStatus !== undefined ? { status: lastStatus } : {}),
      error: this.redactor.redact(`not delivered after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${lastError}`),
    };
  }

  private backoff(attempt: number): number {
    return Math.min(this.policy.baseDelayMs * 2 ** (attempt - 1), this.policy.maxDelayMs);
  }

  private async post(
    doFetch: typeof fetch,
    raw: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ status: number; retryAfter: string | null; detail: string } | { error: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await doFetch(this.endpoint!.url, { method: "POST", headers, body: raw, redirect: "manual", signal: controller.signal });
      let detail = "";
      try {
        detail = res.ok ? "" : (await res.text()).slice(0, 200).replace(/\s+/g, " ").trim();
        if (res.ok) await res.body?.cancel();
      } catch {
        // The status is what matters.
      }
      // A server that echoes the request must not get the token or the signature into our log.
      for (const sensitive of [headers.authorization, headers[PROGRESS_HEADERS.signature]]) {
        if (sensitive) detail = detail.split(sensitive).join("***").split(sensitive.replace(/^(Bearer |sha256=)/, "")).join("***");
      }
      return { status: res.status, retryAfter: res.headers.get("retry-after"), detail: this.redactor.redact(detail) };
    } catch (error) {
      if (controller.signal.aborted) return { error: `no answer within ${timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { error: this.redactor.redact(cause?.code ?? cause?.message ?? (error as Error).message) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** One line for the log about a delivery (no secret, no token, no signature in it). */
export function describeDelivery(result: DeliveryResult): string {
  const id = result.deliveryId ? `${result.deliveryId} ` : "";
  if (result.delivered) {
    return `progress update ${id}delivered (HTTP ${result.status ?? "?"}, ${result.attempts} attempt${result.attempts === 1 ? "" : "s"})`;
  }
  return `progress update ${id}not delivered: ${result.error ?? "unknown reason"}`;
}
