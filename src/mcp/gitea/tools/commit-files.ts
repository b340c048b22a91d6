/**
 * Commits working-tree files to the working branch through Gitea's
 * multi-file contents API, so the server makes (and, when configured, signs)
 * the commit; then moves the local checkout to that commit without touching
 * the working tree.
 */
import { createHash } from "node:crypto";
import { lstat, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { isUnder } from "../../../paths";
import * as z from "zod";
import { protectedBranchLimit } from "../../../gitea/limits";
import { GiteaError } from "../../../gitea/client";
import type { GiteaContents } from "../../../gitea/types";
import { GITEA_TOOLS } from "../names";
import { cleanOwnText, workingBranch } from "../text";
import { defineTool, ToolError, type ToolDeps } from "../tool";

/** Largest total content one call sends (the API takes it base64 in one JSON body). */
export const MAX_COMMIT_BYTES = 20 * 1024 * 1024;

export type LocalFile = { repoPath: string; absPath: string; content?: Buffer };

const inside = (root: string, p: string) => isUnder(path.resolve(root), path.resolve(p));

/**
 * Resolves a path Claude gave (relative to the workspace, or absolute inside
 * it) to the repository path and the file's content (absent: deleted).
 * Refuses `..`, `.git/`, paths outside the workspace (also through symbolic
 * links), directories and symbolic links.
 */
export async function readWorkspaceFile(workspace: string, given: string): Promise<LocalFile> {
  const input = given.trim();
  if (!input || input.includes("\0")) throw new ToolError(`'${given}' is not a file path.`);
  if (input.split(/[\\/]/).includes("..")) throw new ToolError(`'${given}': '..' is not allowed in paths.`);
  const root = await realpath(workspace);
  const abs = path.resolve(root, input);
  if (!inside(root, abs)) throw new ToolError(`'${given}' is outside the workspace (${root}).`);
  const rel = path.relative(root, abs).split(path.sep).join("/");
  if (rel.split("/").some((s) => s.toLowerCase() === ".git")) throw new ToolError(`'${given}' is inside .git and cannot be committed.`);

  // Every existing parent must resolve inside the workspace (no symlinked directories leading out).
  const parent = await realpath(path.dirname(abs)).catch(() => undefined);
  if (parent !== undefined && parent !== root && !inside(root, parent)) {
    throw new ToolError(`'${given}' leads outside the workspace through a symbolic link.`);
  }
  const stat = await lstat(abs).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT" || e.code === "ENOTDIR") return undefined;
    throw e;
  });
  if (!stat) return { repoPath: rel, absPath: abs };
  if (stat.isSymbolicLink()) throw new ToolError(`'${rel}' is a symbolic link; the contents API commits regular files only (use git for links).`);
  if (stat.isDirectory()) throw new ToolError(`'${rel}' is a directory: list the files in it instead.`);
  if (!stat.isFile()) throw new ToolError(`'${rel}' is not a regular file.`);
  return { repoPath: rel, absPath: abs, content: await readFile(abs) };
}

