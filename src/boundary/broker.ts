/**
 * The broker: a loopback HTTP server that prepare starts before the run step
 * and finish stops after it. It is the only process of the run step that
 * holds the Gitea token (and the progress secret, and the runner's OIDC
 * request token): they reach it on stdin and live in its memory only, so
 * neither Claude's environment nor any file it can read holds them.
 *
 * It serves, to requests that present the run's capability:
 *   /mcp/gitea     the gitea MCP server (tools scoped to this repository and run)
 *   /mcp/progress  the progress MCP server (dispatch runs)
 *   /git/push      push the working branch, fast-forward only (the checked git's `git push`)
 *   /git/fetch     fetch branches of this repository (the checked git's `git fetch`)
 *
 * The capability grants nothing Claude is not offered anyway (its tools); it
 * keeps other local processes and web pages (Host check) out.
 */
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ProgressClient } from "../dispatch/progress";
import { OIDC_ENV } from "../dispatch/oidc";
import { GiteaCiApi } from "../gitea/ci-api";
import { GiteaClient } from "../gitea/client";
import { Git, spawnRunner } from "../gitea/git";
import type { GiteaMcpConfig } from "../mcp/gitea/config";
import { createGiteaMcpServer } from "../mcp/gitea/server";
import { createProgressServer } from "../mcp/progress/server";
import { Redactor } from "../text/redact";
import { BROKER_ROUTES, type BrokerConfig } from "./broker-config";
import { fetchBranches, pushWorkBranch, type GitRemote, type PushOutcome } from "./push";

export type Broker = { server: http.Server; close(): Promise<void> };

export type BrokerDeps = {
  log?: (line: string) => void;
  /** Gitea HTTP transport (tests). */
  transport?: ConstructorParameters<typeof GiteaClient>[0]["transport"];
};

const MAX_BODY = 4 * 1024 * 1024;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One request at a time per key (pushes of the same branch must not interleave). */
function serialized() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}

export function giteaMcpConfig(config: BrokerConfig): GiteaMcpConfig {
  const [owner, repo] = config.gitea.repository.split("/") as [string, string];
  return {
    apiUrl: config.gitea.apiUrl.replace(/\/+$/, ""),
    owner,
    repo,
    repository: config.gitea.repository,
    ...(config.gitea.publicUrl ? { publicUrl: config.gitea.publicUrl.replace(/\/+$/, "") } : {}),
    ...(config.gitea.commentId !== undefined ? { commentId: config.gitea.commentId } : {}),
    ...(config.gitea.entityNumber !== undefined ? { entityNumber: config.gitea.entityNumber } : {}),
    isPR: config.gitea.isPR,
    ...(config.git ? { branch: config.git.branch, baseBranch: config.git.baseBranch } : {}),
    workspace: config.gitea.workspace,
    gitName: config.gitea.gitName,
    gitEmail: config.gitea.gitEmail,
    token: config.gitea.token,
    ...(config.gitea.run ? { run: config.gitea.run } : {}),
    ...(config.gitea.knownRuns ? { knownRuns: config.gitea.knownRuns } : {}),
    ...(config.gitea.usesJobToken ? { usesJobToken: true } : {}),
    secrets: config.secrets,
  };
}

export async function startBroker(config: BrokerConfig, deps: BrokerDeps = {}): Promise<Broker & { port: number }> {
  const redactor = new Redactor([...config.secrets, config.gitea.token, config.progress?.secret, config.progress?.oidc?.requestToken]);
  const log = (line: string) => deps.log?.(redactor.redact(line));
  const mcpConfig = giteaMcpConfig(config);
  const api = new GiteaClient({
    apiUrl: mcpConfig.apiUrl,
    token: config.gitea.token,
    owner: mcpConfig.owner,
    repo: mcpConfig.repo,
    log,
    ...(deps.transport ? { transport: deps.transport } : {}),
  });
  // One per broker: the Gitea version is asked once.
  const ci = new GiteaCiApi(api);
  const gitEnv = { ...config.env, GIT_TERMINAL_PROMPT: "0" };
  const git = new Git(spawnRunner, config.gitea.workspace, gitEnv);
  const remote: GitRemote | undefined = config.git ? { url: config.git.remoteUrl, token: config.gitea.token } : undefined;
  const once = serialized();
  const push = async (): Promise<PushOutcome> => {
    if (!config.git || !remote) return { ok: false, reason: "no-branch", message: "This run has no working branch to push." };
    const { branch, startSha } = config.git;
    const outcome = await once(() => pushWorkBranch({ workspace: config.gitea.workspace, remote, branch, startSha, env: gitEnv, usesJobToken: config.gitea.usesJobToken === true }));
    log(`push ${branch}: ${outcome.ok ? outcome.status : outcome.reason}`);
    return outcome;
  };

  const progressClient = config.progress
    ? new ProgressClient({
        endpoint: config.progress.endpoint,
        allowedHosts: config.progress.allowedHosts,
        repository: config.progress.repository,
        runId: config.progress.runId,
        ...(config.progress.runUrl ? { runUrl: config.progress.runUrl } : {}),
        ...(config.progress.correlationId ? { correlationId: config.progress.correlationId } : {}),
        ...(config.progress.audience ? { audience: config.progress.audience } : {}),
        seqFile: config.progress.seqFile,
        ...(config.progress.secret ? { secret: config.progress.secret } : {}),
        redact: redactor.secrets,
        env: config.progress.oidc
          ? { [OIDC_ENV.requestUrl]: config.progress.oidc.requestUrl, [OIDC_ENV.requestToken]: config.progress.oidc.requestToken }
          : {},
        log,
        // The model waits for the tool's answer: keep a call under ~5 s whatever the endpoint does.
        delivery: { totalBudgetMs: 5_000 },
      })
    : undefined;

  const mcpServers: Record<string, () => McpServer> = {
    [BROKER_ROUTES.giteaMcp]: () => createGiteaMcpServer({ config: mcpConfig, api, ci, git, redactor, log, ...(config.git ? { push } : {}) }),
    ...(progressClient
      ? { [BROKER_ROUTES.progressMcp]: () => createProgressServer({ sender: progressClient, callTimeoutMs: 6_000, log }) }
      : {}),
  };

  let port = 0;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`request failed: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "internal error" }));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = (req.headers.host ?? "").toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(421).end();
      return;
    }
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !sameSecret(auth.slice(7), config.capability)) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "unauthorized" }));
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const mcp = mcpServers[url.pathname];
    if (mcp) {
      // Stateless: a server and a transport per request (nothing kept between calls).
      const server = mcp();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const body = await readJson(req);
    if (url.pathname === BROKER_ROUTES.push) {
      reply(res, await push());
      return;
    }
    if (url.pathname === BROKER_ROUTES.fetch && config.git && remote) {
      const branches = Array.isArray(body.branches) ? body.branches.filter((b): b is string => typeof b === "string") : [];
      const result = await once(() =>
        fetchBranches({
          workspace: config.gitea.workspace,
          remote,
          env: gitEnv,
          branches,
          ...(typeof body.depth === "number" ? { depth: body.depth } : {}),
          unshallow: body.unshallow === true,
          prune: body.prune === true,
        }),
      );
      reply(res, result);
      return;
    }
    res.writeHead(404).end();
  }

  function reply(res: http.ServerResponse, result: { ok: boolean; message: string }): void {
    res.writeHead(result.ok ? 200 : 409, { "content-type": "application/json" }).end(JSON.stringify({ ...result, message: redactor.redact(result.message) }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  const parsed = JSON.parse(text) as unknown;
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
