/**
 * On a run about a pull request, the files the Claude CLI acts on by itself
 * come from the base branch, not from the pull request: a PR's
 * `.claude/settings.json` would run its hooks and set its env, its
 * `.mcp.json` would start its servers, its `CLAUDE.md` would be read as
 * instructions — before the model does anything, and whatever the tool
 * rules say. The base branch holds what writers merged.
 *
 * For every such path (at the root: .claude/, .mcp.json, .claude.json,
 * .ripgreprc, .gitmodules, CLAUDE.md, CLAUDE.local.md; at any depth:
 * CLAUDE.md, CLAUDE.local.md) the working tree gets the base branch's
 * version, or none. git is told to leave them alone (skip-worktree for paths
 * the PR head tracks, info/exclude for the others), so `git add -A` and
 * `git commit -a` never commit the swap back onto the PR branch; the checked
 * git refuses to name them, and the permission rules deny editing them.
 * finish puts the pull request's versions back.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Git } from "../gitea/git";

const ROOT_PATHS = [".claude", ".mcp.json", ".claude.json", ".ripgreprc", ".gitmodules", "CLAUDE.md", "CLAUDE.local.md"];
const ANY_DEPTH = /(^|\/)CLAUDE(\.local)?\.md$/;
const EXCLUDE_HEADER = "# claude-code-gitea-action: base-branch copies for this run (removed by finish)";

/** The protected path (a root entry, or a nested CLAUDE.md) a repository file belongs to, if any. */
export function protectedRoot(file: string): string | undefined {
  const top = file.split("/")[0]!;
  if (ROOT_PATHS.includes(top)) return top;
  if (ANY_DEPTH.test(file)) return file;
  return undefined;
}

async function treeFiles(git: Git, ref: string): Promise<string[]> {
  const r = await git.tryRun(["ls-tree", "-r", "-z", "--name-only", "--full-tree", ref]);
  if (r.code !== 0) throw new Error(`cannot list ${ref}: ${r.stderr.trim()}`);
  return r.stdout.split("\0").filter(Boolean);
}

export type RestoredConfig = {
  /** Top-level protected entries (repository-relative) now holding the base branch's version, or absent. */
  protectedPaths: string[];
  /** Files the PR head tracks among them (skip-worktree). */
  tracked: string[];
  /** Files only the base branch has (excluded from git add). */
  baseOnly: string[];
};

/**
 * Replaces the protected paths in the working tree with `baseRef`'s
 * versions. `baseRef` must be fetched (e.g. refs/remotes/origin/<base>).
 */
export async function restoreConfigFromBase(git: Git, baseRef: string): Promise<RestoredConfig> {
  const [head, base] = await Promise.all([treeFiles(git, "HEAD"), treeFiles(git, baseRef)]);
  const headFiles = head.filter((f) => protectedRoot(f) !== undefined);
  const baseFiles = base.filter((f) => protectedRoot(f) !== undefined);
  const roots = [...new Set([...headFiles, ...baseFiles].map((f) => protectedRoot(f)!))].sort();
  if (!roots.length) return { protectedPaths: [], tracked: [], baseOnly: [] };

  // Whatever the PR head put there goes (directories included, links not followed).
  for (const root of roots) await rm(path.join(git.cwd, root), { recursive: true, force: true });
  if (baseFiles.length) {
    await git.run(["checkout", baseRef, "--", ...baseFiles.map((f) => `:(literal)${f}`)]);
    // The index keeps the PR head's versions: nothing is staged.
    await git.run(["reset", "-q", "--", ...baseFiles.map((f) => `:(literal)${f}`)]);
  }
  if (headFiles.length) await git.run(["update-index", "--skip-worktree", "--", ...headFiles]);
  const headSet = new Set(headFiles);
  const baseOnly = baseFiles.filter((f) => !headSet.has(f));
  if (baseOnly.length) await addExcludes(git, baseOnly);
  return { protectedPaths: roots, tracked: headFiles, baseOnly };
}

async function excludeFile(git: Git): Promise<string> {
  const p = (await git.run(["rev-parse", "--git-path", "info/exclude"])).trim();
  return path.isAbsolute(p) ? p : path.join(git.cwd, p);
}

async function addExcludes(git: Git, files: string[]): Promise<void> {
  const file = await excludeFile(git);
  await mkdir(path.dirname(file), { recursive: true });
  const before = await readFile(file, "utf8").catch(() => "");
  const lines = files.map((f) => `/${f.replace(/([\\*?[\]!#])/g, "\\$1")}`);
  await writeFile(file, `${before}${before && !before.endsWith("\n") ? "\n" : ""}${EXCLUDE_HEADER}\n${lines.join("\n")}\n`);
}

/** Puts the pull request's own versions back (finish). */
export async function undoRestoredConfig(git: Git, restored: RestoredConfig): Promise<void> {
  if (restored.tracked.length) {
    await git.run(["update-index", "--no-skip-worktree", "--", ...restored.tracked]);
    await git.run(["checkout", "HEAD", "--", ...restored.tracked.map((f) => `:(literal)${f}`)]);
  }
  for (const f of restored.baseOnly) await rm(path.join(git.cwd, f), { force: true });
  if (restored.baseOnly.length) {
    const file = await excludeFile(git);
    const text = await readFile(file, "utf8").catch(() => "");
    const at = text.indexOf(EXCLUDE_HEADER);
    if (at !== -1) await writeFile(file, text.slice(0, at));
  }
}
