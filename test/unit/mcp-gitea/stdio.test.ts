/**
 * The entrypoint over real stdio: from source (tsx) and bundled the way
 * scripts/build.mjs bundles it. Every stdout line must be a JSON-RPC message;
 * logs go to stderr without the token.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../../..");
const ENTRY = path.join(ROOT, "src/entrypoints/gitea-mcp.ts");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const TOKEN = "gto_stdio_secret_token";

const ENV = {
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  GITEA_API_URL: "http://127.0.0.1:9/api/v1",
  GITEA_REPOSITORY: "acme/widgets",
  CLAUDE_COMMENT_ID: "501",
  GITEA_ENTITY_NUMBER: "12",
  GITEA_IS_PR: "false",
  CLAUDE_BRANCH: "claude/issue-12",
  BASE_BRANCH: "main",
  GITHUB_WORKSPACE: ROOT,
  GITEA_TOKEN: TOKEN,
};

type Run = { stdout: string; stderr: string; code: number | null; responses: { id?: number; result?: unknown; error?: unknown }[] };

function session(command: string, args: string[], env: Record<string, string>, requests: object[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const expected = requests.filter((r) => "id" in r).length;
    const responses: Run["responses"] = [];
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no answer in time; stdout=${stdout} stderr=${stderr}`));
    }, 60_000);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const lines = stdout.split("\n").filter(Boolean);
      responses.length = 0;
      for (const line of lines) {
        try {
          responses.push(JSON.parse(line));
        } catch {
          /* checked below */
        }
      }
      if (responses.filter((r) => r.id !== undefined).length >= expected) child.stdin.end();
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, responses });
    });
    for (const r of requests) child.stdin.write(`${JSON.stringify(r)}\n`);
    if (!expected) child.stdin.end();
  });
}

const REQUESTS = [
  { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} },
];

function expectProtocolOnly(run: Run) {
  const lines = run.stdout.split("\n").filter(Boolean);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
  const list = run.responses.find((r) => r.id === 2)!.result as { tools: { name: string }[] };
  expect(list.tools.map((t) => t.name).sort()).toEqual([
    "commit_files",
    "create_pull_request",
    "get_file_contents",
    "get_issue",
    "get_pull_request",
    "get_pull_request_file_diff",
    "list_branches",
    "list_comments",
    "list_labels",
    "list_pull_request_commits",
    "list_pull_request_files",
    "list_pull_request_reviews",
    "list_review_comments",
    "set_labels",
    "update_claude_comment",
  ]);
  expect(run.stderr).toContain("[gitea-mcp] serving acme/widgets #12 on claude/issue-12");
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
}

describe("gitea-mcp entrypoint over stdio", () => {
  let dir = "";
  let bundle = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gitea-mcp-bundle-"));
    bundle = path.join(dir, "gitea-mcp.js");
    // The same options as scripts/build.mjs, for this one entrypoint.
    await build({
      entryPoints: [ENTRY],
      outfile: bundle,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
      logLevel: "warning",
    });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("from source (tsx): lists tools; stdout is protocol only", async () => {
    expectProtocolOnly(await session(TSX, [ENTRY], ENV, REQUESTS));
  });

  it("bundled (node dist-style file): lists tools; stdout is protocol only", async () => {
    expectProtocolOnly(await session(process.execPath, [bundle], ENV, REQUESTS));
  });

  it("a bad configuration exits 1 with the reason on stderr and nothing on stdout", async () => {
    const { GITEA_REPOSITORY: _, ...rest } = ENV;
    const run = await session(process.execPath, [bundle], { ...rest, GITEA_API_URL: "not a url" }, []);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("gitea MCP server: bad configuration:\n- GITEA_API_URL must be an http(s) URL\n- GITEA_REPOSITORY is not set\n");
  });
});
