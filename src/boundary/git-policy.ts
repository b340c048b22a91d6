/**
 * The checked `git` Claude runs through Bash: every invocation the model
 * makes is decided here before real git sees it (pure: argv in, decision
 * out). The permission rules of the CLI match command prefixes only
 * (`Bash(git log:*)` also allows `git log --output=/anywhere`), so options
 * are checked here, against the allow-lists of git-options.ts:
 *
 * - only listed subcommands and options; anything that reads or writes a
 *   file outside the repository, runs a command or changes configuration is
 *   refused with a message that says why and what to do instead;
 * - no path argument outside the workspace (`git diff /a /b` would compare
 *   files anywhere, as `--no-index`);
 * - on pull-request runs, the paths restored from the base branch
 *   (`.claude/`, `CLAUDE.md`, …) cannot be staged, moved or removed;
 * - `push` and `fetch` never run here: they go to the broker, which alone
 *   holds the token and pushes only the working branch, fast-forward.
 */
import path from "node:path";
import { isWithin } from "../paths";
import { GLOBAL_FLAGS, READ_ONLY_REMOTE, SUBCOMMANDS, type OptionSpec } from "./git-options";

export type GitDecision =
  | { kind: "run"; args: string[] }
  | { kind: "push"; setUpstream: boolean }
  | { kind: "fetch"; branches: string[]; depth?: number; unshallow: boolean; prune: boolean }
  | { kind: "refuse"; message: string };

export type PolicyContext = {
  /** The repository root (realpath). */
  workspace: string;
  /** Where the command runs (realpath). */
  cwd: string;
  /** The branch pushes go to; undefined when this run has none. */
  workBranch?: string;
  /** Repository paths Claude must not stage, move or remove (pull-request runs). */
  protectedPaths: readonly string[];
  /**
   * The CLI's subprocess sandbox is on: it masks some names in the workspace
   * with device nodes (.bashrc, .idea, scripts…), which `git add -A` cannot
   * index; they are skipped instead of failing the whole add.
   */
  sandboxed?: boolean;
};

const refuse = (message: string): GitDecision => ({ kind: "refuse", message });

const PUSH_HELP =
  "Push with `git push` (or `git push origin HEAD`): it pushes the working branch of this run, fast-forward only. Force pushes, deletions, tags and other branches or remotes are not available.";

/** Branch names git would accept (a light `git check-ref-format --branch`). */
export function isBranchName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name) &&
    !name.includes("..") &&
    !name.includes("@{") &&
    !name.includes("//") &&
    !name.startsWith("/") &&
    !name.endsWith("/") &&
    !name.startsWith("-") &&
    !name.endsWith(".") &&
    !name.endsWith(".lock") &&
    name !== "@" &&
    !name.split("/").some((part) => part.startsWith("."))
  );
}

type Parsed = { options: Array<{ name: string; value?: string }>; positionals: string[]; afterDashDash: string[] };

/** Splits the arguments after the subcommand by the subcommand's spec; returns a refusal message on anything unknown. */
export function parseOptions(sub: string, args: readonly string[], spec: OptionSpec): Parsed | string {
  const out: Parsed = { options: [], positionals: [], afterDashDash: [] };
  const has = (list: readonly string[] | undefined, name: string) => Boolean(list?.includes(name));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      out.afterDashDash.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const attached = eq === -1 ? undefined : arg.slice(eq + 1);
      let value: string | undefined;
      if (has(spec.flags, name) && attached === undefined) value = undefined;
      else if (has(spec.optional, name)) value = attached;
      else if (has(spec.values, name)) {
        value = attached ?? args[++i];
        if (value === undefined) return `git ${sub} --${name} needs a value`;
      } else return `git ${sub}: the option --${name} is not available to Claude in this action`;
      const why = value !== undefined ? spec.check?.(name, value) : undefined;
      if (why) return `git ${sub}: ${why}`;
      out.options.push({ name, ...(value !== undefined ? { value } : {}) });
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") {
      const letters = arg.slice(1);
      if (spec.numeric && /^\d+$/.test(letters)) {
        out.options.push({ name: "max-count", value: letters });
        continue;
      }
      for (let j = 0; j < letters.length; j++) {
        const ch = letters[j]!;
        if (spec.short?.includes(ch)) {
          out.options.push({ name: ch });
          continue;
        }
        if (spec.shortValues?.includes(ch)) {
          const value = j + 1 < letters.length ? letters.slice(j + 1) : args[++i];
          if (value === undefined) return `git ${sub} -${ch} needs a value`;
          const why = spec.check?.(ch, value);
          if (why) return `git ${sub}: ${why}`;
          out.options.push({ name: ch, value });
          break;
        }
        return `git ${sub}: the option -${ch} is not available to Claude in this action`;
      }
      continue;
    }
    out.positionals.push(arg);
  }
  return out;
}