/** git's blob id (SHA-1), which the contents API reports as `sha`. */
export function gitBlobSha(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

type Operation = { operation: "create" | "update" | "delete"; path: string; content?: string; sha?: string };

async function remoteFile(deps: ToolDeps, repoPath: string, ref: string): Promise<GiteaContents | undefined> {
  const found = await deps.api.contents(repoPath, ref);
  if (Array.isArray(found)) throw new ToolError(`'${repoPath}' is a directory on ${ref}; it cannot be replaced by a file here.`);
  if (found && found.type !== "file") throw new ToolError(`'${repoPath}' is a ${found.type} on ${ref}; only regular files can be committed with this tool.`);
  return found;
}

/** Fetches the branch and resets the checkout to it (mixed: index moves, working tree stays). */
export async function syncCheckout(deps: ToolDeps, branch: string, sha: string | undefined): Promise<string> {
  const { git } = deps;
  const tracking = `refs/remotes/origin/${branch}`;
  const fetch = await git.tryRun(["fetch", "--no-tags", "origin", `+refs/heads/${branch}:${tracking}`]);
  if (fetch.code !== 0) {
    const why = fetch.stderr.trim().split("\n").slice(-1)[0] ?? "";
    return `The commit is on Gitea, but fetching it into the checkout failed (${why}); the checkout still has the old HEAD with your changes uncommitted.`;
  }
  const fetched = (await git.tryRun(["rev-parse", "--verify", "--quiet", tracking])).stdout.trim();
  const target = sha && fetched !== sha ? sha : fetched;
  const head = await git.tryRun(["symbolic-ref", "--quiet", "--short", "HEAD"]);
  const current = head.code === 0 ? head.stdout.trim() : "";
  if (current !== branch) {
    return `The checkout is on ${current ? `branch ${current}` : "a detached HEAD"}, not ${branch}, so it was not moved; switch to ${branch} before committing again.`;
  }
  const reset = await git.tryRun(["reset", "--mixed", "--quiet", target]);
  if (reset.code !== 0) {
    return `The commit is on Gitea, but moving the checkout to it failed (${reset.stderr.trim().split("\n").slice(-1)[0] ?? ""}).`;
  }
  return `The checkout of ${branch} is now at ${target.slice(0, 12)}; the working tree was kept.`;
}

export const commitFiles = defineTool({
  name: GITEA_TOOLS.commitFiles,
  description:
    "Commit files from the checkout to this run's working branch through Gitea, so Gitea makes (and, when configured, signs) the commit. " +
    "List every path you changed, added or deleted (relative to the repository root); deleted files are committed as deletions. " +
    "The checkout then moves to the new commit; your working tree is kept. Commits go only to the working branch.",
  inputSchema: {
    files: z.array(z.string().min(1)).min(1, "list at least one file").describe("Paths relative to the repository root."),
    message: z.string().min(1, "the commit message must not be empty").describe("Commit message: a summary line, then an optional body."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  available: (config) => config.branch !== undefined,
  async handler({ files, message }, deps) {
    const { branch, base } = workingBranch(deps);
    const text = cleanOwnText(message, deps);
    if (!text) throw new ToolError("The commit message is empty once HTML comments and invisible characters are removed.");

    const locals = await Promise.all([...new Set(files)].map((f) => readWorkspaceFile(deps.config.workspace, f)));
    const byPath = new Map(locals.map((l) => [l.repoPath, l]));
    const total = [...byPath.values()].reduce((n, l) => n + (l.content?.length ?? 0), 0);
    if (total > MAX_COMMIT_BYTES) throw new ToolError(`These files hold ${total} bytes, more than one commit through the API may carry (${MAX_COMMIT_BYTES}); commit them in smaller groups.`);
    for (const l of byPath.values()) {
      if (l.content && deps.redactor.redact(l.content.toString("latin1")) !== l.content.toString("latin1")) {
        throw new ToolError(`'${l.repoPath}' contains a secret of this run (a token or key); remove it before committing.`);
      }
    }

    // Commit onto the working branch; when Gitea does not have it yet, create it from the base branch.
    const remote = await deps.api.branch(branch);
    let from = branch;
    let newBranch: string | undefined;
    if (!remote) {
      if (!base) throw new ToolError(`Branch ${branch} does not exist on Gitea yet and this run has no base branch to create it from.`);
      if (!(await deps.api.branch(base))) throw new ToolError(`Neither ${branch} nor its base ${base} exists on Gitea.`);
      from = base;
      newBranch = branch;
    }

    const ops: Operation[] = [];
    const unchanged: string[] = [];
    await Promise.all(
      [...byPath.values()].map(async (l) => {
        const existing = await remoteFile(deps, l.repoPath, from);
        if (l.content) {
          if (existing && existing.sha === gitBlobSha(l.content)) unchanged.push(l.repoPath);
          else ops.push({ operation: existing ? "update" : "create", path: l.repoPath, content: l.content.toString("base64"), ...(existing ? { sha: existing.sha } : {}) });
        } else if (existing) {
          ops.push({ operation: "delete", path: l.repoPath, sha: existing.sha });
        } else {
          throw new ToolError(`'${l.repoPath}' is neither in the checkout nor on ${from}: nothing to commit for it.`);
        }
      }),
    );
    if (!ops.length) throw new ToolError(`Nothing to commit: ${unchanged.join(", ")} ${unchanged.length === 1 ? "is" : "are"} the same on ${from}.`);
    ops.sort((a, b) => a.path.localeCompare(b.path));

    const result = await deps.api
      .commitFiles({
        branch: from,
        ...(newBranch ? { newBranch } : {}),
        message: text,
        files: ops,
        author: { name: deps.config.gitName, email: deps.config.gitEmail },
      })
      .catch(async (error: unknown) => {
        // Gitea refuses commits to a protected branch with 403 (CanWriteToBranch).
        if (error instanceof GiteaError && error.status === 403 && remote && (await deps.api.branch(branch))?.protected) {
          throw new ToolError(protectedBranchLimit(branch, deps.config.usesJobToken === true));
        }
        throw error;
      });
    const sha = result.commit?.sha;
    deps.log(`commit_files: ${ops.length} file(s) committed to ${branch}${sha ? ` as ${sha}` : ""}`);
    const sync = await syncCheckout(deps, branch, sha);

    const list = (op: Operation["operation"]) => ops.filter((o) => o.operation === op).map((o) => o.path);
    const summary = (["create", "update", "delete"] as const)
      .map((op) => [op, list(op)] as const)
      .filter(([, paths]) => paths.length)
      .map(([op, paths]) => `${op === "create" ? "added" : op === "update" ? "updated" : "deleted"} ${paths.join(", ")}`)
      .join("; ");
    const lines = [
      `Committed to ${branch}${newBranch ? ` (created from ${base})` : ""}${sha ? ` as ${sha}` : ""}${result.commit?.html_url ? ` (${result.commit.html_url})` : ""}: ${summary}.`,
    ];
    if (unchanged.length) lines.push(`Unchanged, not committed: ${unchanged.join(", ")}.`);
    lines.push(sync);
    return lines.join("\n");
  },
});
