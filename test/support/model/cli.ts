// Running the repo's claude CLI against the scripted model: its path, an
// isolated environment, throw-away directories and an async runner that
// collects the stream-json output.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (test/support/model/../../..). */
export const REPO_ROOT = path.resolve(HERE, "../../..");

/**
 * Absolute path of the claude CLI the tests run: the repo's (node_modules/.bin/claude),
 * or the one named by CLAUDE_TEST_CLI, to run the suites against another version
 * (e.g. the one a runner image bakes in).
 */
export function claudeBin(): string {
  return process.env.CLAUDE_TEST_CLI || path.join(REPO_ROOT, "node_modules", ".bin", "claude");
}

/** A dummy key: the CLI needs one to start, the scripted model ignores it. */
export const DUMMY_API_KEY = "sk-ant-api03-scripted-model-dummy-key";

export interface ClaudeEnvOptions {
  /** The scripted model's url (ANTHROPIC_BASE_URL). */
  modelUrl: string;
  /** A throw-away HOME: the CLI writes ~/.claude and ~/.claude.json there. */
  home: string;
  /** Extra variables, applied last. */
  extra?: Record<string, string>;
}

/**
 * The environment to give the CLI. Built from scratch (nothing inherited but
 * PATH and a few locale variables), so no real credentials or config leak in.
 * Creates `<home>/.claude-tmp` for the CLI's temporary files. See README.md
 * for why each switch is there.
 */
export function claudeEnv({ modelUrl, home, extra }: ClaudeEnvOptions): Record<string, string> {
  const tmp = path.join(home, ".claude-tmp");
  mkdirSync(tmp, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: DUMMY_API_KEY,
    // Without this the CLI contacts api.anthropic.com (metrics, feature flags…) on every run.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    // Makes the CLI label each request with x-claude-code-request-class (main, subagent, compaction, auxiliary…).
    CLAUDE_CODE_GATEWAY_HINT_HEADERS: "1",
    // Task outputs, shell snapshots and sockets go here instead of /tmp/claude-<uid>.
    CLAUDE_CODE_TMPDIR: tmp,
  };
  for (const k of ["LANG", "LC_ALL", "TZ"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

/** A fresh temporary directory; remove it with `rm(dir, { recursive: true, force: true })`. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
}

export interface Sandbox {
  /** The temporary directory holding home/ and work/ (free for config files). */
  root: string;
  home: string;
  cwd: string;
  cleanup(): Promise<void>;
}

/** A temporary HOME and working directory for one CLI run. */
export async function sandbox(prefix = "claude-run"): Promise<Sandbox> {
  const root = await tempDir(prefix);
  const home = path.join(root, "home");
  const cwd = path.join(root, "work");
  await mkdir(home);
  await mkdir(cwd);
  return { root, home, cwd, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** One line of `--output-format stream-json` output. */
export interface StreamMessage {
  type: string;
  subtype?: string;
  [key: string]: unknown;
}

export interface ClaudeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Parsed stream-json lines (lines that are not JSON are skipped). */
  messages: StreamMessage[];
  /** The final `type: "result"` message, if any. */
  result?: StreamMessage;
}

export interface SpawnClaudeOptions {
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface SpawnedClaude {
  child: ChildProcess;
  /** Settles when the process has exited and its output is closed. */
  done: Promise<ClaudeRun>;
}

/** Start the CLI asynchronously (stdin closed). */
export function spawnClaude({ args, cwd, env }: SpawnClaudeOptions): SpawnedClaude {
  const child = spawn(claudeBin(), args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<ClaudeRun>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      const messages: StreamMessage[] = [];
      for (const line of stdout.split("\n")) {
        const t = line.trim();
        if (!t.startsWith("{")) continue;
        try {
          const m = JSON.parse(t) as unknown;
          if (typeof m === "object" && m !== null && typeof (m as StreamMessage).type === "string") messages.push(m as StreamMessage);
        } catch {
          // not a stream-json line
        }
      }
      const result = messages.filter((m) => m.type === "result").at(-1);
      resolve({ code, signal, stdout, stderr, messages, ...(result ? { result } : {}) });
    });
  });
  return { child, done };
}

export interface RunClaudeOptions {
  /** The prompt (passed after -p). */
  prompt: string;
  modelUrl: string;
  home: string;
  cwd: string;
  /** More CLI arguments (e.g. --allowedTools, --json-schema, --mcp-config). */
  args?: string[];
  env?: Record<string, string>;
}

/** `claude -p <prompt> --output-format stream-json --verbose …args` in an isolated environment. */
export function runClaude(o: RunClaudeOptions): SpawnedClaude {
  return spawnClaude({
    args: ["-p", o.prompt, "--output-format", "stream-json", "--verbose", ...(o.args ?? [])],
    cwd: o.cwd,
    env: claudeEnv({ modelUrl: o.modelUrl, home: o.home, ...(o.env ? { extra: o.env } : {}) }),
  });
}
