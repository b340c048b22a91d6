/**
 * dist/claude-launcher.js: starts the real Claude CLI with the environment
 * src/boundary/launcher.ts decides, hands it the Anthropic credential on a
 * pipe, forwards signals, and stops it after timeout_minutes (TERM, then
 * KILL 10 s later), leaving `{"minutes":N,"exitStatus":124}` in the marker
 * file for finish. Exits with the CLI's status (124 when it timed out).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import type { Writable } from "node:stream";
import { launchPlan, launcherConfigSchema } from "../boundary/launcher";

const [configFile, ...args] = process.argv.slice(2);
const config = launcherConfigSchema.parse(JSON.parse(readFileSync(configFile!, "utf8")));
const plan = launchPlan(process.env, config);
const entriesBefore = new Set(config.sandboxWorkspace ? safeList(config.sandboxWorkspace) : []);
const excludeFile = config.sandboxWorkspace ? join(config.sandboxWorkspace, ".git", "info", "exclude") : undefined;
const excludeBefore = excludeFile ? safeRead(excludeFile) : undefined;

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** A directory holding nothing but (possibly nested) empty directories. */
function emptyTree(dir: string): boolean {
  return safeList(dir).every((name) => {
    try {
      return statSync(join(dir, name)).isDirectory() && emptyTree(join(dir, name));
    } catch {
      return false;
    }
  });
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The CLI's subprocess sandbox leaves empty mount points (package.json, .npmrc, .env…) in the workspace: remove the new empty ones. */
function removeSandboxLeftovers(): void {
  if (!config.sandboxWorkspace) return;
  for (const name of safeList(config.sandboxWorkspace)) {
    if (entriesBefore.has(name)) continue;
    const p = join(config.sandboxWorkspace, name);
    try {
      const st = statSync(p);
      if (st.isFile() && st.size === 0) unlinkSync(p);
      else if (st.isDirectory() && emptyTree(p)) rmSync(p, { recursive: true });
    } catch {
      // leave it
    }
  }
  // The CLI lists its mount points in .git/info/exclude; what was there before comes back.
  if (excludeFile && safeRead(excludeFile) !== excludeBefore) {
    try {
      if (excludeBefore === undefined) rmSync(excludeFile, { force: true });
      else writeFileSync(excludeFile, excludeBefore);
    } catch {
      // leave it
    }
  }
}
if (config.timeout) rmSync(config.timeout.markerFile, { force: true });

const child = spawn(config.realClaude, args, {
  env: plan.env,
  stdio: ["inherit", "inherit", "inherit", ...plan.fdValues.map(() => "pipe" as const)],
});
plan.fdValues.forEach((value, i) => {
  const pipe = child.stdio[3 + i] as Writable | null;
  pipe?.on("error", () => undefined);
  pipe?.end(value);
});

let timedOut = false;
let killTimer: NodeJS.Timeout | undefined;
const timer = config.timeout
  ? setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    }, config.timeout.seconds * 1000)
  : undefined;

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => child.kill(signal));
}

child.on("error", (error) => {
  process.stderr.write(`claude-code-gitea-action: cannot start ${config.realClaude}: ${error.message}\n`);
  process.exit(127);
});

child.on("exit", (code, signal) => {
  removeSandboxLeftovers();
  if (timer) clearTimeout(timer);
  if (killTimer) clearTimeout(killTimer);
  if (timedOut && config.timeout) {
    writeFileSync(config.timeout.markerFile, `${JSON.stringify({ minutes: config.timeout.minutes, exitStatus: 124 })}\n`);
    process.exit(124);
  }
  if (signal) process.exit(128 + (constants.signals[signal] ?? 15));
  process.exit(code ?? 1);
});
