import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { basicAuth, giteaApi } from "../support/gitea/client";
import { runGit } from "../support/gitea/git";
import { type GiteaEmulator, loadSpec, startGitea } from "../support/gitea/index";
import {
  issueCommentPayload,
  issuesPayload,
  pullRequestPayload,
  pullRequestReviewCommentPayload,
  pullRequestReviewPayload,
  repositoryDispatchPayload,
  reviewEventName,
  schedulePayload,
  workflowDispatchPayload,
} from "../support/gitea/payloads";

const HAVE_SPEC = loadSpec() !== null;
const itSpec = HAVE_SPEC ? it : it.skip;

const REPO = "owner/proj";
const T = { owner: "t-owner", writer: "t-writer", reader: "t-reader", admin: "t-admin", job: "t-job", repoAdmin: "t-radmin" };

/** Users: owner (repo owner), writer, reader (no collaborator entry), admin (site admin), job (write), radmin (repo admin). */
async function seed(g: GiteaEmulator): Promise<void> {
  g.addUser({ login: "owner", full_name: "The Owner", email: "owner@example.com", token: T.owner });
  g.addUser({ login: "writer", email: "writer@example.com", token: T.writer });
  g.addUser({ login: "reader", email: "reader@example.com", token: T.reader });
  g.addUser({ login: "admin", is_admin: true, token: T.admin });
  g.addUser({ login: "gitea-actions", token: T.job });
  g.addUser({ login: "radmin", token: T.repoAdmin });
  await g.createRepo({ owner: "owner", name: "proj", files: { "README.md": "# proj\n", "src/app.ts": "export const a = 1;\n" } });
  g.setPermission(REPO, "writer", "write");
  g.setPermission(REPO, "gitea-actions", "write");
  g.setPermission(REPO, "radmin", "admin");
}

/** Runs git asynchronously with a token in an extra header (never in the URL). */
async function gitAs(token: string | null, args: string[], cwd?: string) {
  const auth = token ? ["-c", `http.extraHeader=Authorization: ${basicAuth("x-access-token", token)}`] : [];
  return runGit([...auth, ...args], { cwd, env: { GIT_TERMINAL_PROMPT: "0" } });
}

async function tmpDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "gitea-emu-test-"));
}

