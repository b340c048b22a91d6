/**
 * A fresh OIDC token from the runner, when it offers one. Deliberately not
 * `@actions/core`'s getIDToken: that throws when ACTIONS_ID_TOKEN_REQUEST_URL
 * is absent, and released Gitea has no OIDC. This is called only when the
 * variable is present, once per request (tokens are short-lived).
 */

type Env = Record<string, string | undefined>;

export const OIDC_ENV = {
  requestUrl: "ACTIONS_ID_TOKEN_REQUEST_URL",
  requestToken: "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
} as const;

export class OidcError extends Error {
  constructor(
    message: string,
    /** Worth another try (network error, timeout, 5xx, 429). */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "OidcError";
  }
}

/** True when the runner offers OIDC tokens to this step. */
export function oidcAvailable(env: Env = process.env): boolean {
  return Boolean(env[OIDC_ENV.requestUrl]?.trim());
}

/** `<request url>&audience=<aud>` (or `?audience=` when the URL has no query yet). */
export function tokenRequestUrl(requestUrl: string, audience: string): string {
  const base = requestUrl.trim();
  const hashAt = base.indexOf("#");
  const head = hashAt >= 0 ? base.slice(0, hashAt) : base;
  const sep = head.includes("?") ? (head.endsWith("?") || head.endsWith("&") ? "" : "&") : "?";
  return `${head}${sep}audience=${encodeURIComponent(audience)}`;
}

export type OidcFetchOptions = {
  audience: string;
  env?: Env;
  timeoutMs: number;
  fetch?: typeof fetch;
};

/** GET the token; resolves the JWT (the response's `value`). Never logs the token. */
export async function fetchOidcToken(opts: OidcFetchOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const requestUrl = env[OIDC_ENV.requestUrl]?.trim();
  if (!requestUrl) throw new OidcError(`${OIDC_ENV.requestUrl} is not set`, false);
  const bearer = env[OIDC_ENV.requestToken]?.trim();
  const doFetch = opts.fetch ?? fetch;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(1, opts.timeoutMs));
  try {
    const res = await doFetch(tokenRequestUrl(requestUrl, opts.audience), {
      method: "GET",
      headers: { accept: "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      redirect: "error",
      signal: controller.signal,
    });
    const text = await res.text();
    if (!res.ok) {
      const transient = res.status === 429 || res.status >= 500;
      throw new OidcError(`OIDC token request answered HTTP ${res.status}`, transient);
    }
    let value: unknown;
    try {
      value = (JSON.parse(text) as { value?: unknown }).value;
    } catch {
      throw new OidcError("OIDC token response is not JSON", false);
    }
    if (typeof value !== "string" || !value) throw new OidcError("OIDC token response has no 'value'", false);
    return value;
  } catch (error) {
    if (error instanceof OidcError) throw error;
    if (controller.signal.aborted) throw new OidcError(`OIDC token request: no answer within ${opts.timeoutMs} ms`, true);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new OidcError(`OIDC token request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, true);
  } finally {
    clearTimeout(timer);
  }
}
