/**
 * Injected failures. A fault is matched against a request before the request
 * is handled, so a faulted request never changes state.
 */

export interface FaultSpec {
  /**
   * Swagger-style template ("POST /repos/{owner}/{repo}/issues/{index}/comments"),
   * "*" for every API route, "git" for every smart-HTTP request, or a web
   * route ("GET /attachments/{uuid}").
   */
  route: string;
  /** How many requests it applies to (default: all). */
  times?: number;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Body for `status` (JSON unless a string); default Gitea's error shape. */
  body?: unknown;
  /** Seconds, sent as Retry-After (use with 429). */
  retryAfter?: number;
  /** Delay before answering (or before handling, when no status is given). */
  latencyMs?: number;
  /** Destroy the socket without any response. */
  reset?: boolean;
  /** Never answer (until stop()). */
  hang?: boolean;
}

export interface Fault extends Readonly<FaultSpec> {
  readonly id: number;
  /** How many requests this fault has been applied to. */
  readonly fired: number;
  /** Requests it may still apply to. */
  readonly remaining: number;
}

interface FaultState extends FaultSpec {
  id: number;
  fired: number;
  remaining: number;
}

export class Faults {
  private list: FaultState[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const state: FaultState = { ...spec, id: this.nextId++, fired: 0, remaining: spec.times ?? Infinity };
    this.list.push(state);
    return state;
  }

  clear(): void {
    this.list = [];
  }

  remove(fault: Fault): void {
    this.list = this.list.filter((f) => f.id !== fault.id);
  }

  /** All faults added since the last clear(), with their counters. */
  all(): readonly Fault[] {
    return this.list;
  }

  /** Total times faults for this route key have fired. */
  firedCount(route?: string): number {
    return this.list.filter((f) => route === undefined || f.route === route).reduce((n, f) => n + f.fired, 0);
  }

  /**
   * Picks (and consumes one use of) the first live fault for a request.
   * `route` is the request's template (or null when unknown), `kind` api|git.
   */
  take(kind: "api" | "git" | "web", route: string | null): FaultState | null {
    for (const f of this.list) {
      if (f.remaining <= 0) continue;
      const hit =
        kind === "git" ? f.route === "git" : kind === "web" ? route !== null && f.route === route : f.route === "*" || (route !== null && f.route === route);
      if (!hit) continue;
      f.remaining -= 1;
      f.fired += 1;
      return f;
    }
    return null;
  }
}
