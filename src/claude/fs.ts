/**
 * The file system as this domain sees it: a small interface (so planning and
 * preflight logic can be tested with fakes) and the Node implementation.
 */
import { constants } from "node:fs";
import { access, chmod, mkdir, open, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { inputError, shown, type ClaudeInputName } from "./problems";

export interface ClaudeFs {
  readFile(path: string): Promise<string>;
  /** Canonical absolute path (symlinks followed); rejects with code ENOENT when missing. */
  realpath(path: string): Promise<string>;
  writeFile(path: string, data: string, mode: number): Promise<void>;
  mkdir(path: string, mode?: number): Promise<void>;
  rm(path: string): Promise<void>;
  /** A regular file this process may execute. */
  isExecutable(path: string): Promise<boolean>;
  /** The first `bytes` bytes of a file as UTF-8 (for recognizing our own wrapper script). */
  readHead(path: string, bytes: number): Promise<string>;
  /** What is at a path (symlinks followed); undefined when nothing is. */
  kind(path: string): Promise<"file" | "dir" | "other" | undefined>;
}

export function nodeFs(): ClaudeFs {
  return {
    readFile: (p) => readFile(p, "utf8"),
    realpath: (p) => realpath(p),
    writeFile: async (p, data, mode) => {
      await writeFile(p, data, { mode });
      await chmod(p, mode); // the mode option applies only when the file is created
    },
    mkdir: async (p, mode = 0o700) => {
      await mkdir(p, { recursive: true, mode });
    },
    rm: (p) => rm(p, { force: true }),
    isExecutable: async (p) => {
      try {
        const s = await stat(p);
        if (!s.isFile()) return false;
        await access(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    kind: async (p) => {
      try {
        const s = await stat(p);
        return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
      } catch {
        return undefined;
      }
    },
    readHead: async (p, bytes) => {
      const handle = await open(p, "r");
      try {
        const buffer = Buffer.alloc(bytes);
        const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
        return buffer.subarray(0, bytesRead).toString("utf8");
      } finally {
        await handle.close();
      }
    },
  };
}

const isInside = (child: string, root: string) => {
  const rel = relative(root, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
};

export interface WorkspaceFileContext {
  workspace: string;
  fs: ClaudeFs;
  /** Directories besides the workspace whose files may be read (default: none). */
  allowedRoots?: readonly string[];
}

export type PathKind = "file" | "dir" | "file-or-dir";

/**
 * A path named by an input: relative paths are taken from the workspace; `~`
 * is refused (no shell runs on inputs); the canonical path (symlinks
 * followed) must lie inside the workspace or an allowed root, and be a
 * regular file (or a directory, as `want` says). Returns the canonical path.
 */
export async function workspacePath(
  path: string,
  ctx: WorkspaceFileContext,
  input: ClaudeInputName,
  what: string,
  want: PathKind = "file",
): Promise<string> {
  const expected = want === "file" ? "a file" : want === "dir" ? "a directory" : "a file or directory";
  const inside = ctx.allowedRoots?.length ? "inside the workspace (or the runner's temporary directory)" : "inside the workspace";
  if (path.trim() === "") throw inputError(input, `${what} is empty; expected the path of ${expected} ${inside}`);
  if (path.startsWith("~")) {
    throw inputError(input, `${what} ${shown(path)}: '~' is not expanded (no shell runs on inputs); use a path relative to the workspace`);
  }
  const absolute = resolve(ctx.workspace, path);
  let real: string;
  try {
    real = await ctx.fs.realpath(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    throw inputError(
      input,
      code === "ENOENT"
        ? `${what} ${shown(path)} does not exist (looked for ${shown(absolute, 120)}); expected ${expected} ${inside}`
        : `${what} ${shown(path)} cannot be read (${code ?? "error"})`,
    );
  }
  const roots: string[] = [];
  for (const root of [ctx.workspace, ...(ctx.allowedRoots ?? [])]) {
    try {
      roots.push(await ctx.fs.realpath(resolve(root)));
    } catch {
      // A root that does not exist contains nothing.
    }
  }
  if (!roots.some((root) => isInside(real, root))) {
    throw inputError(
      input,
      `${what} ${shown(path)} resolves to ${shown(real, 120)}, outside the workspace (${shown(ctx.workspace, 120)}); expected ${expected} ${inside}`,
    );
  }
  const kind = await ctx.fs.kind(real);
  const fits = want === "file" ? kind === "file" : want === "dir" ? kind === "dir" : kind === "file" || kind === "dir";
  if (!fits) {
    throw inputError(input, `${what} ${shown(path)} is ${kind === "dir" ? "a directory" : kind === "file" ? "a file" : "not a regular file"}; expected ${expected} ${inside}`);
  }
  return real;
}

/**
 * Reads a file named by an input (see workspacePath): inside the workspace
 * or an allowed root, a regular file.
 */
export async function readWorkspaceFile(
  path: string,
  ctx: WorkspaceFileContext,
  input: ClaudeInputName,
  what: string,
): Promise<{ path: string; content: string }> {
  const real = await workspacePath(path, ctx, input, what, "file");
  try {
    return { path: real, content: await ctx.fs.readFile(real) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    throw inputError(input, `${what} ${shown(path)} cannot be read (${code ?? "error"}); expected a readable file`);
  }
}
