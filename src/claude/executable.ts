/**
 * CLI preflight.
 *
 * - Find the real `claude`: the path_to_claude_code_executable input, else
 *   `claude` on PATH, else ~/.local/bin/claude; when none, install the CLI
 *   version of PINS.md (official installer, then npm as a fallback).
 * - Read `claude --version`; a CLI older than PINS.minCliVersion (the oldest
 *   one every run of this release works with through the pinned base action)
 *   fails the run before any model call, naming both versions.
 *
 * The base action then runs the CLI through the action's launcher
 * (src/boundary/launcher.ts), which also enforces timeout_minutes and leaves
 * the marker file read here for finish.
 */
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { PINS } from "../pins";
import { nodeFs, type ClaudeFs } from "./fs";
import { inputError, shown } from "./problems";
import { spawnRunner, type ProcessRunner } from "./process";

/** Second line of the `claude` shim prepare writes (src/boundary/launcher.ts): how the CLI search recognises it. */
export const WRAPPER_MARKER = "# claude-code-gitea-action: timeout wrapper for Claude Code";

export const INSTALL_SCRIPT_URL = "https://claude.ai/install.sh";

type Env = Record<string, string | undefined>;

/** "2.1.330 (Claude Code)" → "2.1.330". */
export function parseCliVersion(output: string): string | undefined {
  return /^\s*v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** Compares dotted versions numerically (pre-release suffixes ignored). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const timeoutSeconds = (minutes: number) => Math.ceil(minutes * 60);


/** What finish reads from the marker file; undefined when the run did not time out. */
export async function readTimeoutMarker(
  markerFile: string,
  fs: Pick<ClaudeFs, "readFile"> = nodeFs(),
): Promise<{ minutes: number; exitStatus: number } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(markerFile);
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { minutes?: unknown; exitStatus?: unknown };
    if (typeof parsed.minutes === "number" && typeof parsed.exitStatus === "number") {
      return { minutes: parsed.minutes, exitStatus: parsed.exitStatus };
    }
  } catch {
    // fall through: a marker we cannot read still says "timed out"
  }
  return { minutes: Number.NaN, exitStatus: 124 };
}

/** Installs the CLI; returns the installed executable's path. Throws with a reason when it cannot. */
export interface Installer {
  install(version: string): Promise<string>;
}

export interface InstallerDeps {
  runner: ProcessRunner;
  fs: ClaudeFs;
  env: Env;
  /** Where the downloaded install script is written. */
  dir: string;
  fetch?: typeof fetch;
  notice?: (m: string) => void;
}

/**
 * The official installer script run with bash (the version as an argv
 * parameter), then `npm install -g @anthropic-ai/claude-code@<version>`.
 */
export function officialInstaller(deps: InstallerDeps): Installer {
  const doFetch = deps.fetch ?? fetch;
  return {
    async install(version) {
      if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`refusing to install Claude Code ${shown(version)}: not a version number`);
      const reasons: string[] = [];
      const home = deps.env.HOME ?? "";
      try {
        const response = await doFetch(INSTALL_SCRIPT_URL);
        if (!response.ok) throw new Error(`GET ${INSTALL_SCRIPT_URL}: HTTP ${response.status}`);
        const script = join(deps.dir, "install-claude.sh");
        await deps.fs.writeFile(script, await response.text(), 0o700);
        const r = await deps.runner.run("bash", [script, version], { env: deps.env, timeoutMs: 300_000 });
        const installed = join(home, ".local", "bin", "claude");
        if (r.code === 0 && home && (await deps.fs.isExecutable(installed))) return installed;
        reasons.push(`official installer: ${r.error ?? `exit ${r.code ?? r.signal}`} ${r.stderr.trim().slice(-300)}`.trim());
      } catch (e) {
        reasons.push(`official installer: ${(e as Error).message}`);
      }
      deps.notice?.(`Installing Claude Code ${version} with the official installer failed; trying npm.`);
      const r = await deps.runner.run("npm", ["install", "-g", `@anthropic-ai/claude-code@${version}`], { env: deps.env, timeoutMs: 600_000 });
      if (r.code === 0) {
        const prefix = await deps.runner.run("npm", ["prefix", "-g"], { env: deps.env, timeoutMs: 60_000 });
        const installed = join(prefix.stdout.trim(), "bin", "claude");
        if (prefix.code === 0 && (await deps.fs.isExecutable(installed))) return installed;
        reasons.push(`npm: installed, but ${installed} is not executable`);
      } else {
        reasons.push(`npm: ${r.error ?? `exit ${r.code ?? r.signal}`} ${r.stderr.trim().slice(-300)}`.trim());
      }
      throw new Error(reasons.join("; "));
    },
  };
}

