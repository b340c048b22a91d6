/**
 * Where progress updates may go. A dispatch names its `progress_endpoint`;
 * before anything is sent there it must be:
 * - https (plain http only to a loopback host: 127.0.0.0/8, ::1, localhost),
 * - free of credentials (no `user:password@`, no token-like query parameter),
 * - on a host of `progress_allowed_hosts` when that list is set (exact host,
 *   `*.example.com` for any sub-domain, an optional `:port` pins the port);
 * - otherwise on public addresses only, checked on what the host resolves to
 *   (checkProgressEndpoint, and again at each connection: address.ts).
 * The URL is used exactly as given: the correlation id travels in the body only.
 */

import { checkResolvedHost, type Resolver } from "./address";

export class EndpointError extends Error {
  constructor(
    message: string,
    /** The input to fix: the endpoint itself, or the allow-list that refused it. */
    readonly input: "progress_endpoint" | "progress_allowed_hosts",
  ) {
    super(message);
    this.name = "EndpointError";
  }
}

export type ProgressEndpoint = {
  /** The URL requests go to (normalised by the URL parser, otherwise unchanged). */
  url: string;
  /** `scheme://host[:port]`, the default OIDC audience. */
  origin: string;
  /** Lower-case host name without brackets or port. */
  hostname: string;
  /** Effective port (the scheme's default when the URL has none). */
  port: number;
  /** True for plain http to a loopback host. */
  insecureLoopback: boolean;
  /** A progress_allowed_hosts entry names this host: its addresses are the administrator's call. */
  allowListed: boolean;
};

/** Query parameter names that carry credentials; an endpoint must not. */
const CREDENTIAL_PARAMS =
  /^(access[_-]?token|token|auth|authorization|api[_-]?key|apikey|key|secret|client[_-]?secret|password|passwd|pwd|signature|sig|credentials?)$/i;

/** The endpoint as it may be shown in a log or an error: no user info, no query, no fragment. */
export function displayEndpoint(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    // Not a URL: show only a short prefix without anything that looks like user info.
    const head = raw.replace(/\/\/[^/@]*@/, "//").replace(/[?#].*$/, "");
    return head.length > 60 ? `${head.slice(0, 57)}...` : head;
  }
}

/** Brackets removed, lower case, one trailing dot dropped. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

/** 127.0.0.0/8, ::1 (and IPv4-mapped 127/8), localhost. Expects a host name as the URL parser leaves it. */
export function isLoopbackHost(hostname: string): boolean {
  const h = bareHost(hostname);
  if (h === "localhost") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return h.split(".").every((p) => Number(p) <= 255);
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  // The URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(h);
  if (mapped) return (parseInt(mapped[1]!, 16) >> 8) === 127;
  return /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const defaultPort = (protocol: string) => (protocol === "https:" ? 443 : 80);

/** Does one allow-list entry (`host`, `*.suffix`, either with an optional `:port`) admit this host and port? */
export function hostMatches(entry: string, hostname: string, port: number): boolean {
  let pattern = entry.trim().toLowerCase();
  if (!pattern) return false;
  let wantPort: number | undefined;
  const withPort = /^(.*):(\d+)$/.exec(pattern);
  if (withPort && !pattern.startsWith("[")) {
    pattern = withPort[1]!;
    wantPort = Number(withPort[2]);
  }
  if (wantPort !== undefined && wantPort !== port) return false;
  const host = bareHost(hostname);
  pattern = bareHost(pattern);
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(1); // ".example.com"
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return host === pattern;
}

/**
 * Checks a progress endpoint. Throws EndpointError with a message that names
 * the input to fix and never repeats credentials found in the URL.
 */
export function validateProgressEndpoint(raw: string, allowedHosts: readonly string[] = []): ProgressEndpoint {
  const value = raw.trim();
  if (!value) throw new EndpointError("progress_endpoint is empty: expected an https URL such as https://api.example.com/claude/progress.", "progress_endpoint");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EndpointError(
      `progress_endpoint '${displayEndpoint(value)}' is not a URL: expected an https URL such as https://api.example.com/claude/progress.`,
      "progress_endpoint",
    );
  }
  const shown = displayEndpoint(url.href);
  if (url.username || url.password) {
    throw new EndpointError(
      `progress_endpoint '${shown}' must not contain credentials (user:password@host): updates are authenticated by signature or OIDC token instead.`,
      "progress_endpoint",
    );
  }
  const credentialParams = [...url.searchParams.keys()].filter((k) => CREDENTIAL_PARAMS.test(k));
  if (credentialParams.length) {
    throw new EndpointError(
      `progress_endpoint '${shown}' must not carry credentials in its query (${credentialParams.join(", ")}): URLs end up in logs; updates are authenticated by signature or OIDC token instead.`,
      "progress_endpoint",
    );
  }
  if (!url.hostname) {
    throw new EndpointError(`progress_endpoint '${shown}' has no host.`, "progress_endpoint");
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === "http:") {
    if (!loopback) {
      throw new EndpointError(
        `progress_endpoint '${shown}' uses http: progress updates are sent only over https (plain http is allowed only to a loopback host such as 127.0.0.1 or localhost).`,
        "progress_endpoint",
      );
    }
  } else if (url.protocol !== "https:") {
    throw new EndpointError(`progress_endpoint '${shown}' uses ${url.protocol.replace(/:$/, "")}: expected an https URL.`, "progress_endpoint");
  }
  const hostname = bareHost(url.hostname);
  const port = url.port ? Number(url.port) : defaultPort(url.protocol);
  const allowed = allowedHosts.map((h) => h.trim()).filter(Boolean);
  if (allowed.length && !allowed.some((entry) => hostMatches(entry, hostname, port))) {
    throw new EndpointError(
      `progress_endpoint host '${url.host}' is not in progress_allowed_hosts (${allowed.join(", ")}): add it there or dispatch with an allowed endpoint.`,
      "progress_allowed_hosts",
    );
  }
  return { url: url.href, origin: url.origin, hostname, port, insecureLoopback: url.protocol === "http:", allowListed: allowed.length > 0 };
}

/**
 * validateProgressEndpoint, then the addresses the host resolves to
 * (src/dispatch/address.ts) unless progress_allowed_hosts lists it.
 */
export async function checkProgressEndpoint(raw: string, allowedHosts: readonly string[] = [], resolve?: Resolver): Promise<ProgressEndpoint> {
  const endpoint = validateProgressEndpoint(raw, allowedHosts);
  if (endpoint.allowListed) return endpoint;
  const protocol = endpoint.insecureLoopback ? "http:" : "https:";
  let why: string | undefined;
  try {
    why = await checkResolvedHost(endpoint.hostname, protocol, resolve);
  } catch (error) {
    why = `'${endpoint.hostname}' cannot be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (why) {
    throw new EndpointError(
      `progress_endpoint '${displayEndpoint(endpoint.url)}' is refused: ${why}. Progress goes only to public addresses unless progress_allowed_hosts lists the host.`,
      "progress_endpoint",
    );
  }
  return endpoint;
}
