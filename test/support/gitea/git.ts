/**
 * Bare git repositories on disk, driven only through asynchronous `git`
 * children (argv arrays, never a shell), plus smart HTTP via `git http-backend`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/** Environment for git children: the caller's, minus any GIT_* leaking in, plus isolation. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = "1";
  env.GIT_CONFIG_GLOBAL = "/dev/null";
  env.GIT_TERMINAL_PROMPT = "0";
  env.LC_ALL = "C";
  return { ...env, ...extra };
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly result: RunResult,
  ) {
    super(`git ${args.join(" ")} failed (${result.code}): ${result.stderr.trim()}`);
  }
}

export function runGit(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string | Buffer } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") }),
    );
    child.stdin.on("error", () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export async function git(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string | Buffer } = {},
): Promise<string> {
  const r = await runGit(args, opts);
  if (r.code !== 0) throw new GitError(args, r);
  return r.stdout.toString("utf8");
}

export interface Identity {
  name: string;
  email: string;
  /** RFC3339 / git date; default now */
  date?: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  /** full message */
  message: string;
  subject: string;
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size: number;
  path: string;
  name: string;
}

export interface RawChangedFile {
  status: "added" | "deleted" | "modified" | "renamed" | "copied" | "typechange";
  filename: string;
  previousFilename?: string;
  additions: number;
  deletions: number;
}

