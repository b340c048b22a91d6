/**
 * Which of the CLI features the trust boundary builds on does a Claude Code
 * CLI have? Each probe runs the given CLI (installed from npm into a temporary
 * directory, outside the repository) in print mode against the scripted
 * Messages API and checks the effect, not the help text:
 *
 *   env-file      CLAUDE_ENV_FILE names a shell file sourced before each Bash command
 *   key-fd        CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR: the API key read from an inherited fd
 *   oauth-fd      CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR: the OAuth token read from an inherited fd
 *   http-mcp      --mcp-config server {"type": "http", "url", "headers"}: called with the header
 *   edit-rule     --allowedTools "Edit(//<dir>/**)": a write inside is allowed, outside refused
 *   read-confine  no bare Read rule: a read in the working directory works, outside it is refused
 *   env-scrub     CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=1: ANTHROPIC_API_KEY not visible to Bash
 *
 *   npx tsx scripts/cli-features.ts [--dir DIR] [--keep] VERSION…
 *
 * Prints a markdown table row per version. Results are recorded in
 * docs/research/cli-versions.md.
 */
import { spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import * as z from "zod";
import { cmp, install, npmVersions } from "./cli-versions";
import { lastToolResults, startModel, text, toolUse, type ScriptedModel } from "../test/support/model/index";

const KEY = "sk-ant-api03-feature-probe-KEY-0123456789";
const OAUTH = "sk-ant-oat01-feature-probe-TOKEN-0123456789";
const CAPABILITY = "probe-capability-5b1e";

type Probe = (ctx: ProbeContext) => Promise<{ ok: boolean; note: string }>;
type ProbeContext = { cli: string; model: ScriptedModel; root: string };

type RunResult = { code: number | null; stdout: string; stderr: string };

/** Runs the CLI in print mode; `fd3` (when given) is written to file descriptor 3. */
function runCli(cli: string, o: { cwd: string; env: Record<string, string>; args: string[]; fd3?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ["-p", "Go.", "--output-format", "stream-json", "--verbose", ...o.args], {
      cwd: o.cwd,
      env: o.env,
      stdio: o.fd3 === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d));
    child.stderr!.on("data", (d: Buffer) => (stderr += d));
    if (o.fd3 !== undefined) {
      const w = child.stdio[3] as NodeJS.WritableStream;
      w.on("error", () => {});
      w.end(o.fd3);
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function box(root: string, name: string) {
  const dir = join(root, name);
  const home = join(dir, "home");
  const cwd = join(dir, "work");
  await mkdir(join(home, ".claude-tmp"), { recursive: true });
  await mkdir(cwd, { recursive: true });
  return { dir, home, cwd };
}

function env(modelUrl: string, home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const e: Record<string, string | undefined> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_TMPDIR: join(home, ".claude-tmp"),
    ...extra,
  };
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** The text of the tool results the model received in its last request. */
const lastResultsText = (model: ScriptedModel) => {
  const req = model.mainRequests.at(-1);
  return req ? lastToolResults(req.body).map((r) => r.text).join("\n") : "";
};

/** A loopback proxy in front of the model that records the auth headers of every request. */
async function authTap(target: string): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`x-api-key=${req.headers["x-api-key"] ?? ""} authorization=${req.headers.authorization ?? ""}`);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const up = http.request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on("error", () => res.end());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

const PROBES: Record<string, Probe> = {
  async "env-file"({ cli, model, root }) {
    const b = await box(root, "env-file");
    const file = join(b.dir, "env.sh");
    await writeFile(file, "export CCGA_ENV_PROBE=sourced-ok\n");
    model.script([{ reply: [toolUse("Bash", { command: "printenv CCGA_ENV_PROBE", description: "probe" })] }, { reply: [text("ok")] }]);
    await runCli(cli, { cwd: b.cwd, env: env(model.url, b.home, { CLAUDE_ENV_FILE: file }), args: ["--allowedTools", "Bash(printenv:*)"] });
    const out = lastResultsText(model);
    return { ok: out.includes("sourced-ok"), note: out.slice(0, 80) };
  },
  async "key-fd"({ cli, model, root }) {
    const b = await box(root, "key-fd");
    const tap = await authTap(model.url);
    try {
      model.script([{ reply: [text("ok")] }]);
      const r = await runCli(cli, {
        cwd: b.cwd,
        env: env(tap.url, b.home, { ANTHROPIC_API_KEY: undefined, CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR: "3" }),
        args: [],
        fd3: KEY,
      });
      const ok = tap.seen.some((s) => s.includes(`x-api-key=${KEY}`)) && model.mainRequests.length > 0;
      return { ok, note: ok ? "x-api-key from fd 3" : `${r.stdout.slice(-120)} ${r.stderr.slice(-120)}`.trim() };
    } finally {
      await tap.close();
    }
  },
  async "oauth-fd"({ cli, model, root }) {
    const b = await box(root, "oauth-fd");
    const tap = await authTap(model.url);
    try {
      model.script([{ reply: [text("ok")] }]);
      const r = await runCli(cli, {
        cwd: b.cwd,
        env: env(tap.url, b.home, { ANTHROPIC_API_KEY: undefined, CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR: "3" }),
        args: [],
        fd3: OAUTH,
      });
      const ok = tap.seen.some((s) => s.includes(`authorization=Bearer ${OAUTH}`)) && model.mainRequests.length > 0;
      return { ok, note: ok ? "Bearer token from fd 3" : `${r.stdout.slice(-120)} ${r.stderr.slice(-120)}`.trim() };
    } finally {
      await tap.close();
    }
  },
  async "http-mcp"({ cli, model, root }) {
    const b = await box(root, "http-mcp");
    const calls: string[] = [];
    const server = http.createServer(async (req, res) => {
      if (req.headers.authorization !== `Bearer ${CAPABILITY}`) {
        res.writeHead(401).end();
        return;
      }
      const mcp = new McpServer({ name: "remote", version: "1.0.0" });
      mcp.registerTool("echo", { description: "Echo", inputSchema: { text: z.string() } }, async ({ text: t }) => {
        calls.push(t);
        return { content: [{ type: "text", text: `echo:${t}` }] };
      });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => void transport.close());
      await mcp.connect(transport);
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
      await transport.handleRequest(req, res, body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const config = join(b.dir, "mcp.json");
      await writeFile(config, JSON.stringify({ mcpServers: { remote: { type: "http", url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: `Bearer ${CAPABILITY}` } } } }));
      model.script([{ reply: [toolUse("mcp__remote__echo", { text: "ping" })] }, { reply: [text("ok")] }]);
      await runCli(cli, { cwd: b.cwd, env: env(model.url, b.home), args: ["--mcp-config", config, "--allowedTools", "mcp__remote__echo"] });
      return { ok: calls.includes("ping"), note: lastResultsText(model).slice(0, 80) };
    } finally {
      await new Promise((r) => server.close(() => r(undefined)));
    }
  },
  async "edit-rule"({ cli, model, root }) {
    const b = await box(root, "edit-rule");
    const allowed = join(b.cwd, "allowed");
    const outside = join(b.dir, "outside");
    await mkdir(allowed, { recursive: true });
    await mkdir(outside, { recursive: true });
    const cwdReal = realpathSync(b.cwd);
    model.script([
      { reply: [toolUse("Write", { file_path: join(allowed, "in.txt"), content: "in\n" })] },
      { reply: [toolUse("Write", { file_path: join(b.cwd, "cwd.txt"), content: "cwd\n" })] },
      { reply: [toolUse("Write", { file_path: join(outside, "out.txt"), content: "out\n" })] },
      { reply: [text("ok")] },
    ]);
    await runCli(cli, { cwd: b.cwd, env: env(model.url, b.home), args: ["--allowedTools", `Edit(/${join(cwdReal, "allowed")}/**)`] });
    const inside = existsSync(join(allowed, "in.txt"));
    const cwdFile = existsSync(join(b.cwd, "cwd.txt"));
    const out = existsSync(join(outside, "out.txt"));
    return { ok: inside && !cwdFile && !out, note: `rule dir: ${inside ? "written" : "refused"}; rest of cwd: ${cwdFile ? "written" : "refused"}; outside: ${out ? "written" : "refused"}` };
  },
  async "read-confine"({ cli, model, root }) {
    const b = await box(root, "read-confine");
    await writeFile(join(b.cwd, "inside.txt"), "inside-content\n");
    await writeFile(join(b.dir, "outside.txt"), "outside-content\n");
    const results: string[] = [];
    model.script([
      { reply: [toolUse("Read", { file_path: join(b.cwd, "inside.txt") })] },
      { check: (req) => void results.push(lastToolResults(req).map((r) => r.text).join("")), reply: [toolUse("Read", { file_path: join(b.dir, "outside.txt") })] },
      { check: (req) => void results.push(lastToolResults(req).map((r) => r.text).join("")), reply: [text("ok")] },
    ]);
    await runCli(cli, { cwd: b.cwd, env: env(model.url, b.home), args: ["--allowedTools", "Glob"] });
    const inside = results[0]?.includes("inside-content") ?? false;
    const outside = results[1]?.includes("outside-content") ?? false;
    return { ok: inside && !outside, note: `cwd read: ${inside ? "allowed" : "refused"}; outside read: ${outside ? "allowed" : "refused"}` };
  },
  async "env-scrub"({ cli, model, root }) {
    const b = await box(root, "env-scrub");
    // A plain variable beside the key: it must come through, or the probe proves nothing.
    model.script([{ reply: [toolUse("Bash", { command: "printenv CCGA_PLAIN ANTHROPIC_API_KEY", description: "probe" })] }, { reply: [text("ok")] }]);
    await runCli(cli, { cwd: b.cwd, env: env(model.url, b.home, { CLAUDE_CODE_SUBPROCESS_ENV_SCRUB: "1", CCGA_PLAIN: "plain-visible" }), args: ["--allowedTools", "Bash(printenv:*)"] });
    const out = lastResultsText(model);
    const ran = out.includes("plain-visible");
    return { ok: ran && !out.includes(KEY), note: ran ? (out.includes(KEY) ? "key visible" : "key scrubbed") : `Bash did not run: ${out.slice(0, 60)}` };
  },
};

export async function probeCli(cli: string, only?: string[]): Promise<Record<string, { ok: boolean; note: string }>> {
  const out: Record<string, { ok: boolean; note: string }> = {};
  for (const [name, probe] of Object.entries(PROBES)) {
    if (only && !only.includes(name)) continue;
    const root = await mkdtemp(join(tmpdir(), `ccga-feature-${name}-`));
    const model = await startModel();
    try {
      out[name] = await probe({ cli, model, root });
    } catch (e) {
      out[name] = { ok: false, note: `probe error: ${(e as Error).message}` };
    } finally {
      await model.close();
      await rm(root, { recursive: true, force: true });
    }
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  let dir = join(tmpdir(), "ccga-cli-versions");
  let keep = false;
  let only: string[] | undefined;
  const versions: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--dir") dir = args[++i]!;
    else if (args[i] === "--keep") keep = true;
    else if (args[i] === "--only") only = args[++i]!.split(",");
    else versions.push(args[i]!);
  }
  await mkdir(dir, { recursive: true });
  const bisect = args.indexOf("--bisect");
  if (bisect !== -1) {
    // --bisect FEATURE FROM TO: the first version in [FROM, TO] (npm order) where FEATURE works, assuming it stays.
    const [feature, from, to] = args.slice(bisect + 1, bisect + 4) as [string, string, string];
    const all = npmVersions().filter((v) => cmp(v, from) >= 0 && cmp(v, to) <= 0);
    const works = async (v: string) => {
      const r = (await probeCli(install(dir, v), [feature]))[feature]!;
      console.log(`${feature} ${v}: ${r.ok ? "yes" : "no"} (${r.note.replace(/\s+/g, " ").slice(0, 120)})`);
      return r.ok;
    };
    let lo = 0;
    let hi = all.length - 1;
    if (!(await works(all[hi]!))) return console.log(`${feature}: not in ${to}`);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await works(all[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    console.log(`${feature}: first in ${all[lo]}`);
    return;
  }
  const names = Object.keys(PROBES).filter((n) => !only || only.includes(n));
  console.log(`| CLI | ${names.join(" | ")} |`);
  console.log(`| --- | ${names.map(() => "---").join(" | ")} |`);
  for (const v of versions) {
    const cli = v.includes("/") ? v : install(dir, v);
    const r = await probeCli(cli, only);
    console.log(`| ${v} | ${names.map((n) => `${r[n]!.ok ? "yes" : "no"} (${r[n]!.note.replace(/\|/g, "/").replace(/\s+/g, " ")})`).join(" | ")} |`);
    if (!keep && !v.includes("/")) await rm(join(dir, v), { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