describe("gitea emulator", () => {
  let g: GiteaEmulator;
  const dirs: string[] = [];

  beforeEach(async () => {
    g = await startGitea();
    await seed(g);
  });
  afterEach(async () => {
    // whatever a test provoked, every response must still match the spec and the emulator must not crash
    const broken = g.violations.filter((v) => v.kind === "invalid-response" || v.kind === "emulator-error");
    await g.stop();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    expect(broken).toEqual([]);
  });

  describe("auth", () => {
    it("accepts token, Bearer and Basic (token as password with any user, or as user)", async () => {
      for (const authorization of [
        `token ${T.writer}`,
        `Bearer ${T.writer}`,
        basicAuth("whoever", T.writer),
        basicAuth("writer", T.writer),
        basicAuth(T.writer, ""),
      ]) {
        const r = await giteaApi(g, "GET", "/user", { authorization });
        expect(r.status, authorization).toBe(200);
        expect(r.json.login).toBe("writer");
        expect(r.json).not.toHaveProperty("type");
      }
    });

    it("answers 401 with Gitea's error body for a bad token and for anonymous token-only routes", async () => {
      const bad = await giteaApi(g, "GET", `/repos/${REPO}`, { token: "nope" });
      expect(bad.status).toBe(401);
      expect(bad.json).toEqual({ message: expect.any(String), url: `${g.publicUrl}/api/swagger` });
      const anonUser = await giteaApi(g, "GET", "/user");
      expect(anonUser.status).toBe(401);
      expect(anonUser.json.message).toBe("token is required");
      const anonComment = await giteaApi(g, "POST", `/repos/${REPO}/issues/1/comments`, { body: { body: "x" } });
      expect(anonComment.status).toBe(401);
    });

    it("allows anonymous reads of public repos only", async () => {
      expect((await giteaApi(g, "GET", `/repos/${REPO}`)).status).toBe(200);
      await g.createRepo({ owner: "owner", name: "secret", private: true });
      const anon = await giteaApi(g, "GET", "/repos/owner/secret");
      expect(anon.status).toBe(404);
      expect(anon.json).toEqual({ errors: null, message: "The target couldn't be found.", url: expect.any(String) });
      expect((await giteaApi(g, "GET", "/repos/owner/secret", { token: T.reader })).status).toBe(404);
      expect((await giteaApi(g, "GET", "/repos/owner/secret", { token: T.owner })).status).toBe(200);
      expect((await giteaApi(g, "GET", "/repos/owner/secret", { token: T.admin })).status).toBe(200);
    });

    it("computes repository permissions for the token's user", async () => {
      const perms = async (token?: string) => (await giteaApi(g, "GET", `/repos/${REPO}`, { token })).json.permissions;
      expect(await perms()).toEqual({ admin: false, push: false, pull: true });
      expect(await perms(T.reader)).toEqual({ admin: false, push: false, pull: true });
      expect(await perms(T.writer)).toEqual({ admin: false, push: true, pull: true });
      expect(await perms(T.repoAdmin)).toEqual({ admin: true, push: true, pull: true });
      expect(await perms(T.owner)).toEqual({ admin: true, push: true, pull: true });
    });

    it("requires write for labels and branches (403) while any signed-in reader may comment, like Gitea", async () => {
      const issue = g.createIssue(REPO, { title: "t", user: "reader" });
      g.createLabel(REPO, { name: "bug" });
      const labels = await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/labels`, { token: T.reader, body: { labels: ["bug"] } });
      expect(labels.status).toBe(403);
      expect(g.issueLabels(REPO, issue.index)).toEqual([]);
      const branch = await giteaApi(g, "POST", `/repos/${REPO}/branches`, { token: T.reader, body: { new_branch_name: "x" } });
      expect(branch.status).toBe(403);
      const comment = await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/comments`, { token: T.reader, body: { body: "hi" } });
      expect(comment.status).toBe(201);
      const files = await giteaApi(g, "POST", `/repos/${REPO}/contents`, {
        token: T.reader,
        body: { files: [{ operation: "create", path: "x.txt", content: "eA==" }] },
      });
      expect(files.status).toBe(403);
    });
  });

  describe("collaborator permission endpoint", () => {
    const ask = (token: string | undefined, who: string) =>
      giteaApi(g, "GET", `/repos/${REPO}/collaborators/${who}/permission`, { token });

    it("refuses a user asking about themselves on 1.22 (it compares the empty LoginName), and the job token asking about others", async () => {
      const self = await ask(T.job, "gitea-actions");
      expect(self.status).toBe(403);
      const other = await ask(T.job, "reader");
      expect(other.status).toBe(403);
      expect(other.json.message).toMatch(/Only admins can query all permissions/);
      expect((await ask(T.writer, "owner")).status).toBe(403);
      expect((await ask(T.reader, "Reader")).status).toBe(403);
    });

    it("lets a user ask about themselves from 1.24 (lower-case name compared)", async () => {
      const g2 = await startGitea({ version: "1.24.7" });
      try {
        g2.addUser({ login: "o", token: "to" });
        g2.addUser({ login: "Reader", token: "tr" });
        await g2.createRepo({ owner: "o", name: "p" });
        const self = await giteaApi(g2, "GET", "/repos/o/p/collaborators/reader/permission", { token: "tr" });
        expect(self.status).toBe(200);
        expect(self.json).toMatchObject({ permission: "read", user: { login: "Reader" } });
        expect((await giteaApi(g2, "GET", "/repos/o/p/collaborators/o/permission", { token: "tr" })).status).toBe(403);
      } finally {
        await g2.stop();
      }
    });

    it("lets site admins, repo admins and the owner ask about anyone", async () => {
      expect((await ask(T.admin, "writer")).json.permission).toBe("write");
      expect((await ask(T.repoAdmin, "reader")).json.permission).toBe("read");
      expect((await ask(T.owner, "owner")).json.permission).toBe("owner");
      expect((await ask(T.owner, "radmin")).json.permission).toBe("admin");
      expect((await ask(T.owner, "nobody")).status).toBe(404);
      expect((await ask(undefined, "owner")).status).toBe(401);
    });

    it("reports none for strangers on private repos", async () => {
      await g.createRepo({ owner: "owner", name: "priv", private: true });
      const r = await giteaApi(g, "GET", "/repos/owner/priv/collaborators/reader/permission", { token: T.owner });
      expect(r.json.permission).toBe("none");
    });
  });

  describe("pagination", () => {
    it("pages with limit (clamped to 50), X-Total-Count and Link rel next/last/first/prev", async () => {
      for (let i = 0; i < 7; i++) g.createLabel(REPO, { name: `l${i}` });
      const page = (n: number, limit = 3) => giteaApi(g, "GET", `/repos/${REPO}/labels?limit=${limit}&page=${n}`);
      const base = `${g.publicUrl}/api/v1/repos/${REPO}/labels`;
      const p1 = await page(1);
      expect(p1.json.map((l: { name: string }) => l.name)).toEqual(["l0", "l1", "l2"]);
      expect(p1.headers.get("x-total-count")).toBe("7");
      expect(p1.headers.get("link")).toBe(`<${base}?limit=3&page=2>; rel="next",<${base}?limit=3&page=3>; rel="last"`);
      const p2 = await page(2);
      expect(p2.json.map((l: { name: string }) => l.name)).toEqual(["l3", "l4", "l5"]);
      expect(p2.headers.get("link")).toBe(
        `<${base}?limit=3&page=3>; rel="next",<${base}?limit=3&page=3>; rel="last",<${base}?limit=3&page=1>; rel="first",<${base}?limit=3&page=1>; rel="prev"`,
      );
      const p3 = await page(3);
      expect(p3.json.map((l: { name: string }) => l.name)).toEqual(["l6"]);
      expect(p3.headers.get("link")).toBe(`<${base}?limit=3&page=1>; rel="first",<${base}?limit=3&page=2>; rel="prev"`);
      const beyond = await page(9);
      expect(beyond.json).toEqual([]);
      const all = await giteaApi(g, "GET", `/repos/${REPO}/labels`);
      expect(all.json).toHaveLength(7);
      expect(all.headers.get("link")).toBeNull();
      for (let i = 7; i < 60; i++) g.createLabel(REPO, { name: `m${String(i).padStart(2, "0")}` });
      expect((await giteaApi(g, "GET", `/repos/${REPO}/labels?limit=100`)).json).toHaveLength(50);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/labels`)).json).toHaveLength(30);
    });

    it("paginates branches", async () => {
      for (let i = 0; i < 4; i++) await g.createBranch(REPO, `b${i}`, "main");
      const r = await giteaApi(g, "GET", `/repos/${REPO}/branches?limit=2&page=2`);
      expect(r.json).toHaveLength(2);
      expect(r.headers.get("x-total-count")).toBe("5");
      expect(r.headers.get("link")).toContain('rel="prev"');
    });

    it("does not paginate issue comments (Gitea 1.22 ignores page/limit there) but filters since/before", async () => {
      const issue = g.createIssue(REPO, { title: "t", user: "owner" });
      g.addComment(REPO, issue.index, { user: "owner", body: "old", created_at: "2024-01-01T00:00:00Z" });
      g.addComment(REPO, issue.index, { user: "reader", body: "mid", created_at: "2024-06-01T00:00:00Z" });
      g.addComment(REPO, issue.index, { user: "writer", body: "new", created_at: "2024-12-01T00:00:00Z" });
      const all = await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/comments`);
      expect(all.json.map((c: { body: string }) => c.body)).toEqual(["old", "mid", "new"]);
      expect(all.headers.get("x-total-count")).toBe("3");
      const since = await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/comments?since=2024-05-01T00:00:00Z`);
      expect(since.json.map((c: { body: string }) => c.body)).toEqual(["mid", "new"]);
      const window = await giteaApi(
        g,
        "GET",
        `/repos/${REPO}/issues/${issue.index}/comments?since=2024-05-01T00:00:00Z&before=2024-07-01T00:00:00Z`,
      );
      expect(window.json.map((c: { body: string }) => c.body)).toEqual(["mid"]);
      const paged = await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/comments?limit=1&page=2`);
      expect(paged.json).toHaveLength(3);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/comments?since=yesterday`)).status).toBe(422);
    });
  });

  describe("issues and comments", () => {
    it("creates, reads, edits and deletes comments with Gitea's shapes", async () => {
      const issue = g.createIssue(REPO, { title: "Bug", body: "broken", user: "reader" });
      const created = await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/comments`, { token: T.writer, body: { body: "on it" } });
      expect(created.status).toBe(201);
      const id = created.json.id as number;
      expect(created.json).toMatchObject({
        body: "on it",
        user: { login: "writer" },
        html_url: `${g.publicUrl}/${REPO}/issues/${issue.index}#issuecomment-${id}`,
        issue_url: `${g.publicUrl}/${REPO}/issues/${issue.index}`,
        pull_request_url: "",
      });
      expect(g.getComment(id)?.body).toBe("on it");

      const got = await giteaApi(g, "GET", `/repos/${REPO}/issues/comments/${id}`);
      expect(got.json.body).toBe("on it");
      const byOther = await giteaApi(g, "PATCH", `/repos/${REPO}/issues/comments/${id}`, { token: T.reader, body: { body: "hijack" } });
      expect(byOther.status).toBe(403);
      const edited = await giteaApi(g, "PATCH", `/repos/${REPO}/issues/comments/${id}`, { token: T.writer, body: { body: "done" } });
      expect(edited.status).toBe(200);
      expect(g.getComment(id)?.body).toBe("done");
      expect(g.listComments(REPO, issue.index).map((c) => c.body)).toEqual(["done"]);

      const del = await giteaApi(g, "DELETE", `/repos/${REPO}/issues/comments/${id}`, { token: T.writer });
      expect(del.status).toBe(204);
      expect(g.getComment(id)).toBeUndefined();
      const missing = await giteaApi(g, "GET", `/repos/${REPO}/issues/comments/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.json.message).toBe("The target couldn't be found.");
      expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/99`)).status).toBe(404);
    });

    it("renders PR issues with pull_request metadata and comment pull_request_url", async () => {
      await g.commitFiles(REPO, "feat", { "f.txt": "f\n" }, "feat");
      const pr = await g.createPullRequest(REPO, { title: "WIP: feature", user: "writer", head: "feat", base: "main" });
      const issue = await giteaApi(g, "GET", `/repos/${REPO}/issues/${pr.index}`);
      expect(issue.json.pull_request).toEqual({
        merged: false,
        merged_at: null,
        draft: true,
        html_url: `${g.publicUrl}/${REPO}/pulls/${pr.index}`,
      });
      const c = g.addComment(REPO, pr.index, { user: "reader", body: "hey" });
      const got = await giteaApi(g, "GET", `/repos/${REPO}/issues/comments/${c.id}`);
      expect(got.json.pull_request_url).toBe(`${g.publicUrl}/${REPO}/pulls/${pr.index}`);
      expect(got.json.issue_url).toBe("");
    });

    it("lists attachments of issues and comments", async () => {
      const issue = g.createIssue(REPO, { title: "t", user: "owner" });
      const c = g.addComment(REPO, issue.index, { user: "owner", body: "see file" });
      g.addAttachment(REPO, { index: issue.index, name: "shot.png", size: 10 });
      g.addAttachment(REPO, { index: issue.index, commentId: c.id, name: "log.txt", size: 3 });
      const ia = await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/assets`);
      expect(ia.json.map((a: { name: string }) => a.name)).toEqual(["shot.png"]);
      expect(ia.json[0].browser_download_url).toMatch(new RegExp(`^${g.publicUrl}/attachments/`));
      const ca = await giteaApi(g, "GET", `/repos/${REPO}/issues/comments/${c.id}/assets`);
      expect(ca.json.map((a: { name: string }) => a.name)).toEqual(["log.txt"]);
    });
  });

  describe("labels", () => {
    it("adds by ids or names, replaces, removes by id, lists repo labels", async () => {
      const bug = g.createLabel(REPO, { name: "bug", color: "#ff0000" });
      g.createLabel(REPO, { name: "claude" });
      g.createLabel(REPO, { name: "docs" });
      const issue = g.createIssue(REPO, { title: "t", user: "reader" });
      const p = `/repos/${REPO}/issues/${issue.index}/labels`;
      const add = await giteaApi(g, "POST", p, { token: T.writer, body: { labels: [bug.id, "claude", "unknown"] } });
      expect(add.status).toBe(200);
      expect(add.json.map((l: { name: string }) => l.name)).toEqual(["bug", "claude"]);
      expect(add.json[0].color).toBe("ff0000");
      expect(g.issueLabels(REPO, issue.index)).toEqual(["bug", "claude"]);
      const replaced = await giteaApi(g, "PUT", p, { token: T.writer, body: { labels: ["docs"] } });
      expect(replaced.json.map((l: { name: string }) => l.name)).toEqual(["docs"]);
      const docs = g.repoLabels(REPO).find((l) => l.name === "docs");
      expect((await giteaApi(g, "DELETE", `${p}/${docs?.id}`, { token: T.writer })).status).toBe(204);
      expect(g.issueLabels(REPO, issue.index)).toEqual([]);
      expect((await giteaApi(g, "DELETE", `${p}/9999`, { token: T.writer })).status).toBe(422);
      expect((await giteaApi(g, "GET", p)).json).toEqual([]);
      const repoLabels = await giteaApi(g, "GET", `/repos/${REPO}/labels`);
      expect(repoLabels.json.map((l: { name: string }) => l.name)).toEqual(["bug", "claude", "docs"]);
    });
  });

  describe("branches", () => {
    it("lists, gets (slashes allowed), creates, refuses duplicates and deletes", async () => {
      const mainSha = await g.branchSha(REPO, "main");
      const created = await giteaApi(g, "POST", `/repos/${REPO}/branches`, {
        token: T.writer,
        body: { new_branch_name: "claude/issue-1", old_ref_name: "main" },
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ name: "claude/issue-1", commit: { id: mainSha, message: "Initial commit\n" } });
      expect(await g.listBranches(REPO)).toEqual(["claude/issue-1", "main"]);
      const one = await giteaApi(g, "GET", `/repos/${REPO}/branches/claude/issue-1`);
      expect(one.json.commit.id).toBe(mainSha);
      expect(one.json.commit.author).toMatchObject({ name: "The Owner", email: "owner@example.com", username: "owner" });
      const dup = await giteaApi(g, "POST", `/repos/${REPO}/branches`, { token: T.writer, body: { new_branch_name: "claude/issue-1" } });
      expect(dup.status).toBe(409);
      const fromOld = await giteaApi(g, "POST", `/repos/${REPO}/branches`, {
        token: T.writer,
        body: { new_branch_name: "x", old_branch_name: "missing" },
      });
      expect(fromOld.status).toBe(404);
      for (const bad of ["a..b", "x~1", "-x", "a/", "a.lock", "has space"]) {
        const r = await giteaApi(g, "POST", `/repos/${REPO}/branches`, { token: T.writer, body: { new_branch_name: bad } });
        expect(r.status, bad).toBe(422);
      }
      expect((await giteaApi(g, "DELETE", `/repos/${REPO}/branches/main`, { token: T.writer })).status).toBe(403);
      expect((await giteaApi(g, "DELETE", `/repos/${REPO}/branches/claude/issue-1`, { token: T.writer })).status).toBe(204);
      expect(await g.listBranches(REPO)).toEqual(["main"]);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/branches/claude/issue-1`)).status).toBe(404);
    });
  });

  describe("contents", () => {
    it("reads files, directories and raw content at a ref", async () => {
      await g.commitFiles(REPO, "dev", { "src/app.ts": "export const a = 2;\n" }, "bump");
      const file = await giteaApi(g, "GET", `/repos/${REPO}/contents/src/app.ts`);
      expect(file.json).toMatchObject({ type: "file", encoding: "base64", path: "src/app.ts", name: "app.ts" });
      expect(Buffer.from(file.json.content, "base64").toString()).toBe("export const a = 1;\n");
      const blobSha = (await runGit(["--git-dir", g.getRepo(REPO)!.git.dir, "rev-parse", "main:src/app.ts"])).stdout.toString().trim();
      expect(file.json.sha).toBe(blobSha);
      const dev = await giteaApi(g, "GET", `/repos/${REPO}/contents/src/app.ts?ref=dev`);
      expect(Buffer.from(dev.json.content, "base64").toString()).toBe("export const a = 2;\n");
      const dir = await giteaApi(g, "GET", `/repos/${REPO}/contents/src`);
      expect(dir.json.map((e: { name: string; type: string; content: null }) => [e.name, e.type, e.content])).toEqual([["app.ts", "file", null]]);
      const raw = await fetch(`${g.apiUrl}/repos/${REPO}/raw/src/app.ts?ref=dev`);
      expect(await raw.text()).toBe("export const a = 2;\n");
      expect((await giteaApi(g, "GET", `/repos/${REPO}/contents/nope.txt`)).status).toBe(404);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/contents/README.md?ref=nope`)).status).toBe(404);
    });

    it("commits several files in one commit (create/update/delete, new_branch) and git clone shows it", async () => {
      const readme = await giteaApi(g, "GET", `/repos/${REPO}/contents/README.md`);
      const app = await giteaApi(g, "GET", `/repos/${REPO}/contents/src/app.ts`);
      const b64 = (s: string) => Buffer.from(s).toString("base64");
      const r = await giteaApi(g, "POST", `/repos/${REPO}/contents`, {
        token: T.writer,
        body: {
          branch: "main",
          new_branch: "claude/fix",
          message: "Fix things",
          author: { name: "Claude", email: "claude@example.com" },
          files: [
            { operation: "create", path: "docs/new.md", content: b64("new\n") },
            { operation: "update", path: "README.md", content: b64("# proj v2\n"), sha: readme.json.sha },
            { operation: "delete", path: "src/app.ts", sha: app.json.sha },
          ],
        },
      });
      expect(r.status).toBe(201);
      expect(r.json.files).toHaveLength(3);
      expect(r.json.files[2]).toBeNull();
      expect(r.json.commit).toMatchObject({ message: "Fix things\n", author: { name: "Claude", email: "claude@example.com" } });
      const commits = await g.commitsOn(REPO, "claude/fix");
      expect(commits[0]).toMatchObject({ subject: "Fix things", author: { name: "Claude" }, parents: [await g.branchSha(REPO, "main")] });
      expect(await g.readFile(REPO, "claude/fix", "README.md")).toBe("# proj v2\n");
      expect(await g.readFile(REPO, "claude/fix", "src/app.ts")).toBeNull();
      expect(await g.readFile(REPO, "main", "README.md")).toBe("# proj\n");

      const dir = await tmpDir();
      dirs.push(dir);
      const clone = await gitAs(null, ["clone", "--quiet", "--branch", "claude/fix", `${g.url}/${REPO}.git`, path.join(dir, "c")]);
      expect(clone.code, clone.stderr).toBe(0);
      expect(await readFile(path.join(dir, "c", "docs/new.md"), "utf8")).toBe("new\n");
      const log = await runGit(["log", "-1", "--format=%s|%an"], { cwd: path.join(dir, "c") });
      expect(log.stdout.toString().trim()).toBe("Fix things|Claude");
    });

    it("rejects stale shas, missing shas and existing files with 422 and changes nothing", async () => {
      const before = await g.branchSha(REPO, "main");
      const b64 = Buffer.from("x").toString("base64");
      const stale = await giteaApi(g, "POST", `/repos/${REPO}/contents`, {
        token: T.writer,
        body: { files: [{ operation: "update", path: "README.md", content: b64, sha: "0".repeat(40) }] },
      });
      expect(stale.status).toBe(422);
      const noSha = await giteaApi(g, "POST", `/repos/${REPO}/contents`, {
        token: T.writer,
        body: { files: [{ operation: "update", path: "README.md", content: b64 }] },
      });
      expect(noSha.status).toBe(422);
      const exists = await giteaApi(g, "POST", `/repos/${REPO}/contents`, {
        token: T.writer,
        body: { files: [{ operation: "create", path: "README.md", content: b64 }] },
      });
      expect(exists.status).toBe(422);
      expect(await g.branchSha(REPO, "main")).toBe(before);
    });
  });

  describe("git smart HTTP", () => {
    it("clones anonymously, refuses anonymous and read-only pushes, accepts a writer's token push", async () => {
      const dir = await tmpDir();
      dirs.push(dir);
      const work = path.join(dir, "w");
      expect((await gitAs(null, ["clone", "--quiet", `${g.url}/${REPO}.git`, work])).code).toBe(0);
      await runGit(["-c", "user.name=W", "-c", "user.email=w@example.com", "checkout", "-q", "-b", "claude/push"], { cwd: work });
      await runGit(["-c", "user.name=W", "-c", "user.email=w@example.com", "commit", "-q", "--allow-empty", "-m", "pushed"], { cwd: work });

      const anon = await gitAs(null, ["push", "origin", "claude/push"], work);
      expect(anon.code).not.toBe(0);
      const reader = await gitAs(T.reader, ["push", "origin", "claude/push"], work);
      expect(reader.code).not.toBe(0);
      expect(await g.branchSha(REPO, "claude/push")).toBeNull();

      const ok = await gitAs(T.writer, ["push", "--quiet", "origin", "claude/push"], work);
      expect(ok.code, ok.stderr).toBe(0);
      const local = (await runGit(["rev-parse", "HEAD"], { cwd: work })).stdout.toString().trim();
      expect(await g.branchSha(REPO, "claude/push")).toBe(local);
      const api = await giteaApi(g, "GET", `/repos/${REPO}/branches/claude/push`);
      expect(api.json.commit.id).toBe(local);

      const gitLog = g.requests.filter((r) => r.kind === "git");
      expect(gitLog.some((r) => r.status === 401)).toBe(true);
      expect(gitLog.some((r) => r.status === 403)).toBe(true);
      expect(gitLog.filter((r) => r.auth === "writer").every((r) => r.status === 200)).toBe(true);
    });

    it("needs credentials to clone a private repository", async () => {
      await g.createRepo({ owner: "owner", name: "hidden", private: true });
      const dir = await tmpDir();
      dirs.push(dir);
      expect((await gitAs(null, ["clone", "--quiet", `${g.url}/owner/hidden.git`, path.join(dir, "a")])).code).not.toBe(0);
      expect((await gitAs(T.reader, ["clone", "--quiet", `${g.url}/owner/hidden.git`, path.join(dir, "b")])).code).not.toBe(0);
      const ok = await gitAs(T.owner, ["clone", "--quiet", `${g.url}/owner/hidden.git`, path.join(dir, "c")]);
      expect(ok.code, ok.stderr).toBe(0);
    });
  });

  describe("pull requests", () => {
    it("serves a fork PR with refs/pull/N/head in the base repo, files, commits and .diff", async () => {
      g.addUser({ login: "contrib", token: "t-contrib" });
      await g.forkRepo(REPO, "contrib");
      await g.commitFiles("contrib/proj", "topic", { "src/app.ts": "export const a = 3;\n", "new.txt": "n\n" }, "topic work", "contrib");
      const pr = await g.createPullRequest(REPO, { title: "From fork", user: "contrib", head: "topic", base: "main", headRepo: "contrib/proj" });
      const headSha = await g.branchSha("contrib/proj", "topic");
      expect(await g.resolveRef(REPO, `refs/pull/${pr.index}/head`)).toBe(headSha);

      const api = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}`);
      expect(api.json).toMatchObject({
        number: pr.index,
        state: "open",
        merged: false,
        mergeable: true,
        html_url: `${g.publicUrl}/${REPO}/pulls/${pr.index}`,
        diff_url: `${g.publicUrl}/${REPO}/pulls/${pr.index}.diff`,
        head: { label: "topic", ref: "topic", sha: headSha, repo: { full_name: "contrib/proj", fork: true } },
        base: { label: "main", ref: "main", sha: await g.branchSha(REPO, "main"), repo: { full_name: REPO } },
        user: { login: "contrib" },
        changed_files: 2,
      });
      const files = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/files`);
      expect(files.json.map((f: { filename: string; status: string }) => [f.filename, f.status])).toEqual([
        ["new.txt", "added"],
        ["src/app.ts", "changed"],
      ]);
      expect(files.json[1]).toMatchObject({ additions: 1, deletions: 1, changes: 2 });
      expect(files.headers.get("x-total-count")).toBe("2");
      const commits = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/commits`);
      expect(commits.json.map((c: { sha: string }) => c.sha)).toEqual([headSha]);
      const diff = await fetch(`${g.apiUrl}/repos/${REPO}/pulls/${pr.index}.diff`);
      expect(await diff.text()).toContain("+export const a = 3;");

      // the base repo serves refs/pull/N/head over smart HTTP
      const dir = await tmpDir();
      dirs.push(dir);
      const work = path.join(dir, "w");
      expect((await gitAs(null, ["clone", "--quiet", `${g.url}/${REPO}.git`, work])).code).toBe(0);
      const fetched = await gitAs(null, ["fetch", "--quiet", "origin", `refs/pull/${pr.index}/head`], work);
      expect(fetched.code, fetched.stderr).toBe(0);
      expect((await runGit(["rev-parse", "FETCH_HEAD"], { cwd: work })).stdout.toString().trim()).toBe(headSha);

      // pushing to the fork branch moves the PR head (synchronize)
      const forkWork = path.join(dir, "f");
      expect((await gitAs("t-contrib", ["clone", "--quiet", "--branch", "topic", `${g.url}/contrib/proj.git`, forkWork])).code).toBe(0);
      await runGit(["-c", "user.name=C", "-c", "user.email=c@example.com", "commit", "-q", "--allow-empty", "-m", "more"], { cwd: forkWork });
      expect((await gitAs("t-contrib", ["push", "--quiet", "origin", "topic"], forkWork)).code).toBe(0);
      const newHead = await g.branchSha("contrib/proj", "topic");
      expect(newHead).not.toBe(headSha);
      expect(await g.resolveRef(REPO, `refs/pull/${pr.index}/head`)).toBe(newHead);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}`)).json.head.sha).toBe(newHead);
    });

    it("creates PRs through the API (409 for a duplicate, 422 without changes) and lists by state", async () => {
      await g.commitFiles(REPO, "feat", { "f.txt": "f\n" }, "feat");
      await g.createBranch(REPO, "same", "main");
      const body = { head: "feat", base: "main", title: "Feature", body: "Adds f" };
      const created = await giteaApi(g, "POST", `/repos/${REPO}/pulls`, { token: T.writer, body });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ title: "Feature", body: "Adds f", head: { ref: "feat" }, user: { login: "writer" } });
      expect((await giteaApi(g, "POST", `/repos/${REPO}/pulls`, { token: T.writer, body })).status).toBe(409);
      const none = await giteaApi(g, "POST", `/repos/${REPO}/pulls`, { token: T.writer, body: { ...body, head: "same" } });
      expect(none.status).toBe(422);
      expect((await giteaApi(g, "POST", `/repos/${REPO}/pulls`, { token: T.writer, body: { ...body, head: "ghost" } })).status).toBe(404);
      expect(g.pulls(REPO)).toHaveLength(1);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/pulls?state=open`)).json).toHaveLength(1);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/pulls?state=closed`)).json).toHaveLength(0);
    });

    it("handles reviews with inline comments; own approvals are refused", async () => {
      await g.commitFiles(REPO, "feat", { "src/app.ts": "export const a = 1;\nexport const b = 2;\n" }, "feat");
      const pr = await g.createPullRequest(REPO, { title: "Feature", user: "writer", head: "feat", base: "main" });
      const own = await giteaApi(g, "POST", `/repos/${REPO}/pulls/${pr.index}/reviews`, {
        token: T.writer,
        body: { event: "APPROVED", body: "lgtm" },
      });
      expect(own.status).toBe(422);
      const r = await giteaApi(g, "POST", `/repos/${REPO}/pulls/${pr.index}/reviews`, {
        token: T.owner,
        body: {
          event: "REQUEST_CHANGES",
          body: "please fix",
          comments: [{ path: "src/app.ts", body: "rename b", new_position: 2 }],
        },
      });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ state: "REQUEST_CHANGES", body: "please fix", official: true, comments_count: 1, user: { login: "owner" } });
      const list = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/reviews`);
      expect(list.json.map((x: { state: string }) => x.state)).toEqual(["REQUEST_CHANGES"]);
      const comments = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/reviews/${r.json.id}/comments`);
      expect(comments.json).toHaveLength(1);
      expect(comments.json[0]).toMatchObject({ path: "src/app.ts", body: "rename b", position: 2, original_position: 0, pull_request_review_id: r.json.id });
      expect(comments.json[0].diff_hunk).toContain("+export const b = 2;");
      // GitHub's "APPROVE" is not a Gitea event: the review stays PENDING (and hidden from others)
      const github = await giteaApi(g, "POST", `/repos/${REPO}/pulls/${pr.index}/reviews`, {
        token: T.admin,
        body: { event: "APPROVE", body: "ok" },
      });
      expect(github.json.state).toBe("PENDING");
      const listed = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/reviews`, { token: T.reader });
      expect(listed.json.map((x: { state: string }) => x.state)).toEqual(["REQUEST_CHANGES"]);
      expect((await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/reviews/${github.json.id}`, { token: T.reader })).status).toBe(404);
      g.core.store.reviews.delete(github.json.id);
      await g.addReview(REPO, pr.index, { user: "reader", type: "COMMENT", body: "nice" });
      expect(g.reviews(REPO, pr.index).map((x) => [x.user, x.state, x.official])).toEqual([
        ["owner", "REQUEST_CHANGES", true],
        ["reader", "COMMENT", false],
      ]);
    });
  });

  describe("faults", () => {
    it("answers a status for a number of times without touching state, then recovers", async () => {
      const issue = g.createIssue(REPO, { title: "t", user: "owner" });
      const route = "POST /repos/{owner}/{repo}/issues/{index}/comments";
      const fault = g.faults.add({ route, status: 500, times: 2 });
      const post = () => giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/comments`, { token: T.writer, body: { body: "x" } });
      expect((await post()).status).toBe(500);
      expect((await post()).status).toBe(500);
      expect(g.listComments(REPO, issue.index)).toHaveLength(0);
      expect((await post()).status).toBe(201);
      expect(fault.fired).toBe(2);
      expect(g.faults.firedCount(route)).toBe(2);
      expect(g.listComments(REPO, issue.index)).toHaveLength(1);
      expect(g.apiRequests(route).map((r) => [r.status, r.fault])).toEqual([
        [500, fault.id],
        [500, fault.id],
        [201, null],
      ]);
    });

    it("sends 429 with Retry-After and a custom body", async () => {
      g.faults.add({ route: "*", status: 429, retryAfter: 7, body: { message: "slow down" }, times: 1 });
      const r = await giteaApi(g, "GET", "/version");
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("7");
      expect(r.json).toEqual({ message: "slow down" });
      expect((await giteaApi(g, "GET", "/version")).status).toBe(200);
    });

    it("resets the connection, and adds latency without changing the answer", async () => {
      g.faults.add({ route: "GET /version", reset: true, times: 1 });
      await expect(fetch(`${g.apiUrl}/version`)).rejects.toThrow();
      const slow = g.faults.add({ route: "GET /version", latencyMs: 20, times: 1 });
      g.setLatency(5);
      const r = await giteaApi(g, "GET", "/version");
      expect(r.json).toEqual({ version: "1.22.6" });
      expect(slow.fired).toBe(1);
      const entries = g.apiRequests("GET /version");
      expect(entries[0]?.status).toBe(0);
      expect(entries[1]?.status).toBe(200);
      expect(entries[1]?.endedAt).toBeGreaterThanOrEqual(entries[1]?.startedAt ?? Infinity);
    });

    it("hangs until the client gives up", async () => {
      g.faults.add({ route: "GET /user", hang: true, times: 1 });
      const ctl = new AbortController();
      const pending = fetch(`${g.apiUrl}/user`, { headers: { Authorization: `token ${T.owner}` }, signal: ctl.signal });
      while (g.apiRequests("GET /user").length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(g.apiRequests("GET /user")[0]?.status).toBe(0);
      ctl.abort();
      await expect(pending).rejects.toThrow();
    });

    it("faults git requests with the 'git' route", async () => {
      g.faults.add({ route: "git", status: 503, times: 1 });
      const dir = await tmpDir();
      dirs.push(dir);
      expect((await gitAs(null, ["clone", "--quiet", `${g.url}/${REPO}.git`, path.join(dir, "a")])).code).not.toBe(0);
      expect((await gitAs(null, ["clone", "--quiet", `${g.url}/${REPO}.git`, path.join(dir, "b")])).code).toBe(0);
      expect(g.faults.firedCount("git")).toBe(1);
    });

    it("clear() removes faults", async () => {
      g.faults.add({ route: "*", status: 500 });
      expect((await giteaApi(g, "GET", "/version")).status).toBe(500);
      g.faults.clear();
      expect((await giteaApi(g, "GET", "/version")).status).toBe(200);
    });
  });

  describe("request log", () => {
    it("records kind, method, path, route template, query, status, timing and auth", async () => {
      g.clearLog();
      await giteaApi(g, "GET", `/repos/${REPO}/labels?limit=5&page=1`, { token: T.reader });
      await giteaApi(g, "GET", "/user");
      const [a, b] = g.requests;
      expect(a).toMatchObject({
        kind: "api",
        method: "GET",
        path: `/repos/${REPO}/labels`,
        route: "GET /repos/{owner}/{repo}/labels",
        query: { limit: "5", page: "1" },
        status: 200,
        auth: "reader",
      });
      expect(b).toMatchObject({ route: "GET /user", status: 401, auth: null });
      expect((b?.seq ?? 0) > (a?.seq ?? 0)).toBe(true);
      expect(typeof a?.startedAt).toBe("number");
      g.clearLog();
      expect(g.requests).toHaveLength(0);
    });
  });

  describe("spec checks", () => {
    itSpec("answers 422 for bodies failing the schema and records violations", async () => {
      const issue = g.createIssue(REPO, { title: "t", user: "owner" });
      const r = await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/comments`, { token: T.writer, body: { text: "x" } });
      expect(r.status).toBe(422);
      expect(g.violations.map((v) => v.kind)).toEqual(["invalid-body"]);
      expect(g.listComments(REPO, issue.index)).toHaveLength(0);
    });

    itSpec("records unknown query parameters, unknown fields and unknown routes", async () => {
      const issue = g.createIssue(REPO, { title: "t", user: "owner" });
      await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}?per_page=5`);
      await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/comments`, { token: T.writer, body: { body: "x", extra: 1 } });
      expect((await giteaApi(g, "GET", `/repos/${REPO}/not-a-route`)).status).toBe(404);
      expect(g.violations.map((v) => v.kind)).toEqual(["unknown-query", "unknown-body-field", "unknown-route"]);
    });

    itSpec("stays silent for well-formed traffic", async () => {
      const issue = g.createIssue(REPO, { title: "t", user: "owner" });
      await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/comments`, { token: T.writer, body: { body: "ok" } });
      await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/comments?since=2020-01-01T00:00:00Z`);
      expect(g.violations).toEqual([]);
    });

    it("can be switched off", async () => {
      const off = await startGitea({ validate: false });
      try {
        off.addUser({ login: "u", token: "tu" });
        await off.createRepo({ owner: "u", name: "r" });
        const issue = off.createIssue("u/r", { title: "t", user: "u" });
        const r = await giteaApi(off, "POST", `/repos/u/r/issues/${issue.index}/comments?bogus=1`, { token: "tu", body: { body: "x" } });
        expect(r.status).toBe(201);
        expect(off.validating).toBe(false);
        expect(off.violations).toEqual([]);
      } finally {
        await off.stop();
      }
    });
  });

  describe("versions and newer routes", () => {
    it("reports the version and hides routes newer than it", async () => {
      expect((await giteaApi(g, "GET", "/version")).json).toEqual({ version: "1.22.6" });
      const r = await giteaApi(g, "POST", `/repos/${REPO}/actions/workflows/claude.yml/dispatches`, {
        token: T.writer,
        body: { ref: "main" },
      });
      expect(r.status).toBe(404);
      expect(g.dispatches).toHaveLength(0);
      expect(g.violations).toEqual([]);
    });

    it("records workflow dispatches on 1.24+ and serves the run", async () => {
      const g2 = await startGitea({ version: "1.24.3", publicUrl: "https://gitea.example.com" });
      try {
        g2.addUser({ login: "o", token: "to" });
        g2.addUser({ login: "r", token: "tr" });
        await g2.createRepo({
          owner: "o",
          name: "p",
          files: { ".gitea/workflows/claude.yml": "on:\n  workflow_dispatch:\n    inputs: {}\n" },
        });
        const denied = await giteaApi(g2, "POST", "/repos/o/p/actions/workflows/claude.yml/dispatches", { token: "tr", body: { ref: "main" } });
        expect(denied.status).toBe(403);
        const missing = await giteaApi(g2, "POST", "/repos/o/p/actions/workflows/other.yml/dispatches", { token: "to", body: { ref: "main" } });
        expect(missing.status).toBe(404);
        const ok = await giteaApi(g2, "POST", "/repos/o/p/actions/workflows/claude.yml/dispatches", {
          token: "to",
          body: { ref: "main", inputs: { prompt: "hi" } },
        });
        expect(ok.status).toBe(204);
        expect(g2.dispatches).toMatchObject([{ repo: "o/p", workflow: "claude.yml", ref: "main", inputs: { prompt: "hi" }, user: "o" }]);
        // GET …/actions/runs/{run} is 1.25: 1.24 has no such route.
        const run = await giteaApi(g2, "GET", `/repos/o/p/actions/runs/${g2.dispatches[0]?.runId}`, { token: "to" });
        expect(run.status).toBe(404);
        const repo = await giteaApi(g2, "GET", "/repos/o/p");
        expect(repo.json.html_url).toBe("https://gitea.example.com/o/p");
        expect(repo.json.clone_url).toBe("https://gitea.example.com/o/p.git");
        expect(g2.violations).toEqual([]);
      } finally {
        await g2.stop();
      }
    });
  });

  describe("event payloads", () => {
    beforeEach(async () => {
      await g.commitFiles(REPO, "feat", { "src/app.ts": "export const a = 9;\n" }, "feat", "writer");
    });

    it("issue_comment: commenter's permissions, is_pull, no top-level pull_request", async () => {
      const issue = g.createIssue(REPO, { title: "Help", user: "owner" });
      const byReader = g.addComment(REPO, issue.index, { user: "reader", body: "@claude do it" });
      const p = await issueCommentPayload(g, REPO, issue.index, byReader.id);
      expect(p).toMatchObject({ action: "created", is_pull: false, comment: { id: byReader.id, body: "@claude do it" }, sender: { login: "reader" } });
      expect(p.repository).toMatchObject({ full_name: REPO, default_branch: "main", owner: { login: "owner" }, permissions: { admin: false, push: false, pull: true } });
      expect(p).not.toHaveProperty("pull_request");
      expect((p.issue as Record<string, unknown>).pull_request).toBeUndefined();
      expect(p.sender).not.toHaveProperty("type");

      const pr = await g.createPullRequest(REPO, { title: "Feature", user: "reader", head: "feat", base: "main" });
      const byWriter = g.addComment(REPO, pr.index, { user: "writer", body: "@claude review" });
      const q = await issueCommentPayload(g, REPO, pr.index, byWriter.id, { action: "edited", changes: { body: { from: "old" } } });
      expect(q).toMatchObject({ action: "edited", is_pull: true, changes: { body: { from: "old" } } });
      expect((q.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: true, pull: true });
      expect((q.issue as { pull_request: unknown }).pull_request).toEqual({
        merged: false,
        merged_at: null,
        draft: false,
        html_url: `${g.publicUrl}/${REPO}/pulls/${pr.index}`,
      });
      expect((q.comment as { pull_request_url: string }).pull_request_url).toBe(`${g.publicUrl}/${REPO}/pulls/${pr.index}`);
      expect(q).not.toHaveProperty("pull_request");
    });

    it("issues: permissions are the poster's, not the sender's", async () => {
      const issue = g.createIssue(REPO, { title: "From a reader", user: "reader", labels: ["claude"] });
      g.setAssignees(REPO, issue.index, ["writer"]);
      const p = await issuesPayload(g, REPO, issue.index, "assigned", "owner");
      expect(p).toMatchObject({ action: "assigned", number: issue.index, sender: { login: "owner" }, commit_id: "" });
      expect((p.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: false, pull: true });
      expect((p.issue as { assignees: { login: string }[] }).assignees.map((a) => a.login)).toEqual(["writer"]);
      expect((p.issue as { labels: { name: string }[] }).labels.map((l) => l.name)).toEqual(["claude"]);
      expect(p).not.toHaveProperty("label");
      expect(p).not.toHaveProperty("assignee");
      const opened = await issuesPayload(g, REPO, issue.index, "opened", "reader");
      expect((opened.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: false, pull: true });
      const byOwner = g.createIssue(REPO, { title: "From the owner", user: "owner" });
      const labelled = await issuesPayload(g, REPO, byOwner.index, "label_updated", "reader");
      expect((labelled.repository as { permissions: unknown }).permissions).toEqual({ admin: true, push: true, pull: true });
    });

    it("pull_request: opened → poster's permissions; synchronized → none; head/base shape", async () => {
      const pr = await g.createPullRequest(REPO, { title: "Feature", user: "writer", head: "feat", base: "main" });
      const opened = await pullRequestPayload(g, REPO, pr.index, "opened", "writer");
      expect(opened).toMatchObject({ action: "opened", number: pr.index, requested_reviewer: null, review: null, commit_id: "" });
      expect((opened.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: true, pull: true });
      const prJson = opened.pull_request as Record<string, Record<string, unknown>>;
      expect(prJson.head).toMatchObject({ label: "feat", ref: "feat", sha: await g.branchSha(REPO, "feat"), repo_id: g.getRepo(REPO)?.id });
      expect(prJson.base).toMatchObject({ label: "main", ref: "main", sha: await g.branchSha(REPO, "main") });
      const sync = await pullRequestPayload(g, REPO, pr.index, "synchronized", "writer");
      expect((sync.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: false, pull: false });
      const edited = await pullRequestPayload(g, REPO, pr.index, "edited", "owner", { changes: { title: { from: "x" } } });
      expect((edited.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: false, pull: false });
    });

    it("review events carry review {type, content}, the reviewer as sender and the poster's permissions", async () => {
      const pr = await g.createPullRequest(REPO, { title: "Feature", user: "reader", head: "feat", base: "main" });
      const p = await pullRequestReviewPayload(g, REPO, pr.index, { type: "APPROVED", content: "lgtm" }, "owner");
      expect(p).toMatchObject({ action: "reviewed", review: { type: "pull_request_review_approved", content: "lgtm" }, sender: { login: "owner" } });
      expect(p.review).toEqual({ type: "pull_request_review_approved", content: "lgtm" });
      expect((p.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: false, pull: true });
      expect(reviewEventName("APPROVED")).toBe("pull_request_review");
      const c = await pullRequestReviewCommentPayload(g, REPO, pr.index, { content: "nit" }, "writer");
      expect(c.review).toEqual({ type: "pull_request_review_comment", content: "nit" });
      expect(c).not.toHaveProperty("comment");
      expect(reviewEventName("COMMENT")).toBe("pull_request_review_comment");
      const rej = await pullRequestReviewPayload(g, REPO, pr.index, { type: "REQUEST_CHANGES", content: "no" }, "owner");
      expect((rej.review as { type: string }).type).toBe("pull_request_review_rejected");
    });

    it("workflow_dispatch, repository_dispatch and schedule payloads", async () => {
      const wd = await workflowDispatchPayload(g, REPO, { ref: "refs/heads/main", inputs: { prompt: "go" }, sender: "writer", workflow: "claude.yml" });
      expect(wd).toMatchObject({ workflow: "claude.yml", ref: "refs/heads/main", inputs: { prompt: "go" }, sender: { login: "writer" } });
      expect((wd.repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: false, pull: false });
      const rd = await repositoryDispatchPayload(g, REPO, { action: "claude", client_payload: { a: 1 }, sender: "owner" });
      expect(rd).toMatchObject({ action: "claude", client_payload: { a: 1 }, repository: { full_name: REPO } });
      const s = await schedulePayload(g, REPO);
      expect(s).toMatchObject({ ref: "refs/heads/main", after: await g.branchSha(REPO, "main"), sender: { login: "owner" } });
    });

    it("renders users as the notifier does (placeholder e-mail, no is_admin)", async () => {
      const issue = g.createIssue(REPO, { title: "x", user: "admin" });
      const c = g.addComment(REPO, issue.index, { user: "admin", body: "hi" });
      const p = await issueCommentPayload(g, REPO, issue.index, c.id);
      const host = new URL(g.publicUrl).hostname;
      expect(p.sender).toMatchObject({ login: "admin", email: `admin@noreply.${host}`, is_admin: false });
      expect((p.repository as { permissions: unknown }).permissions).toEqual({ admin: true, push: true, pull: true });
    });
  });
});

describe("gitea emulator lifecycle", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    g = await startGitea({ publicUrl: "http://gitea.public:3000/" });
  });
  afterAll(async () => {
    await g.stop();
  });

  it("listens on 127.0.0.1 and keeps the public URL apart", async () => {
    expect(g.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(g.apiUrl).toBe(`${g.url}/api/v1`);
    expect(g.publicUrl).toBe("http://gitea.public:3000");
    g.addUser({ login: "p", token: "tp" });
    await g.createRepo({ owner: "p", name: "r" });
    const repo = await giteaApi(g, "GET", "/repos/p/r");
    expect(repo.json.html_url).toBe("http://gitea.public:3000/p/r");
    expect(repo.json.url).toBe("http://gitea.public:3000/api/v1/repos/p/r");
  });
});