const inside = isWithin;

/** A path-like argument that leads outside the workspace (absolute elsewhere, or climbing out with `..`). */
function leavesWorkspace(arg: string, ctx: PolicyContext): boolean {
  // Pathspec magic (`:(top)x`, `:!x`) and `rev:path` name paths inside the repository's trees.
  if (arg.startsWith(":")) return false;
  if (arg.includes("\0")) return true;
  return !inside(ctx.workspace, path.resolve(ctx.cwd, arg));
}

/** The repository path an argument names, relative to the workspace (for the protected-path check). */
function repoPath(arg: string, ctx: PolicyContext): string {
  return path.relative(ctx.workspace, path.resolve(ctx.cwd, arg)).split(path.sep).join("/");
}

/** The protected path an argument names or lies in (a directory argument holding one counts for rm and mv). */
function touchesProtected(sub: string, args: readonly string[], ctx: PolicyContext): string | undefined {
  for (const arg of args) {
    if (arg.startsWith(":")) continue;
    const rel = repoPath(arg, ctx);
    const hit = ctx.protectedPaths.find(
      (p) => rel === p || rel.startsWith(`${p}/`) || ((sub === "rm" || sub === "mv") && (rel === "" || p.startsWith(`${rel}/`))),
    );
    if (hit) return hit;
  }
  return undefined;
}

/** Subcommands whose path arguments change the index or the working tree. */
const MUTATING_PATHS = new Set(["add", "rm", "mv", "restore", "checkout", "reset"]);

/** Decides one git invocation Claude made through Bash. `argv` excludes "git". */
export function decideGit(argv: readonly string[], ctx: PolicyContext): GitDecision {
  if (!inside(ctx.workspace, ctx.cwd)) return refuse(`git runs only inside the repository (${ctx.workspace}); the current directory is outside it.`);
  let i = 0;
  const global: string[] = [];
  while (i < argv.length && argv[i]!.startsWith("-")) {
    const arg = argv[i]!;
    if (arg === "--version" && argv.length === 1) return { kind: "run", args: ["--version"] };
    if (!(GLOBAL_FLAGS as readonly string[]).includes(arg)) {
      return refuse(`git ${arg} (before the subcommand) is not available to Claude in this action: it can point git at another repository or configuration.`);
    }
    global.push(arg);
    i++;
  }
  const sub = argv[i];
  if (!sub) return refuse("git needs a subcommand (e.g. git status).");
  const args = argv.slice(i + 1);

  if (sub === "push") return decidePush(args, ctx);
  if (sub === "fetch") return decideFetch(args);
  if (sub === "pull") return refuse("git pull is not available: run `git fetch` (it fetches through the action), then `git merge origin/<branch>`.");

  const spec = SUBCOMMANDS[sub];
  if (!spec) {
    return refuse(
      `git ${sub} is not available to Claude in this action. Available: ${[...Object.keys(SUBCOMMANDS), "push", "fetch"].sort().join(", ")}.`,
    );
  }
  const parsed = parseOptions(sub, args, spec);
  if (typeof parsed === "string") return refuse(parsed);

  if (sub === "remote" && parsed.positionals.length && !(READ_ONLY_REMOTE as readonly string[]).includes(parsed.positionals[0]!)) {
    return refuse(`git remote ${parsed.positionals[0]} is not available: Claude can list remotes but not change them.`);
  }
  if (sub === "branch" && parsed.options.some((o) => o.name === "set-upstream-to" || o.name === "u")) {
    return refuse("git branch --set-upstream-to is not needed: git push pushes the working branch.");
  }

  const paths = [...parsed.positionals, ...parsed.afterDashDash];
  const outside = paths.find((p) => leavesWorkspace(p, ctx));
  if (outside !== undefined) return refuse(`git ${sub}: '${outside}' is outside the repository; git here works on this repository only.`);

  if (MUTATING_PATHS.has(sub) && ctx.protectedPaths.length) {
    // git itself keeps them out of `add -A` and `commit -a` (skip-worktree, info/exclude); naming one is refused.
    const hit = touchesProtected(sub, paths, ctx);
    if (hit) {
      return refuse(
        `git ${sub}: '${hit}' comes from the base branch on this pull request run (the pull request's own version is not loaded), so it cannot be changed through git here.`,
      );
    }
  }

  const extra = sub === "add" && ctx.sandboxed && !args.includes("--ignore-errors") ? ["--ignore-errors"] : [];
  return { kind: "run", args: [...global, sub, ...extra, ...args] };
}

