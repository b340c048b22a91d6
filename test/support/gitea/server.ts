/**
 * HTTP front: routing of /api/v1 requests to the route table, auth, faults,
 * spec checks, the request log, and git smart HTTP.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Ctx, Reply } from "./context";
import type { Core, RequestLogEntry } from "./core";
import { ApiError, NOT_FOUND_MESSAGE } from "./errors";
import type { FaultSpec } from "./faults";
import { serveGitHttp } from "./git";
import { protectionRulesFile } from "./protection";
import { COMPILED_ROUTES } from "./routes/index";
import { matchRoute } from "./spec";
import { ACTIONS_USER, NotFound, atLeast, type TaskScope, type User } from "./store";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Resolves the Authorization header to a user (and, for an Actions job token,
 * its task scope); `bad` when credentials were given but are invalid.
 */
export function authenticate(core: Core, header: string | undefined): { user: User | null; bad: boolean; scope?: TaskScope } {
  if (!header) return { user: null, bad: false };
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? "" : header.slice(space + 1).trim();
  const byToken = (t: string) => (t ? (core.store.userByToken(t) ?? null) : null);
  const found = (token: string, user: User | null) => {
    const scope = user ? core.store.tokenScopes.get(token) : undefined;
    return { user, bad: user === null, ...(scope ? { scope } : {}) };
  };
  if (scheme === "token" || scheme === "bearer") return found(value, byToken(value));
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const name = colon < 0 ? decoded : decoded.slice(0, colon);
    const pass = colon < 0 ? "" : decoded.slice(colon + 1);
    // Gitea: the password may be a token (any username); with an empty or
    // x-oauth-basic password the username is the token.
    const byPass = byToken(pass);
    if (byPass) return found(pass, byPass);
    return pass === "" || pass === "x-oauth-basic" ? found(name, byToken(name)) : { user: null, bad: true };
  }
  return { user: null, bad: true };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export class EmulatorServer {
  readonly server: http.Server;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly core: Core) {
    this.server = http.createServer((req, res) => {
      const p = this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(String(err));
        }
      });
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    });
    // a "hang" fault must last until stop(), not until Node's default request timeout
    this.server.requestTimeout = 0;
  }

  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        const { port } = this.server.address() as AddressInfo;
        resolve(`http://127.0.0.1:${port}`);
      });
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.inflight]);
  }

  private logEntry(kind: "api" | "git" | "web", req: IncomingMessage, res: ServerResponse, path: string, url: URL): RequestLogEntry {
    const entry: RequestLogEntry = {
      seq: this.core.nextSeq(),
      kind,
      method: req.method ?? "GET",
      path,
      route: null,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      startedAt: performance.now(),
      endedAt: null,
      auth: null,
      fault: null,
    };
    this.core.requests.push(entry);
    res.on("close", () => {
      entry.endedAt = performance.now();
      entry.status = res.writableFinished ? res.statusCode : 0;
    });
    return entry;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const p = url.pathname;
    if (p === "/api/v1" || p.startsWith("/api/v1/")) return this.api(req, res, url);
    const git = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(p);
    if (git) return this.git(req, res, url, git[1] ?? "", git[2] ?? "", git[3] ?? "");
    const attachment = /^\/attachments\/([0-9a-f-]{36})$/i.exec(p);
    if (attachment) return this.attachment(req, res, url, attachment[1]!.toLowerCase());
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("Not found.\n");
  }

  /** Applies a fault; returns true when the request must not be handled further. */
  private async applyFault(
    kind: "api" | "git" | "web",
    entry: RequestLogEntry,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<boolean> {
    const fault = this.core.faults.take(kind, entry.route);
    if (!fault) return false;
    entry.fault = fault.id;
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.reset) {
      req.socket.destroy();
      return true;
    }
    if (fault.hang) return true; // answered never; stop() closes the socket
    if (fault.status === undefined) return false;
    this.sendFault(res, fault);
    return true;
  }

  private sendFault(res: ServerResponse, fault: FaultSpec): void {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
    let body: string;
    if (typeof fault.body === "string") {
      body = fault.body;
      headers["Content-Type"] = "text/plain; charset=utf-8";
    } else {
      body = JSON.stringify(fault.body ?? { message: "emulated fault", url: this.core.swaggerUrl });
      headers["Content-Type"] = "application/json;charset=utf-8";
    }
    res.writeHead(fault.status ?? 500, headers);
    res.end(body);
  }

  private sendError(res: ServerResponse, err: ApiError, extra: Record<string, string> = {}): void {
    if (err.message === "" && err.errors === undefined) {
      res.writeHead(err.status, extra);
      res.end();
      return;
    }
    const body: Record<string, unknown> =
      err.status === 404 && err.message === NOT_FOUND_MESSAGE
        ? { errors: err.errors ?? null, message: err.message, url: this.core.swaggerUrl }
        : { message: err.message, url: this.core.swaggerUrl };
    res.writeHead(err.status, { "Content-Type": "application/json;charset=utf-8", ...extra });
    res.end(JSON.stringify(body));
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const core = this.core;
    const method = (req.method ?? "GET").toUpperCase();
    const rel = url.pathname.slice("/api/v1".length) || "/";
    const entry = this.logEntry("api", req, res, rel, url);
    const rawBody = await readBody(req);
    const auth = authenticate(core, req.headers.authorization);
    entry.auth = auth.user?.login ?? null;

    const match = matchRoute(COMPILED_ROUTES, method, rel);
    const since = match?.entry.def.since;
    const servedHere = (def: NonNullable<typeof match>["entry"]["def"]) => !def.since || core.atLeast(def.since) || (def.forgejo === true && core.forgejo);
    const served = match && servedHere(match.entry.def) ? match : null;
    const specMatch = core.spec?.match(method, rel) ?? null;
    entry.route = served?.entry.route ?? specMatch?.entry.route ?? match?.entry.route ?? null;

    if (core.latencyMs > 0) await sleep(core.latencyMs);
    if (await this.applyFault("api", entry, req, res)) return;

    if (auth.bad) return this.sendError(res, new ApiError(401, "user does not exist [uid: 0, name: ]"));

    const validate = core.options.validate && core.spec !== null;
    const violation = (kind: Parameters<Core["violation"]>[0]["kind"], message: string) =>
      core.violation({ kind, method, path: rel, route: entry.route, message });

    if (!served) {
      if (match && since) {
        // A route this version does not have is no route at all: the router's plain 404
        // (http.NotFound: text/plain "404 page not found"), not an API error.
        res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
        res.end("404 page not found\n");
        return;
      }
      if (validate) {
        if (specMatch) violation("unimplemented-route", `${specMatch.entry.route} is in the spec but not emulated`);
        else violation("unknown-route", `${method} ${rel} is not a Gitea ${core.spec?.version} API route`);
      }
      return this.sendError(res, new ApiError(404, NOT_FOUND_MESSAGE, null));
    }
    const route = served.entry.route;
    const inSpec = validate && core.spec?.has(route) === true;
    // A route may be newer than the spec used for this version (1.23 is checked against 1.22's), or Forgejo's own.
    const specLags = served.entry.def.since !== undefined && core.spec !== null && !core.spec.covers(served.entry.def.since);
    if (validate && !inSpec && !specLags && !(served.entry.def.forgejo && core.forgejo)) {
      violation("unknown-route", `${route} is served by the emulator but absent from the Gitea ${core.spec?.version} spec`);
    }
    if (inSpec) for (const problem of core.spec?.checkQuery(route, url.searchParams) ?? []) violation("unknown-query", problem);

    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch (e) {
        if (inSpec) violation("invalid-body", `body is not JSON: ${(e as Error).message}`);
        return this.sendError(res, new ApiError(422, `[]: Deserialization error: ${(e as Error).message}`));
      }
    }
    if (inSpec && core.spec?.hasBody(route)) {
      const errors = core.spec.validateBody(route, body ?? {});
      if (errors.length > 0) {
        for (const e of errors) violation("invalid-body", e);
        return this.sendError(res, new ApiError(422, errors.join("; ")));
      }
      for (const e of core.spec.unknownBodyFields(route, body ?? {})) violation("unknown-body-field", e);
    }

    const ctx: Ctx = {
      core,
      method,
      route,
      params: served.params,
      query: url.searchParams,
      body: body ?? {},
      user: auth.user,
      ...(auth.scope ? { scope: auth.scope } : {}),
      requestUri: `/api/v1${rel}${url.search}`,
      requestHeaders: req.headers,
      headers: {},
    };
    let reply: Reply;
    try {
      reply = await served.entry.def.handler(ctx);
    } catch (err) {
      if (err instanceof ApiError) return this.sendError(res, err, ctx.headers);
      if (err instanceof NotFound) return this.sendError(res, new ApiError(404, NOT_FOUND_MESSAGE, [err.message]));
      core.violation({ kind: "emulator-error", method, path: rel, route, message: String((err as Error)?.stack ?? err) });
      return this.sendError(res, new ApiError(500, String((err as Error)?.message ?? err)));
    }

    // A partial answer to a Range request where the spec declares 200: Gitea serves raw content (job logs)
    // with Go's http.ServeContent, which answers ranges with 206 whatever the spec lists.
    const ranged = reply.status === 206 && ctx.requestHeaders?.range !== undefined && core.spec?.successStatuses(route).includes(200);
    if (inSpec && core.spec && reply.status >= 200 && reply.status < 300 && !ranged) {
      const problems =
        reply.json !== undefined
          ? core.spec.validateResponse(route, reply.status, reply.json, reply.schema)
          : core.spec.successStatuses(route).length > 0 && !core.spec.successStatuses(route).includes(reply.status)
            ? [`status ${reply.status} is not a declared success response`]
            : [];
      for (const p of problems) violation("invalid-response", p);
    }

    const headers: Record<string, string> = { ...ctx.headers };
    let payload: Buffer | string | undefined;
    if (reply.json !== undefined) {
      headers["Content-Type"] = "application/json;charset=utf-8";
      payload = JSON.stringify(reply.json);
    } else if (reply.raw !== undefined) {
      headers["Content-Type"] = reply.contentType ?? "application/octet-stream";
      payload = reply.raw;
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  /**
   * `GET /attachments/{uuid}` (a web route; Gitea accepts a token here): the
   * file, for whoever may read the repository it belongs to; 404 otherwise and
   * when attachments are disabled.
   */
  private async attachment(req: IncomingMessage, res: ServerResponse, url: URL, uuid: string): Promise<void> {
    const core = this.core;
    const entry = this.logEntry("web", req, res, url.pathname, url);
    entry.route = "GET /attachments/{uuid}";
    const auth = authenticate(core, req.headers.authorization);
    entry.auth = auth.user?.login ?? null;
    if (core.latencyMs > 0) await sleep(core.latencyMs);
    if (await this.applyFault("web", entry, req, res)) return;
    req.resume();
    const a = [...core.store.attachments.values()].find((x) => x.uuid === uuid);
    const repo = a ? core.store.findRepo(a.repo) : undefined;
    const visible = repo && core.store.accessMode(repo, auth.user?.login) !== "none";
    if (req.method !== "GET" || !core.attachmentsEnabled || !a || !visible || auth.bad) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not found.\n");
      return;
    }
    a.download_count++;
    const body = a.content ?? Buffer.alloc(0);
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(body.length), "Content-Disposition": `inline; filename="${encodeURIComponent(a.name)}"` });
    res.end(body);
  }

  private async git(req: IncomingMessage, res: ServerResponse, url: URL, owner: string, name: string, service: string) {
    const core = this.core;
    const entry = this.logEntry("git", req, res, url.pathname, url);
    const auth = authenticate(core, req.headers.authorization);
    entry.auth = auth.user?.login ?? null;
    if (await this.applyFault("git", entry, req, res)) return;

    const deny = (status: number, text: string, challenge = false) => {
      req.resume();
      const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
      if (challenge) headers["WWW-Authenticate"] = 'Basic realm="Gitea"';
      res.writeHead(status, headers);
      res.end(`${text}\n`);
    };
    const repo = core.store.findRepo(`${owner}/${name}`);
    if (!repo) return deny(404, "Repository not found");
    if (auth.bad) return deny(401, "invalid credentials", true);
    const isPush = service === "git-receive-pack" || url.searchParams.get("service") === "git-receive-pack";
    const perm = core.store.permission(repo, auth.user?.login, auth.scope);
    const mode = perm.unit("repo.code");
    if (!auth.user && (isPush || mode === "none")) return deny(401, "Unauthorized", true);
    if (mode === "none") return deny(404, "Repository not found");
    // A fork run's job token is read-only: Gitea refuses its pushes (routers/web/repo/githttp.go).
    if (isPush && !atLeast(mode, "write")) return deny(403, "User permission denied for writing.");

    const pathInfo = `/${repo.owner.toLowerCase()}/${repo.name.toLowerCase()}.git/${service}`;
    const pushedBy = auth.user?.login ?? null;
    const defaultHead = service === "git-receive-pack" ? await repo.git.revParse(`refs/heads/${repo.defaultBranch}`) : null;
    await serveGitHttp(req, res, {
      projectRoot: core.reposRoot,
      pathInfo,
      query: url.search.replace(/^\?/, ""),
      remoteUser: pushedBy,
      // Protected branches are enforced by a pre-receive hook, with Gitea's message.
      ...(service === "git-receive-pack" ? { protection: await protectionRulesFile(core, repo) } : {}),
      // pushed branches must be visible to the API (PR refs included) once the push returns
      beforeEnd:
        service === "git-receive-pack"
          ? async () => {
              core.touchRepo(repo);
              await core.syncPulls(repo.fullName, pushedBy ?? undefined);
              if (auth.user?.id === ACTIONS_USER.id && (await repo.git.revParse(`refs/heads/${repo.defaultBranch}`)) !== defaultHead) {
                // Gitea re-registers the schedules of a push by the Actions user with no payload.
                repo.schedulesWithoutPayload = true;
              }
            }
          : undefined,
    });
  }
}
