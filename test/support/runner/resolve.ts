// Resolution of `uses:` references to local directories or built-in shims.
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository this runner lives in (claude-code-gitea-action). */
export const REPO_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

/** The local stand-in for anthropics/claude-code-base-action. */
export const BASE_ACTION_STANDIN = join(REPO_ROOT, "test/support/base-action");

export const BASE_ACTION_REPO = "anthropics/claude-code-base-action";

export type ShimName = "setup-node" | "setup-bun" | "checkout";

export type ResolvedUses =
  | { kind: "dir"; dir: string; repository: string; ref: string }
  | { kind: "shim"; shim: ShimName; repository: string; ref: string }
  | { kind: "error"; error: string };

const SHIMS: Record<string, ShimName> = {
  "actions/setup-node": "setup-node",
  "oven-sh/setup-bun": "setup-bun",
  "actions/checkout": "checkout",
};

export function hasActionFile(dir: string): boolean {
  return existsSync(join(dir, "action.yml")) || existsSync(join(dir, "action.yaml"));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface ResolveContext {
  workspace: string;
  /** opts.uses mappings: "owner/repo@ref", "owner/repo[/path]" → directory. */
  mappings?: Record<string, string>;
  /** Defaults to process.env.BASE_ACTION_DIR. */
  baseActionDir?: string;
}

/**
 * Resolves a `uses:` value.
 * - `./path` (and `../path`): relative to the workspace, as on the runners
 *   (also inside composite actions); absolute paths are accepted too.
 * - `owner/repo[/path]@ref`: opts.uses mappings first, then the shims
 *   (actions/setup-node, oven-sh/setup-bun, actions/checkout), then
 *   anthropics/claude-code-base-action@<40-hex> (BASE_ACTION_DIR or the
 *   stand-in) and any `<owner>/claude-code-gitea-action@<ref>` (this repo).
 */
export function resolveUses(uses: string, ctx: ResolveContext): ResolvedUses {
  const value = uses.trim();
  if (value.startsWith("docker://")) {
    return { kind: "error", error: `Docker actions are not supported by the local runner: '${value}'` };
  }
  if (value.startsWith("./") || value.startsWith("../") || isAbsolute(value)) {
    const dir = isAbsolute(value) ? value : resolve(ctx.workspace, value);
    if (!isDir(dir) || !hasActionFile(dir)) {
      return {
        kind: "error",
        error: `Can't find 'action.yml' or 'action.yaml' under '${dir}' for '${value}' (local paths are relative to the workspace ${ctx.workspace}). Did you forget to run actions/checkout before running your local action?`,
      };
    }
    return { kind: "dir", dir, repository: "", ref: "" };
  }
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@\s]+)?)@(\S+)$/.exec(value);
  if (!m) {
    return { kind: "error", error: `Expected format {org}/{repo}[/path]@ref. Actual '${value}'` };
  }
  const owner = m[1]!;
  const repo = m[2]!;
  const subpath = (m[3] ?? "").replace(/^\//, "");
  const ref = m[4]!;
  const repository = `${owner}/${repo}`;

  const mappings = ctx.mappings ?? {};
  const exact = mappings[value];
  const withPath = subpath ? mappings[`${repository}/${subpath}`] : undefined;
  const repoOnly = mappings[repository] ?? mappings[`${repository}@*`];
  const mapped = exact ?? withPath ?? (repoOnly !== undefined ? join(repoOnly, subpath) : undefined);
  if (mapped !== undefined) {
    const dir = resolve(mapped);
    if (!hasActionFile(dir)) {
      return { kind: "error", error: `The mapping for '${value}' points to '${dir}', which has no action.yml` };
    }
    return { kind: "dir", dir, repository, ref };
  }

  const shim = SHIMS[repository.toLowerCase()];
  if (shim && !subpath) return { kind: "shim", shim, repository, ref };

  if (repository.toLowerCase() === BASE_ACTION_REPO) {
    if (!/^[0-9a-f]{40}$/.test(ref)) {
      return {
        kind: "error",
        error: `'${value}': the local runner resolves ${BASE_ACTION_REPO} only when pinned to a full commit SHA (or through opts.uses)`,
      };
    }
    const fromEnv = ctx.baseActionDir ?? process.env.BASE_ACTION_DIR;
    const dir = join(fromEnv ? resolve(fromEnv) : BASE_ACTION_STANDIN, subpath);
    if (!hasActionFile(dir)) {
      return { kind: "error", error: `'${value}' resolves to '${dir}', which has no action.yml (BASE_ACTION_DIR=${fromEnv ?? ""})` };
    }
    return { kind: "dir", dir, repository, ref };
  }

  if (repo.toLowerCase() === "claude-code-gitea-action") {
    const dir = join(REPO_ROOT, subpath);
    if (!hasActionFile(dir)) {
      return { kind: "error", error: `'${value}' resolves to '${dir}', which has no action.yml` };
    }
    return { kind: "dir", dir, repository, ref };
  }

  return {
    kind: "error",
    error: `Unable to resolve action '${value}': the local runner has no network access. Map it to a directory with opts.uses.`,
  };
}
