/**
 * How the Claude CLI is started: the base action runs the executable prepare
 * names (`path_to_claude_code_executable`), a `claude` shim that starts
 * dist/claude-launcher.js with this configuration. The launcher is the last
 * step before the CLI, so the CLI's environment is decided here:
 *
 * - no secret of this action: every INPUT_* variable, the job and Gitea
 *   tokens, the Actions runtime token, the OIDC request variables, the
 *   progress secret, and any variable whose value is one of the run's
 *   secrets (compared by SHA-256, so this file holds none of them);
 * - the Anthropic credential moves from the environment to a pipe the CLI
 *   reads once (CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR,
 *   CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR), so neither the CLI's
 *   environment nor any process it starts holds it;
 * - CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=1 when the runner can sandbox the CLI's
 *   subprocesses (bubblewrap), which also strips provider credentials
 *   (Bedrock, Vertex) from them;
 * - the checked git first on PATH, and again before every Bash command
 *   (CLAUDE_ENV_FILE), whatever the runner's shell profile does.
 *
 * It also enforces timeout_minutes (composite steps cannot take
 * `timeout-minutes`) and leaves a marker file finish reads.
 */
import { createHash } from "node:crypto";
import { delimiter, isAbsolute } from "node:path";
import * as z from "zod";

export const launcherConfigSchema = z.object({
  realClaude: z.string().min(1),
  /** Absent: no time limit. */
  timeout: z.object({ seconds: z.number().positive(), minutes: z.number().positive(), markerFile: z.string().min(1) }).optional(),
  guardDir: z.string().min(1),
  envFile: z.string().min(1),
  scrub: z.boolean(),
  /** SHA-256 (hex) of every secret value of the run. */
  secretHashes: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  credentialsByFd: z.boolean(),
  /** With the subprocess sandbox: the workspace, whose new empty top-level entries are removed after the CLI exits. */
  sandboxWorkspace: z.string().optional(),
});

export type LauncherConfig = z.infer<typeof launcherConfigSchema>;

/** Variables the CLI never gets (exact names). */
export const DROPPED_NAMES = [
  "GITHUB_TOKEN",
  "GITEA_TOKEN",
  "GH_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_URL",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_CACHE_URL",
  "ACTIONS_RUNTIME_URL",
  "CLAUDE_PROGRESS_SECRET",
  "ALL_INPUTS",
  // A parent Claude Code session's markers would make the checked git treat the CLI's own calls as Claude's.
  "CLAUDECODE",
] as const;

/** Prefixes of variables the CLI never gets: the action's (and the base action's) inputs. */
export const DROPPED_PREFIXES = ["INPUT_", "STATE_"] as const;

/** Credentials the CLI reads from a pipe instead of its environment. */
export const FD_CREDENTIALS = [
  { name: "ANTHROPIC_API_KEY", fdVariable: "CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR" },
  { name: "CLAUDE_CODE_OAUTH_TOKEN", fdVariable: "CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR" },
] as const;

export const SCRUB_VARIABLE = "CLAUDE_CODE_SUBPROCESS_ENV_SCRUB";

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export type LaunchPlan = {
  env: Record<string, string>;
  /** Values to write, in order, to fds 3, 4, … of the CLI. */
  fdValues: string[];
  /** Names removed from the environment (for the log; never values). */
  removed: string[];
};

/** The CLI's environment from the one the base action gives the launcher (pure). */
export function launchPlan(inherited: Record<string, string | undefined>, config: LauncherConfig): LaunchPlan {
  const hashes = new Set(config.secretHashes);
  const credentialNames = new Set<string>(FD_CREDENTIALS.flatMap((c) => [c.name, c.fdVariable]));
  const env: Record<string, string> = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(inherited)) {
    if (value === undefined || (config.credentialsByFd && credentialNames.has(name))) continue;
    const drop =
      (DROPPED_NAMES as readonly string[]).includes(name) ||
      DROPPED_PREFIXES.some((p) => name.startsWith(p)) ||
      (value.length >= 8 && hashes.has(sha256(value)));
    if (drop) removed.push(name);
    else env[name] = value;
  }
  // The Anthropic credential leaves the environment for a pipe the CLI reads once.
  const fdValues: string[] = [];
  if (config.credentialsByFd) {
    for (const { name, fdVariable } of FD_CREDENTIALS) {
      const value = inherited[name];
      if (!value) continue;
      env[fdVariable] = String(3 + fdValues.length);
      fdValues.push(value);
    }
  }
  const path = (env.PATH ?? "").split(delimiter).filter((dir) => dir && isAbsolute(dir) && dir !== config.guardDir);
  env.PATH = [config.guardDir, ...path].join(delimiter);
  env.CLAUDE_ENV_FILE = config.envFile;
  if (config.scrub) env[SCRUB_VARIABLE] = "1";
  else delete env[SCRUB_VARIABLE];
  return { env, fdValues, removed: removed.sort() };
}

/** The `claude` shim the base action runs. The marker line says it is ours (the CLI search skips it). */
export function launcherShim(o: { marker: string; node: string; launcherScript: string; configFile: string }): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh
${o.marker}
# Generated by prepare: starts Claude Code through the action's launcher (environment, time limit).
exec ${q(o.node)} ${q(o.launcherScript)} ${q(o.configFile)} "$@"
`;
}
