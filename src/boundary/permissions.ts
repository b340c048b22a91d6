/**
 * The permission rules the CLI enforces for Claude (pure). What the action
 * allows by default:
 *
 * - reading the workspace (the CLI confines reads to its working directory
 *   and the additional directories; no bare `Read` rule is given, which
 *   would open every file on the runner);
 * - writing inside the workspace only: `Edit(//<workspace>/**)` (the CLI
 *   applies Edit rules to Write and every editing tool, and resolves
 *   symbolic links before checking);
 * - git through Bash for add, commit, push, status, diff, log, rm — every
 *   such command goes through the checked git (git-policy.ts);
 * - the MCP tools of the run (the caller passes them).
 *
 * And what it always denies, whatever `allowed_tools`, `claude_args` or the
 * repository's settings add (deny wins in the CLI):
 *
 * - writing what in `.git/` can make git run a command or read another
 *   repository (config, hooks, info/, commondir, objects/info/ alternates,
 *   modules/, worktrees/), and on pull-request runs the paths restored from
 *   the base branch (git itself still writes its index, objects and refs);
 * - reading or writing this action's state directory (prompt, MCP config,
 *   settings, launcher, broker log), the runner's file-command directories
 *   (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STATE, the step summary),
 *   `~/.claude`, `~/.claude.json` and `/proc`;
 * - writing the action's own files and what it keeps under RUNNER_TEMP.
 *
 * With the CLI's subprocess sandbox on, the CLI applies the same rules to
 * every process it starts (a denied read is hidden, a denied write is
 * read-only), which is why the deny list is narrow enough for git and build
 * tools to work.
 */
import path from "node:path";
import { isWithin } from "../paths";

export const GIT_BASH_RULES = [
  "Bash(git add:*)",
  "Bash(git commit:*)",
  "Bash(git push:*)",
  "Bash(git status:*)",
  "Bash(git diff:*)",
  "Bash(git log:*)",
  "Bash(git rm:*)",
] as const;

export const WEB_TOOLS = ["WebSearch", "WebFetch"] as const;

export type BoundaryPaths = {
  /** The repository root (realpath). */
  workspace: string;
  runnerTemp: string;
  /** `$RUNNER_TEMP/claude-code-gitea`: everything prepare wrote for the run. */
  stateDir: string;
  actionPath?: string;
  home?: string;
  /** GITHUB_ENV, GITHUB_OUTPUT, … as the runner gave them to the step. */
  fileCommands: readonly string[];
  /** Repository-relative paths restored from the base branch (pull-request runs). */
  protectedPaths: readonly string[];
  /** More directories Claude may read (e.g. downloaded images). */
  readDirs?: readonly string[];
  /** Other files and directories under RUNNER_TEMP the action wrote and Claude must not change. */
  actionTemp?: readonly string[];
};

/** What in `.git/` git commands never need to write, and a write to which could run a command or reach outside the repository. */
export const GIT_INTERNALS = ["config", "config.worktree", "hooks", "info", "commondir", "objects/info", "modules", "worktrees"] as const;

/** `//abs/path/**`: the CLI's form for an absolute path in a rule. */
const abs = (p: string) => `/${p.replace(/\/+$/, "")}`;
const tree = (tool: "Edit" | "Read", p: string) => `${tool}(${abs(p)}/**)`;
const file = (tool: "Edit" | "Read", p: string) => `${tool}(${abs(p)})`;

const inside = isWithin;

export type BoundaryRules = {
  allowed: string[];
  disallowed: string[];
  /** Why a rule could not be given (for the log). */
  notes: string[];
};

/** The action's allow and deny rules for a run. */
export function boundaryRules(p: BoundaryPaths, o: { gitInBash: boolean }): BoundaryRules {
  const notes: string[] = [];
  const allowed = [tree("Edit", p.workspace), tree("Read", p.workspace), ...(p.readDirs ?? []).map((d) => tree("Read", d)), ...(o.gitInBash ? GIT_BASH_RULES : [])];
  const denyBoth = (dir: string) => [tree("Edit", dir), tree("Read", dir), file("Edit", dir), file("Read", dir)];
  const gitDir = path.join(p.workspace, ".git");
  const disallowed = [
    ...GIT_INTERNALS.flatMap((entry) => [file("Edit", path.join(gitDir, entry)), tree("Edit", path.join(gitDir, entry))]),
    ...p.protectedPaths.flatMap((rel) => [file("Edit", path.join(p.workspace, rel)), tree("Edit", path.join(p.workspace, rel))]),
    ...denyBoth(p.stateDir),
    ...[...new Set(p.fileCommands.filter(Boolean).map((f) => path.dirname(f)))].flatMap((dir) =>
      inside(dir, p.workspace) ? [] : denyBoth(dir),
    ),
    tree("Read", "/proc"),
    tree("Edit", "/proc"),
  ];
  if (p.home) disallowed.push(...denyBoth(path.join(p.home, ".claude")), file("Edit", path.join(p.home, ".claude.json")), file("Read", path.join(p.home, ".claude.json")));
  if (p.actionPath && !inside(p.actionPath, p.workspace)) disallowed.push(tree("Edit", p.actionPath));
  for (const entry of p.actionTemp ?? []) disallowed.push(file("Edit", entry), tree("Edit", entry));
  return { allowed, disallowed: [...new Set(disallowed)], notes };
}