function decidePush(args: readonly string[], ctx: PolicyContext): GitDecision {
  if (!ctx.workBranch) return refuse(`This run has no working branch to push. ${PUSH_HELP}`);
  let setUpstream = false;
  const positionals: string[] = [];
  for (const arg of args) {
    if (arg === "-u" || arg === "--set-upstream") setUpstream = true;
    else if (["-q", "--quiet", "-v", "--verbose", "--porcelain", "--no-verify", "--progress", "--no-progress"].includes(arg)) continue;
    else if (arg.startsWith("-")) return refuse(`git push ${arg} is not available. ${PUSH_HELP}`);
    else positionals.push(arg);
  }
  if (positionals.length > 2) return refuse(`git push takes at most a remote and one branch here. ${PUSH_HELP}`);
  const [remote, refspec] = positionals;
  if (remote !== undefined && remote !== "origin") return refuse(`git push to '${remote}' is not available: only origin (this repository). ${PUSH_HELP}`);
  if (refspec !== undefined) {
    if (refspec.startsWith("+") || refspec.startsWith(":")) return refuse(`git push ${refspec}: force pushes and deletions are not available. ${PUSH_HELP}`);
    const [src, dst] = refspec.includes(":") ? (refspec.split(":", 2) as [string, string]) : [refspec, refspec];
    const target = dst === "HEAD" ? ctx.workBranch : dst.replace(/^refs\/heads\//, "");
    const source = src === "HEAD" ? ctx.workBranch : src.replace(/^refs\/heads\//, "");
    if (target !== ctx.workBranch || source !== ctx.workBranch) {
      return refuse(`git push ${refspec}: this run pushes only its working branch '${ctx.workBranch}'. ${PUSH_HELP}`);
    }
  }
  return { kind: "push", setUpstream };
}

function decideFetch(args: readonly string[]): GitDecision {
  const branches: string[] = [];
  let depth: number | undefined;
  let unshallow = false;
  let prune = false;
  let remoteSeen = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-q" || arg === "--quiet" || arg === "-v" || arg === "--verbose" || arg === "--no-tags" || arg === "--progress") continue;
    if (arg === "--unshallow") unshallow = true;
    else if (arg === "--prune" || arg === "-p") prune = true;
    else if (arg.startsWith("--depth")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++i];
      if (!value || !/^[1-9]\d{0,5}$/.test(value)) return refuse("git fetch --depth needs a positive number.");
      depth = Number(value);
    } else if (arg.startsWith("-")) {
      return refuse(`git fetch ${arg} is not available: fetch takes branch names of origin (git fetch origin main) and --depth, --unshallow, --prune.`);
    } else if (!remoteSeen && arg === "origin") remoteSeen = true;
    else if (!remoteSeen) return refuse(`git fetch from '${arg}' is not available: only origin (this repository).`);
    else {
      const name = arg.replace(/^refs\/heads\//, "");
      if (!isBranchName(name)) return refuse(`git fetch ${arg}: fetch takes branch names of origin here (no refspecs).`);
      branches.push(name);
    }
  }
  return { kind: "fetch", branches, ...(depth !== undefined ? { depth } : {}), unshallow, prune };
}