async function isOurWrapper(path: string, fs: ClaudeFs): Promise<boolean> {
  try {
    return (await fs.readHead(path, 256)).includes(WRAPPER_MARKER);
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, skipping `skip` directories and our own wrappers. */
export async function onPath(name: string, env: Env, fs: ClaudeFs, skip: readonly string[] = []): Promise<string | undefined> {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    if (skip.some((s) => resolve(s) === resolve(dir))) continue;
    const candidate = join(dir, name);
    if (!(await fs.isExecutable(candidate))) continue;
    if (await isOurWrapper(candidate, fs)) continue;
    return candidate;
  }
  return undefined;
}

/**
 * Refuses a CLI older than the release's minimum (PINS.md, "Minimum Claude
 * Code CLI"): with it the pinned base action fails every run (an older CLI
 * does not know flags the base action or this action always pass), after
 * the tracking comment is posted and with nothing but "stopped without a
 * result" to show. `from` says where the CLI was found.
 */
export function checkCliVersion(version: string, path: string, from: string): void {
  if (compareVersions(version, PINS.minCliVersion) >= 0) return;
  throw inputError(
    "path_to_claude_code_executable",
    `Claude Code ${version} at ${path} (from ${from}) is older than ${PINS.minCliVersion}, the oldest version this release runs with (PINS.md, "Minimum Claude Code CLI"); install ${PINS.cliVersion} in the runner image, or point path_to_claude_code_executable at a CLI of at least ${PINS.minCliVersion}`,
  );
}

export interface PrepareExecutableOptions {
  /** The path_to_claude_code_executable input ("" = find one). */
  inputPath: string;
  timeoutMinutes: number;
  /** Directory of the action's `claude` shim (skipped when looking for the real CLI; the installer works there). */
  dir: string;
  /** PATH and HOME are read from here; `claude --version` and installers run with it. */
  env: Env;
  runner?: ProcessRunner;
  installer?: Installer;
  fs?: ClaudeFs;
}

export interface PreparedExecutable {
  /** The real CLI (the launcher runs it: src/boundary/launcher.ts). */
  realClaude: string;
  version: string;
  notices: string[];
}

export async function prepareExecutable(options: PrepareExecutableOptions): Promise<PreparedExecutable> {
  const fs = options.fs ?? nodeFs();
  const runner = options.runner ?? spawnRunner();
  const notices: string[] = [];
  const notice = (m: string) => {
    if (!notices.includes(m)) notices.push(m);
  };
  if (!(options.timeoutMinutes > 0) || !Number.isFinite(options.timeoutMinutes)) {
    throw inputError("timeout_minutes", `expected a positive number of minutes, got ${shown(String(options.timeoutMinutes))}`);
  }
  await fs.mkdir(options.dir, 0o700);

  // 1. The real CLI.
  let realClaude: string | undefined;
  let source: string;
  const fromInput = options.inputPath.trim();
  if (fromInput) {
    const path = resolve(fromInput);
    if (!(await fs.isExecutable(path))) {
      throw inputError(
        "path_to_claude_code_executable",
        `${shown(fromInput)} is not an executable file${path !== fromInput ? ` (resolved to ${shown(path, 120)})` : ""}; expected the path of the claude CLI on the runner`,
      );
    }
    realClaude = path;
    source = "path_to_claude_code_executable";
  } else {
    realClaude = await onPath("claude", options.env, fs, [options.dir]);
    source = "PATH";
    if (!realClaude && options.env.HOME) {
      const home = join(options.env.HOME, ".local", "bin", "claude");
      if ((await fs.isExecutable(home)) && !(await isOurWrapper(home, fs))) realClaude = home;
      source = "~/.local/bin";
    }
    if (!realClaude) {
      const installer =
        options.installer ?? officialInstaller({ runner, fs, env: options.env, dir: options.dir, notice });
      try {
        realClaude = await installer.install(PINS.cliVersion);
      } catch (e) {
        throw new Error(
          `Claude Code is not installed on this runner (not in path_to_claude_code_executable, on PATH, or in ~/.local/bin) and installing ${PINS.cliVersion} failed: ${(e as Error).message}. Install it in the runner image (see PINS.md).`,
        );
      }
      source = `installed ${PINS.cliVersion}`;
    }
  }

  // 2. Its version.
  const r = await runner.run(realClaude, ["--version"], { env: options.env, timeoutMs: 60_000 });
  const version = r.code === 0 ? parseCliVersion(r.stdout) : undefined;
  if (!version) {
    const detail = `'${realClaude} --version' ${r.code === 0 ? `printed ${shown(r.stdout.trim())}` : `failed (${r.error ?? `exit ${r.code ?? r.signal}`}) ${shown(r.stderr.trim().slice(-200))}`}`;
    if (fromInput) throw inputError("path_to_claude_code_executable", `${detail}; expected the claude CLI, which prints e.g. "2.1.240 (Claude Code)"`);
    throw new Error(`${detail}; expected it to print e.g. "2.1.240 (Claude Code)"`);
  }
  notice(`Claude Code ${version} at ${realClaude} (${source}).`);
  checkCliVersion(version, realClaude, fromInput ? "path_to_claude_code_executable" : source);

  return { realClaude, version, notices };
}

/** Where prepare may put the wrapper by default: `<runnerTemp>/claude-code-gitea/bin`. */
export const defaultWrapperDir = (runnerTemp: string) => join(runnerTemp, "claude-code-gitea", "bin");
export const defaultMarkerFile = (runnerTemp: string) => join(dirname(defaultWrapperDir(runnerTemp)), "timed-out.json");