const COMMIT_FORMAT = ["%H", "%T", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"].join("%x00") + "%x1e";

/** Go renders UTC offsets as "Z". */
function utcZ(date: string): string {
  return date.replace(/\+00:00$/, "Z");
}

function parseCommits(out: string): CommitInfo[] {
  return out
    .split("\x1e")
    .map((s) => s.replace(/^\n/, ""))
    .filter((s) => s.length > 0)
    .map((rec) => {
      const [sha = "", tree = "", parents = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", ...rest] =
        rec.split("\x00");
      const message = rest.join("\x00").replace(/\n+$/, "");
      return {
        sha,
        tree,
        parents: parents ? parents.split(" ") : [],
        author: { name: an, email: ae, date: utcZ(ad) },
        committer: { name: cn, email: ce, date: utcZ(cd) },
        message,
        subject: message.split("\n")[0] ?? "",
      };
    });
}

/** Identity env for commit-tree. */
function identityEnv(author: Identity, committer: Identity): Record<string, string> {
  const env: Record<string, string> = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
  if (author.date) env.GIT_AUTHOR_DATE = author.date;
  if (committer.date) env.GIT_COMMITTER_DATE = committer.date;
  return env;
}

const ZERO = "0".repeat(40);

/** git check-ref-format rules for a branch name (Gitea's GitRefName binding). */
export function isValidRefName(name: string): boolean {
  if (!name || name === "@" || name.length > 255) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\//.test(name)) return false;
  if (name.startsWith("/") || name.endsWith("/") || name.endsWith(".") || name.startsWith("-")) return false;
  return name.split("/").every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock"));
}

export class GitRepo {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    /** scratch directory for temporary index files */
    private readonly scratch: string,
  ) {}

  /** Runs fn after every earlier exclusive operation on this repository finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  run(args: string[], opts: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<string> {
    return git(["--git-dir", this.dir, ...args], opts);
  }

  raw(args: string[], opts: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<RunResult> {
    return runGit(["--git-dir", this.dir, ...args], opts);
  }

  async init(defaultBranch: string): Promise<void> {
    await git(["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`, this.dir]);
    await this.run(["config", "http.receivepack", "true"]);
    await this.run(["config", "uploadpack.allowAnySHA1InWant", "true"]);
  }

  async cloneBareFrom(src: string): Promise<void> {
    await git(["clone", "--bare", "--quiet", "--no-local", src, this.dir]);
    await this.run(["config", "http.receivepack", "true"]);
    await this.run(["config", "uploadpack.allowAnySHA1InWant", "true"]);
    // a fork carries only branches (and tags), like Gitea's
    for (const ref of (await this.run(["for-each-ref", "--format=%(refname)", "refs/pull/"])).split("\n")) {
      if (ref) await this.run(["update-ref", "-d", ref]);
    }
  }

  async setHead(branch: string): Promise<void> {
    await this.run(["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
  }

  /** Commit sha of an exact ref/sha expression, or null. */
  async revParse(expr: string): Promise<string | null> {
    // callers pass "refs/…" names or hex shas; refuse revision syntax (main~1, a^{tree}, @{u}, x:path)
    // and option-like text, which Gitea would not resolve either
    if (!expr || expr.startsWith("-") || /[~^:?*[\\\s]|@\{|\.\./.test(expr)) return null;
    const r = await this.raw(["rev-parse", "--verify", "--quiet", `${expr}^{commit}`]);
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  /** Resolves a user ref (branch, tag, full ref or sha) the way Gitea's ?ref= does. */
  async resolveRef(ref: string): Promise<{ sha: string; kind: "branch" | "tag" | "commit" } | null> {
    if (!ref) return null;
    const b = await this.revParse(`refs/heads/${ref}`);
    if (b) return { sha: b, kind: "branch" };
    const t = await this.revParse(`refs/tags/${ref}`);
    if (t) return { sha: t, kind: "tag" };
    if (ref.startsWith("refs/")) {
      const r = await this.revParse(ref);
      if (r) return { sha: r, kind: ref.startsWith("refs/tags/") ? "tag" : ref.startsWith("refs/heads/") ? "branch" : "commit" };
    }
    if (/^[0-9a-f]{7,40}$/i.test(ref)) {
      const c = await this.revParse(ref);
      if (c) return { sha: c, kind: "commit" };
    }
    return null;
  }

  /** Branches with their head sha and committer time (unix seconds). */
  async branches(): Promise<{ name: string; sha: string; time: number }[]> {
    const out = await this.run([
      "for-each-ref",
      "--format=%(refname)%00%(objectname)%00%(committerdate:unix)",
      "refs/heads/",
    ]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [ref = "", sha = "", time = "0"] = line.split("\x00");
        return { name: ref.slice("refs/heads/".length), sha, time: Number(time) };
      });
  }

  async updateRef(ref: string, sha: string, old?: string | null): Promise<void> {
    const args = ["update-ref", ref, sha];
    if (old !== undefined) args.push(old ?? ZERO);
    await this.run(args);
  }

  async deleteRef(ref: string): Promise<void> {
    await this.run(["update-ref", "-d", ref]);
  }

  async commit(sha: string): Promise<CommitInfo> {
    const out = await this.run(["show", "-s", `--format=${COMMIT_FORMAT}`, sha, "--"]);
    const c = parseCommits(out)[0];
    if (!c) throw new Error(`no commit ${sha}`);
    return c;
  }

  /** `git log` over revision arguments (newest first). */
  async log(revs: string[], max?: number): Promise<CommitInfo[]> {
    const args = ["log", `--format=${COMMIT_FORMAT}`];
    if (max !== undefined) args.push(`--max-count=${max}`);
    return parseCommits(await this.run([...args, ...revs, "--"]));
  }

  /** The tree entry at path in a commit, or null. An empty path is the root tree. */
  /** Writes blobs; one `hash-object` per blob for a few, one for all of them (through files) for many. */
  private async hashBlobs(contents: Buffer[]): Promise<string[]> {
    if (contents.length <= 8) {
      const out: string[] = [];
      for (const c of contents) out.push((await this.run(["hash-object", "-w", "--stdin"], { input: c })).trim());
      return out;
    }
    const dir = path.join(this.scratch, `blobs-${randomBytes(6).toString("hex")}`);
    await mkdir(dir, { recursive: true });
    try {
      const files = contents.map((_, i) => path.join(dir, String(i)));
      for (let i = 0; i < contents.length; i += 256) await Promise.all(contents.slice(i, i + 256).map((c, j) => writeFile(files[i + j]!, c)));
      return (await this.run(["hash-object", "-w", "--stdin-paths"], { input: Buffer.from(`${files.join("\n")}\n`) })).trim().split("\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Mode of every blob of a commit, by path. */
  private async modes(commit: string): Promise<Map<string, string>> {
    const out = await this.run(["ls-tree", "-r", "-z", "--full-tree", commit]);
    const map = new Map<string, string>();
    for (const line of out.split("\x00")) {
      const tab = line.indexOf("\t");
      if (tab < 0) continue;
      const [mode, type] = line.slice(0, tab).split(" ");
      if (type === "blob") map.set(line.slice(tab + 1), mode!);
    }
    return map;
  }

  async entry(commit: string, filePath: string): Promise<TreeEntry | null> {
    const clean = filePath.replace(/^\/+|\/+$/g, "");
    if (clean === "") {
      const tree = (await this.run(["rev-parse", `${commit}^{tree}`])).trim();
      return { mode: "040000", type: "tree", sha: tree, size: 0, path: "", name: "" };
    }
    const out = await this.run(["ls-tree", "-z", "--long", "--full-tree", commit, "--", clean]);
    const first = out.split("\x00").find(Boolean);
    if (!first) return null;
    const e = parseTreeLine(first);
    return e && e.path === clean ? e : null;
  }

  /** Entries directly inside a directory of a commit. */
  async listDir(commit: string, dirPath: string): Promise<TreeEntry[]> {
    const clean = dirPath.replace(/^\/+|\/+$/g, "");
    const args = ["ls-tree", "-z", "--long", "--full-tree", commit];
    if (clean) args.push("--", `${clean}/`);
    const out = await this.run(args);
    return out
      .split("\x00")
      .filter(Boolean)
      .map(parseTreeLine)
      .filter((e): e is TreeEntry => e !== null);
  }

  async blob(sha: string): Promise<Buffer> {
    const r = await this.raw(["cat-file", "blob", sha]);
    if (r.code !== 0) throw new GitError(["cat-file", "blob", sha], r);
    return r.stdout;
  }

  async readFile(commit: string, filePath: string): Promise<Buffer | null> {
    const e = await this.entry(commit, filePath);
    if (!e || e.type !== "blob") return null;
    return this.blob(e.sha);
  }

  async lastCommitFor(commit: string, filePath: string): Promise<string> {
    return (await this.run(["log", "-1", "--format=%H", commit, "--", filePath])).trim() || commit;
  }

  /** Between two commits (object ids never change their meaning) the answer is computed once. */
  private readonly mergeBases = new Map<string, string | null>();

  async mergeBase(a: string, b: string): Promise<string | null> {
    const key = `${a}..${b}`;
    const pinned = /^[0-9a-f]{40,64}$/.test(a) && /^[0-9a-f]{40,64}$/.test(b);
    if (pinned && this.mergeBases.has(key)) return this.mergeBases.get(key)!;
    const r = await this.raw(["merge-base", a, b]);
    const base = r.code === 0 ? r.stdout.toString().trim() : null;
    if (pinned) this.mergeBases.set(key, base);
    return base;
  }

  /** Files changed between two commits (rename detection on), like Gitea's diff; commits never change, so it is computed once. */
  private readonly diffCache = new Map<string, Promise<RawChangedFile[]>>();

  changedFiles(from: string | null, to: string): Promise<RawChangedFile[]> {
    const key = `${from ?? ""}..${to}`;
    let cached = this.diffCache.get(key);
    if (!cached) {
      cached = this.computeChangedFiles(from, to);
      cached.catch(() => this.diffCache.delete(key));
      if (this.diffCache.size > 64) this.diffCache.clear();
      this.diffCache.set(key, cached);
    }
    return cached.then((files) => files.map((f) => ({ ...f })));
  }

  private async computeChangedFiles(from: string | null, to: string): Promise<RawChangedFile[]> {
    const range = from ? [from, to] : ["--root", to];
    const cmd = from ? "diff" : "diff-tree";
    const base = from ? [cmd, "-M", "-z"] : [cmd, "-r", "-M", "-z", "--no-commit-id"];
    const ns = (await this.run([...base, "--name-status", ...range, "--"])).split("\x00");
    const num = (await this.run([...base, "--numstat", ...range, "--"])).split("\x00");
    const files: RawChangedFile[] = [];
    let i = 0;
    while (i < ns.length && ns[i]) {
      const code = ns[i] ?? "";
      const letter = code[0];
      if (letter === "R" || letter === "C") {
        files.push({
          status: letter === "R" ? "renamed" : "copied",
          previousFilename: ns[i + 1] ?? "",
          filename: ns[i + 2] ?? "",
          additions: 0,
          deletions: 0,
        });
        i += 3;
      } else {
        const status =
          letter === "A" ? "added" : letter === "D" ? "deleted" : letter === "T" ? "typechange" : "modified";
        files.push({ status, filename: ns[i + 1] ?? "", additions: 0, deletions: 0 });
        i += 2;
      }
    }
    // numstat -z: "a\td\tpath" or "a\td\t" followed by old, new
    let j = 0;
    let k = 0;
    while (j < num.length && num[j] && k < files.length) {
      const [a = "0", d = "0", p = ""] = (num[j] ?? "").split("\t");
      const f = files[k];
      if (f) {
        f.additions = a === "-" ? 0 : Number(a);
        f.deletions = d === "-" ? 0 : Number(d);
      }
      j += p === "" ? 3 : 1;
      k += 1;
    }
    return files;
  }

  async diff(from: string, to: string, paths: string[] = []): Promise<string> {
    return this.run(["diff", "-M", "--full-index", from, to, "--", ...paths]);
  }

  async formatPatch(from: string, to: string): Promise<string> {
    return this.run(["format-patch", "--stdout", "--no-signature", `${from}..${to}`]);
  }

  /**
   * Writes a commit on top of `parent` (null = root commit) applying file
   * changes (null content deletes) through a temporary index. Does not move any ref.
   */
  async writeCommit(opts: {
    parent: string | null;
    changes: { path: string; content: Buffer | null; from?: string }[];
    message: string;
    author: Identity;
    committer?: Identity;
  }): Promise<string> {
    const index = path.join(this.scratch, `index-${randomBytes(6).toString("hex")}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (opts.parent) await this.run(["read-tree", opts.parent], { env });
      else await this.run(["read-tree", "--empty"], { env });
      let info = "";
      // Many files (a benchmark's pull request of thousands): hash them in one git process, read the parent's modes once.
      const blobs = await this.hashBlobs(opts.changes.filter((c) => c.content !== null).map((c) => c.content!));
      const modes = opts.parent && opts.changes.length > 8 ? await this.modes(opts.parent) : undefined;
      let next = 0;
      for (const change of opts.changes) {
        if (change.from && change.from !== change.path) info += `0 ${ZERO}\t${change.from}\x00`;
        if (change.content === null) {
          info += `0 ${ZERO}\t${change.path}\x00`;
          continue;
        }
        const blob = blobs[next++]!;
        let mode = "100644";
        const source = change.from ?? change.path;
        if (modes) mode = modes.get(source) ?? mode;
        else if (opts.parent) {
          const existing = await this.entry(opts.parent, source);
          if (existing?.type === "blob") mode = existing.mode;
        }
        info += `${mode} ${blob}\t${change.path}\x00`;
      }
      if (info) await this.run(["update-index", "-z", "--index-info"], { env, input: info });
      const tree = (await this.run(["write-tree"], { env })).trim();
      const args = ["commit-tree", tree];
      if (opts.parent) args.push("-p", opts.parent);
      args.push("-F", "-");
      const sha = await this.run(args, {
        env: identityEnv(opts.author, opts.committer ?? opts.author),
        input: opts.message.endsWith("\n") ? opts.message : `${opts.message}\n`,
      });
      return sha.trim();
    } finally {
      await rm(index, { force: true });
      await rm(`${index}.lock`, { force: true });
    }
  }

  /** Fetches a ref of another local repository into a ref of this one. */
  async fetchRef(srcDir: string, srcRef: string, dstRef: string): Promise<void> {
    await this.run(["fetch", "--quiet", "--no-tags", srcDir, `+${srcRef}:${dstRef}`]);
  }
}

function parseTreeLine(line: string): TreeEntry | null {
  // "<mode> SP <type> SP <sha> SP+ <size> TAB <path>"
  const tab = line.indexOf("\t");
  if (tab < 0) return null;
  const [mode = "", type = "", sha = "", size = "-"] = line.slice(0, tab).split(/\s+/);
  const p = line.slice(tab + 1);
  return {
    mode,
    type: type as TreeEntry["type"],
    sha,
    size: size === "-" ? 0 : Number(size),
    path: p,
    name: p.split("/").pop() ?? p,
  };
}

/**
 * Serves one smart-HTTP request through `git http-backend` (CGI). Resolves
 * with the HTTP status once the response is finished.
 */
export function serveGitHttp(
  req: IncomingMessage,
  res: ServerResponse,
  opts: {
    projectRoot: string;
    pathInfo: string;
    query: string;
    remoteUser: string | null;
    /** pre-receive hook enforcing protected branches (see protection.ts) */
    protection?: { hooksDir: string; rulesFile: string };
    /** runs after the backend finished, before the response ends (e.g. post-receive work) */
    beforeEnd?: () => Promise<void>;
  },
): Promise<number> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {
      GIT_PROJECT_ROOT: opts.projectRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: opts.pathInfo,
      REQUEST_METHOD: req.method ?? "GET",
      QUERY_STRING: opts.query,
      REMOTE_ADDR: "127.0.0.1",
      SERVER_PROTOCOL: "HTTP/1.1",
      GATEWAY_INTERFACE: "CGI/1.1",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.receivepack",
      GIT_CONFIG_VALUE_0: "true",
    };
    if (opts.remoteUser) env.REMOTE_USER = opts.remoteUser;
    if (opts.protection) {
      env.GIT_CONFIG_COUNT = "2";
      env.GIT_CONFIG_KEY_1 = "core.hooksPath";
      env.GIT_CONFIG_VALUE_1 = opts.protection.hooksDir;
      env.EMULATOR_PROTECTED_RULES = opts.protection.rulesFile;
    }
    const h = req.headers;
    if (h["content-type"]) env.CONTENT_TYPE = h["content-type"];
    if (h["content-length"]) env.CONTENT_LENGTH = h["content-length"];
    if (h["content-encoding"]) env.HTTP_CONTENT_ENCODING = String(h["content-encoding"]);
    if (h["git-protocol"]) env.GIT_PROTOCOL = String(h["git-protocol"]);

    const child = spawn("git", ["http-backend"], { env: gitEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    let headerBuf = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.on("error", () => {});
    req.pipe(child.stdin);
    req.on("close", () => {
      if (!res.writableEnded && res.destroyed) child.kill("SIGKILL");
    });

    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      headerBuf = Buffer.concat([headerBuf, chunk]);
      let sep = headerBuf.indexOf("\r\n\r\n");
      let sepLen = 4;
      const lf = headerBuf.indexOf("\n\n");
      if (lf >= 0 && (sep < 0 || lf < sep)) {
        sep = lf;
        sepLen = 2;
      }
      if (sep < 0) return;
      headersDone = true;
      const head = headerBuf.subarray(0, sep).toString("utf8");
      const rest = headerBuf.subarray(sep + sepLen);
      for (const line of head.split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      if (rest.length) res.write(rest);
    });
    child.on("error", () => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
      resolve(500);
    });
    child.on("close", (code) => {
      void (async () => {
        if (!headersDone) {
          status = 500;
          if (!res.headersSent) {
            res.statusCode = 500;
            res.setHeader("Content-Type", "text/plain");
          }
          res.end(`git http-backend failed (${code}): ${stderr}`);
        } else {
          try {
            await opts.beforeEnd?.();
          } finally {
            res.end();
          }
        }
        resolve(status);
      })();
    });
  });
}
