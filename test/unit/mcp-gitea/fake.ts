/**
 * A fake Gitea for the MCP tool tests: issues, comments, pull requests,
 * labels and reviews in memory; branches, files and commits in a real bare
 * git repository (so commit_files' fetch + reset runs against real git), and
 * a temporary clone as the workspace.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { GiteaError } from "../../../src/gitea/client";
import type {
  GiteaBranch,
  GiteaChangedFile,
  GiteaComment,
  GiteaCommit,
  GiteaContents,
  GiteaIssue,
  GiteaLabel,
  GiteaPullRequest,
  GiteaReview,
  GiteaReviewComment,
} from "../../../src/gitea/types";
import type { GiteaApi } from "../../../src/mcp/gitea/tool";

const exec = promisify(execFile);

export const IDENTITY = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

export async function git(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<string> {
  const child = exec("git", args, { cwd, env: { ...process.env, ...IDENTITY, GIT_TERMINAL_PROMPT: "0", ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout.trim();
}

export type Call = { method: keyof GiteaApi; args: unknown[] };

const notFound = (what: string) => new GiteaError(`GET ${what}`, 404, "HTTP 404: The target couldn't be found.");

export class FakeGitea implements GiteaApi {
  calls: Call[] = [];
  issues = new Map<number, GiteaIssue>();
  comments = new Map<number, GiteaComment[]>();
  pulls = new Map<number, GiteaPullRequest>();
  files = new Map<number, GiteaChangedFile[]>();
  labels: GiteaLabel[] = [];
  issueLabelIds = new Map<number, number[]>();
  reviews: { index: number; review: Parameters<GiteaApi["createReview"]>[1] }[] = [];
  commitRequests: Parameters<GiteaApi["commitFiles"]>[0][] = [];
  /** Makes the next call of that method fail with this error. */
  failNext = new Map<keyof GiteaApi, Error>();
  private nextId = 1000;

  constructor(readonly bare: string) {}

  private record(method: keyof GiteaApi, ...args: unknown[]) {
    this.calls.push({ method, args });
    const fail = this.failNext.get(method);
    if (fail) {
      this.failNext.delete(method);
      throw fail;
    }
  }

  async editComment(id: number, body: string): Promise<GiteaComment> {
    this.record("editComment", id, body);
    for (const list of this.comments.values()) {
      const c = list.find((x) => x.id === id);
      if (c) {
        c.body = body;
        return { ...c, html_url: `https://gitea.test/acme/widgets/issues/1#issuecomment-${id}` };
      }
    }
    throw notFound(`/issues/comments/${id}`);
  }
  async issue(index: number): Promise<GiteaIssue> {
    this.record("issue", index);
    const i = this.issues.get(index);
    if (!i) throw notFound(`/issues/${index}`);
    return i;
  }
  async issueComments(index: number): Promise<GiteaComment[]> {
    this.record("issueComments", index);
    if (!this.issues.has(index)) throw notFound(`/issues/${index}/comments`);
    return this.comments.get(index) ?? [];
  }
  async pull(index: number): Promise<GiteaPullRequest> {
    this.record("pull", index);
    const p = this.pulls.get(index);
    if (!p) throw notFound(`/pulls/${index}`);
    return p;
  }
  async pullFiles(index: number): Promise<GiteaChangedFile[]> {
    this.record("pullFiles", index);
    if (!this.pulls.has(index)) throw notFound(`/pulls/${index}/files`);
    return this.files.get(index) ?? [];
  }
  async pullFilesPage(index: number, page: number, limit = 50) {
    this.record("pullFilesPage", index, page, limit);
    if (!this.pulls.has(index)) throw notFound(`/pulls/${index}/files`);
    const all = this.files.get(index) ?? [];
    return { items: all.slice((page - 1) * limit, page * limit), total: all.length };
  }
  async pullFilesUpTo(index: number, max: number | ((total: number) => number)) {
    this.record("pullFilesUpTo", index, max);
    if (!this.pulls.has(index)) throw notFound(`/pulls/${index}/files`);
    const all = this.files.get(index) ?? [];
    return { items: all.slice(0, typeof max === "number" ? max : max(all.length)), total: all.length };
  }
  /** Commits, reviews, inline comments and the unified diff of each pull request. */
  commits = new Map<number, GiteaCommit[]>();
  pullReviewList = new Map<number, GiteaReview[]>();
  reviewComments = new Map<number, GiteaReviewComment[]>();
  diffs = new Map<number, string>();
  async pullCommitsPage(index: number, page: number, limit = 50) {
    this.record("pullCommitsPage", index, page, limit);
    if (!this.pulls.has(index)) throw notFound(`/pulls/${index}/commits`);
    const all = this.commits.get(index) ?? [];
    return { items: all.slice((page - 1) * limit, page * limit), total: all.length };
  }
  async pullReviews(index: number): Promise<GiteaReview[]> {
    this.record("pullReviews", index);
    if (!this.pulls.has(index)) throw notFound(`/pulls/${index}/reviews`);
    return this.pullReviewList.get(index) ?? [];
  }
  async pullReviewsPage(index: number, page: number, limit = 50) {
    this.record("pullReviewsPage", index, page, limit);
    const all = await this.pullReviews(index);
    return { items: all.slice((page - 1) * limit, page * limit), total: all.length };
  }
  async pullReviewComments(index: number, id: number): Promise<GiteaReviewComment[]> {
    this.record("pullReviewComments", index, id);
    const list = this.reviewComments.get(id);
    if (!list) throw notFound(`/pulls/${index}/reviews/${id}/comments`);
    return list;
  }
  async pullDiffStream(index: number) {
    this.record("pullDiffStream", index);
    if (!this.pulls.has(index)) throw notFound(`/pulls/${index}.diff`);
    const text = Buffer.from(this.diffs.get(index) ?? "");
    let cancelled = false;
    async function* body() {
      // Small chunks, so lines and characters are split across them.
      for (let i = 0; i < text.length && !cancelled; i += 7) yield text.subarray(i, i + 7);
    }
    return { status: 200, headers: { get: () => null }, body: body(), cancel: async () => void (cancelled = true) };
  }
  async openPulls(): Promise<GiteaPullRequest[]> {
    this.record("openPulls");
    return [...this.pulls.values()].filter((p) => p.state === "open");
  }
  async createPull(head: string, base: string, title: string, body: string): Promise<GiteaPullRequest> {
    this.record("createPull", head, base, title, body);
    const number = Math.max(0, ...this.issues.keys(), ...this.pulls.keys()) + 1;
    const sha = (b: string) => git(this.bare, ["rev-parse", `refs/heads/${b}`]);
    const pr: GiteaPullRequest = {
      id: this.nextId++,
      number,
      title,
      body,
      user: { id: 9, login: "claude-bot" },
      state: "open",
      html_url: `https://gitea.test/acme/widgets/pulls/${number}`,
      head: { ref: head, sha: await sha(head) },
      base: { ref: base, sha: await sha(base) },
    };
    this.pulls.set(number, pr);
    return pr;
  }
  async createReview(index: number, review: Parameters<GiteaApi["createReview"]>[1]): Promise<GiteaReview> {
    this.record("createReview", index, review);
    this.reviews.push({ index, review });
    return { id: this.nextId++, body: review.body, state: "COMMENT", user: { id: 9, login: "claude-bot" }, html_url: `https://gitea.test/acme/widgets/pulls/${index}#review` };
  }
  async contents(filePath: string, ref?: string): Promise<GiteaContents | GiteaContents[] | undefined> {
    this.record("contents", filePath, ref);
    const commit = await git(this.bare, ["rev-parse", "--verify", "--quiet", `${ref ?? "main"}^{commit}`]).catch(() => "");
    if (!commit) throw new GiteaError(`GET /contents/${filePath}`, 404, `HTTP 404: object does not exist [id: ${ref}]`);
    const entry = await git(this.bare, ["ls-tree", "-l", commit, "--", filePath]);
    if (!entry) return undefined;
    const [meta, name] = entry.split("\t") as [string, string];
    const [mode, type, sha, size] = meta.split(/\s+/) as [string, string, string, string];
    if (type === "tree") {
      const list = await git(this.bare, ["ls-tree", "-l", `${commit}:${filePath}`]);
      return list
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [m, p] = line.split("\t") as [string, string];
          const [, t, s, sz] = m.split(/\s+/) as [string, string, string, string];
          return { type: t === "tree" ? "dir" : "file", name: p, path: `${filePath}/${p}`, sha: s, ...(t === "blob" ? { size: Number(sz) } : {}) };
        });
    }
    if (mode === "120000") return { type: "symlink", name: path.basename(name), path: name, sha };
    const content = (await exec("git", ["cat-file", "blob", sha], { cwd: this.bare, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 })).stdout;
    return { type: "file", name: path.basename(name), path: name, sha, size: Number(size), encoding: "base64", content: content.toString("base64") };
  }
  async commitFiles(change: Parameters<GiteaApi["commitFiles"]>[0]): Promise<{ commit?: { sha?: string; html_url?: string } }> {
    this.record("commitFiles", change);
    this.commitRequests.push(change);
    const parent = await git(this.bare, ["rev-parse", `refs/heads/${change.branch}`]);
    const target = change.newBranch ?? change.branch;
    const index = path.join(this.bare, `tmp-index-${this.nextId++}`);
    const env = { GIT_INDEX_FILE: index };
    await git(this.bare, ["read-tree", parent], env);
    for (const f of change.files) {
      const current = await git(this.bare, ["ls-tree", parent, "--", f.path]);
      const currentSha = current ? current.split(/\s+/)[2] : undefined;
      if (f.operation === "create" && currentSha) throw new GiteaError("POST /contents", 422, `HTTP 422: repository file already exists [path: ${f.path}]`);
      if (f.operation !== "create" && currentSha !== f.sha) throw new GiteaError("POST /contents", 422, `HTTP 422: sha does not match [given: ${f.sha}, expected: ${currentSha}]`);
      if (f.operation === "delete") {
        await git(this.bare, ["update-index", "--index-info"], env, `0 ${"0".repeat(40)}\t${f.path}\n`);
      } else {
        const sha = await hashObject(this.bare, Buffer.from(f.content ?? "", "base64"));
        await git(this.bare, ["update-index", "--add", "--cacheinfo", `100644,${sha},${f.path}`], env);
      }
    }
    const tree = await git(this.bare, ["write-tree"], env);
    await rm(index, { force: true });
    const who = change.author ?? { name: "Gitea", email: "gitea@example.com" };
    const sha = await git(this.bare, ["commit-tree", tree, "-p", parent, "-m", change.message], {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
    });
    await git(this.bare, ["update-ref", `refs/heads/${target}`, sha]);
    return { commit: { sha, html_url: `https://gitea.test/acme/widgets/commit/${sha}` } };
  }
  async branch(name: string): Promise<GiteaBranch | undefined> {
    this.record("branch", name);
    const sha = await git(this.bare, ["rev-parse", "--verify", "--quiet", `refs/heads/${name}`]).catch(() => "");
    return sha ? { name, commit: { id: sha } } : undefined;
  }
  async branches(): Promise<GiteaBranch[]> {
    this.record("branches");
    const out = await git(this.bare, ["for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name, id] = line.split(" ") as [string, string];
        return { name, commit: { id } };
      });
  }
  async repoLabels(): Promise<GiteaLabel[]> {
    this.record("repoLabels");
    return this.labels;
  }
  async issueLabels(index: number): Promise<GiteaLabel[]> {
    this.record("issueLabels", index);
    return (this.issueLabelIds.get(index) ?? []).map((id) => this.labels.find((l) => l.id === id)!);
  }
  async replaceIssueLabels(index: number, labelIds: number[]): Promise<GiteaLabel[]> {
    this.record("replaceIssueLabels", index, labelIds);
    this.issueLabelIds.set(index, [...labelIds]);
    return this.issueLabels(index);
  }
  async addIssueLabels(index: number, labelIds: number[]): Promise<GiteaLabel[]> {
    this.record("addIssueLabels", index, labelIds);
    const now = new Set([...(this.issueLabelIds.get(index) ?? []), ...labelIds]);
    this.issueLabelIds.set(index, [...now]);
    return this.issueLabels(index);
  }
}

async function hashObject(cwd: string, content: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("git", ["hash-object", "-w", "--stdin"], { cwd }, (err, stdout) => (err ? reject(err) : resolve(String(stdout).trim())));
    child.stdin?.end(content);
  });
}

/** A bare "remote" with main (README.md, src/app.ts) and a clone on the working branch. */
export async function gitFixture(branch = "claude/issue-12", options: { pushBranch?: boolean } = {}) {
  const root = await mkdtemp(path.join(os.tmpdir(), "gitea-mcp-"));
  const bare = path.join(root, "remote.git");
  const seed = path.join(root, "seed");
  const workspace = path.join(root, "work");
  await git(root, ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await git(root, ["init", "--quiet", "--initial-branch=main", seed]);
  const { writeFile, mkdir } = await import("node:fs/promises");
  await mkdir(path.join(seed, "src"));
  await writeFile(path.join(seed, "README.md"), "# Widgets\n");
  await writeFile(path.join(seed, "src/app.ts"), "export const answer = 41;\n");
  await writeFile(path.join(seed, "logo.bin"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
  await git(seed, ["add", "."]);
  await git(seed, ["commit", "--quiet", "-m", "Initial commit"]);
  await git(seed, ["push", "--quiet", bare, "main"]);
  await git(root, ["clone", "--quiet", bare, workspace]);
  await git(workspace, ["checkout", "--quiet", "-b", branch]);
  if (options.pushBranch) await git(workspace, ["push", "--quiet", "origin", branch]);
  return { root, bare, workspace, cleanup: () => rm(root, { recursive: true, force: true }) };
}
