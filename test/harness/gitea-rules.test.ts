/**
 * The emulator enforces the rules real Gitea enforces (reference/gitea-events.md,
 * last section; read from Gitea's source at 1.22.6–1.25.4), each shown here on
 * the emulator itself: job tokens (read-only for fork runs, scoped to their
 * task, no PRs on private repositories, no pushes to protected branches,
 * unsigned API commits), page caps, unpaginated lists, attachments off, 500
 * for a missing issue's comments, team permissions, AGit pull requests,
 * per-version routes and Forgejo's version string.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, giteaApi } from "../support/gitea/client";
import { runGit } from "../support/gitea/git";
import { type GiteaEmulator, startGitea } from "../support/gitea/index";
import { issueCommentPayload } from "../support/gitea/payloads";

const REPO = "owner/proj";
const T = { owner: "t-owner", writer: "t-writer", reader: "t-reader", admin: "t-admin", job: "t-job", forkJob: "t-fork-job", contrib: "t-contrib" };

async function seed(g: GiteaEmulator): Promise<void> {
  g.addUser({ login: "owner", email: "owner@example.com", token: T.owner });
  g.addUser({ login: "writer", email: "writer@example.com", token: T.writer });
  g.addUser({ login: "reader", email: "reader@example.com", token: T.reader });
  g.addUser({ login: "contrib", email: "contrib@example.com", token: T.contrib });
  g.addUser({ login: "admin", is_admin: true, token: T.admin });
  await g.createRepo({ owner: "owner", name: "proj", files: { "README.md": "# proj\n", "src/app.ts": "export const a = 1;\n" } });
  g.setPermission(REPO, "writer", "write");
  g.addJobToken(T.job, { repo: REPO, mode: "write", fork: false });
  g.addJobToken(T.forkJob, { repo: REPO, mode: "read", fork: true });
}

async function gitAs(token: string | null, args: string[], cwd?: string) {
  const auth = token ? ["-c", `http.extraHeader=Authorization: ${basicAuth("x-access-token", token)}`] : [];
  const r = await runGit([...auth, ...args], { cwd, env: { GIT_TERMINAL_PROMPT: "0" } });
  return { code: r.code, stderr: r.stderr.toString() };
}

const dirs: string[] = [];
async function clone(g: GiteaEmulator, repo: string, token: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "gitea-rules-"));
  dirs.push(dir);
  const work = path.join(dir, "w");
  const r = await gitAs(token, ["clone", "--quiet", `${g.url}/${repo}.git`, work]);
  expect(r.code, r.stderr).toBe(0);
  return work;
}
async function commitIn(work: string, file: string): Promise<void> {
  await runGit(["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", file], { cwd: work });
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("job tokens", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    g = await startGitea();
    await seed(g);
  });
  afterAll(async () => g.stop());
  afterEach(() => expect(g.violations.filter((v) => v.kind === "invalid-response" || v.kind === "emulator-error")).toEqual([]));

  it("are the Actions user (id -2), limited to their task's repository", async () => {
    expect((await giteaApi(g, "GET", "/user", { token: T.job })).json).toMatchObject({ id: -2, login: "gitea-actions" });
    await g.createRepo({ owner: "owner", name: "other" });
    expect((await giteaApi(g, "GET", "/repos/owner/other", { token: T.job })).status).toBe(404);
    expect((await giteaApi(g, "GET", `/repos/${REPO}`, { token: T.job })).json.permissions).toEqual({ admin: false, push: true, pull: true });
  });

  it("of a fork run are read-only: comments are accepted as Gitea does, labels, files, branches and pushes are refused", async () => {
    const issue = g.createIssue(REPO, { title: "t", user: "reader" });
    g.createLabel(REPO, { name: "bug" });
    expect((await giteaApi(g, "GET", `/repos/${REPO}`, { token: T.forkJob })).json.permissions).toEqual({ admin: false, push: false, pull: true });
    // CreateIssueComment needs only read access (no writer check in Gitea 1.22–1.25).
    expect((await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/comments`, { token: T.forkJob, body: { body: "hi" } })).status).toBe(201);
    expect((await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/labels`, { token: T.forkJob, body: { labels: ["bug"] } })).status).toBe(403);
    expect((await giteaApi(g, "POST", `/repos/${REPO}/branches`, { token: T.forkJob, body: { new_branch_name: "x" } })).status).toBe(403);
    const files = await giteaApi(g, "POST", `/repos/${REPO}/contents`, { token: T.forkJob, body: { files: [{ operation: "create", path: "x.txt", content: "eA==" }] } });
    expect(files.status).toBe(403);
    const work = await clone(g, REPO, T.forkJob);
    await commitIn(work, "fork-run");
    const push = await gitAs(T.forkJob, ["push", "--quiet", "origin", "HEAD:refs/heads/claude/x"], work);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/403|denied/i);
    expect(await g.branchSha(REPO, "claude/x")).toBeNull();
    // the write token of a run that is no fork run may push
    const ok = await gitAs(T.job, ["push", "--quiet", "origin", "HEAD:refs/heads/claude/x"], work);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("get 404 from POST /pulls on a private repository (the Actions user is no collaborator), 201 on a public one", async () => {
    await g.createRepo({ owner: "owner", name: "secret", private: true });
    g.addJobToken("t-secret-job", { repo: "owner/secret", mode: "write", fork: false });
    await g.commitFiles("owner/secret", "feature", { "f.txt": "f\n" }, "f", "owner");
    const priv = await giteaApi(g, "POST", "/repos/owner/secret/pulls", { token: "t-secret-job", body: { head: "feature", base: "main", title: "F" } });
    expect(priv.status).toBe(404);
    await g.commitFiles(REPO, "feature", { "f.txt": "f\n" }, "f", "owner");
    const pub = await giteaApi(g, "POST", `/repos/${REPO}/pulls`, { token: T.job, body: { head: "feature", base: "main", title: "F" } });
    expect(pub.status).toBe(201);
  });

  it("cannot push or commit to a protected branch; a whitelisted user can", async () => {
    g.protectBranch(REPO, "release/*", ["writer"]);
    await g.createBranch(REPO, "release/1", "main");
    expect((await giteaApi(g, "GET", `/repos/${REPO}/branches/release/1`)).json.protected).toBe(true);
    const work = await clone(g, REPO, T.job);
    await runGit(["checkout", "-q", "-b", "release/1", "origin/release/1"], { cwd: work });
    await commitIn(work, "to-protected");
    const refused = await gitAs(T.job, ["push", "origin", "HEAD:refs/heads/release/1"], work);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Gitea: Not allowed to push to protected branch release/1");
    expect(refused.stderr).toContain("pre-receive hook declined");
    const byApi = await giteaApi(g, "POST", `/repos/${REPO}/contents`, {
      token: T.job,
      body: { branch: "release/1", files: [{ operation: "create", path: "p.txt", content: "eA==" }] },
    });
    expect(byApi.status).toBe(403);
    expect((await giteaApi(g, "DELETE", `/repos/${REPO}/branches/release/1`, { token: T.job })).status).toBe(403);
    const allowed = await gitAs(T.writer, ["push", "--quiet", "origin", "HEAD:refs/heads/release/1"], work);
    expect(allowed.code, allowed.stderr).toBe(0);
    // unprotected branches are not affected
    expect((await gitAs(T.job, ["push", "--quiet", "origin", "HEAD:refs/heads/release-notes"], work)).code).toBe(0);
  });
});

describe("commit signing", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    // A signing key and Gitea's default CRUD_ACTIONS rules.
    g = await startGitea({ signing: { crudActions: ["pubkey", "twofa", "parentsigned"] } });
    await seed(g);
    g.addUser({ login: "signer", signingKey: true, twofa: true, token: "t-signer" });
    g.setPermission(REPO, "signer", "write");
  });
  afterAll(async () => g.stop());

  const commit = (token: string, p: string, newBranch?: string) =>
    giteaApi(g, "POST", `/repos/${REPO}/contents`, {
      token,
      body: { branch: "main", ...(newBranch ? { new_branch: newBranch } : {}), message: p, files: [{ operation: "create", path: p, content: "eA==" }] },
    });

  it("signs POST /contents commits of a user the rules allow, never those of the job token (no key, no 2FA)", async () => {
    const bySigner = await commit("t-signer", "s.txt");
    expect(bySigner.status).toBe(201);
    expect(bySigner.json.verification.verified).toBe(true);
    expect(g.isSigned(bySigner.json.commit.sha)).toBe(true);
    // same signed parent, but the Actions user fails `pubkey`
    const byJob = await commit(T.job, "job.txt", "claude/job");
    expect(byJob.status).toBe(201);
    expect(byJob.json.verification).toMatchObject({ verified: false, reason: "gpg.error.not_signed_commit" });
    expect(g.isSigned(byJob.json.commit.sha)).toBe(false);
    // and a commit on top of an unsigned one fails `parentsigned`, even for the signer
    const onUnsigned = await giteaApi(g, "POST", `/repos/${REPO}/contents`, {
      token: "t-signer",
      body: { branch: "claude/job", files: [{ operation: "create", path: "after.txt", content: "eA==" }] },
    });
    expect(onUnsigned.json.verification.verified).toBe(false);
    const api = await giteaApi(g, "GET", `/repos/${REPO}/branches/main`);
    expect(api.json.commit.verification.verified).toBe(true);
    expect(g.violations).toEqual([]);
  });
});

describe("pages", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    g = await startGitea({ maxResponseItems: 20, version: "1.25.4" });
    await seed(g);
    const files: Record<string, string> = {};
    for (let i = 1; i <= 45; i++) files[`f/${String(i).padStart(3, "0")}.txt`] = `${i}\n`;
    await g.commitFiles(REPO, "big", files, "45 files", "writer");
  });
  afterAll(async () => g.stop());

  it("GET /settings/api reports MAX_RESPONSE_ITEMS; every limit is capped at it", async () => {
    expect((await giteaApi(g, "GET", "/settings/api")).json).toMatchObject({ max_response_items: 20, default_paging_num: 30 });
    const pr = await g.createPullRequest(REPO, { title: "Big", user: "writer", head: "big", base: "main" });
    const page1 = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/files?page=1&limit=50`);
    expect(page1.json).toHaveLength(20);
    expect(page1.headers.get("x-total-count")).toBe("45");
    expect(page1.headers.get("x-perpage")).toBe("20");
    const page3 = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/files?page=3&limit=50`);
    expect(page3.json).toHaveLength(5);
    // a client that assumes 50 per page asks for page 2 of 50 and never sees files 41–45
    const assumed = [...page1.json, ...(await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/files?page=2&limit=50`)).json];
    expect(assumed).toHaveLength(40);
    // no limit: DEFAULT_PAGING_NUM, which ToCorrectPageSize does not cap
    expect((await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/files`)).json).toHaveLength(30);
    expect(g.violations).toEqual([]);
  });

  it("issue comments, issue labels, review comments and assets are not paginated (1.22–1.25)", async () => {
    const issue = g.createIssue(REPO, { title: "many", user: "writer" });
    for (let i = 0; i < 30; i++) g.addComment(REPO, issue.index, { user: "writer", body: `c${i}` });
    for (let i = 0; i < 25; i++) g.createLabel(REPO, { name: `l${i}` });
    g.setIssueLabels(REPO, issue.index, Array.from({ length: 25 }, (_, i) => `l${i}`));
    for (let i = 0; i < 22; i++) g.addAttachment(REPO, { index: issue.index, name: `a${i}.png` });
    const comments = await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/comments`);
    expect(comments.json).toHaveLength(30);
    expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/labels`)).json).toHaveLength(25);
    expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/assets`)).json).toHaveLength(22);
    // the repository's label list is paginated
    expect((await giteaApi(g, "GET", `/repos/${REPO}/labels?limit=50`)).json).toHaveLength(20);
    const pr = g.pulls(REPO)[0]!;
    const review = await g.addReview(REPO, pr.index, {
      user: "reader",
      type: "COMMENT",
      body: "",
      comments: Array.from({ length: 24 }, (_, i) => ({ path: "f/001.txt", body: `r${i}`, new_position: 1 })),
    });
    expect((await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}/reviews/${review.id}/comments`)).json).toHaveLength(24);
  });
});

describe("attachments off, errors", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    g = await startGitea({ attachments: false });
    await seed(g);
  });
  afterAll(async () => g.stop());

  it("answers 404 on the assets routes when [attachment] ENABLED=false", async () => {
    const issue = g.createIssue(REPO, { title: "t", user: "writer" });
    const c = g.addComment(REPO, issue.index, { user: "writer", body: "x" });
    expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/assets`, { token: T.writer })).status).toBe(404);
    expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/comments/${c.id}/assets`, { token: T.writer })).status).toBe(404);
    expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}`, { token: T.writer })).status).toBe(200);
  });

  it("answers 500 (message hidden from non-admins) when listing comments of a missing issue; 404 for the issue itself", async () => {
    const r = await giteaApi(g, "GET", `/repos/${REPO}/issues/999/comments`, { token: T.writer });
    expect(r.status).toBe(500);
    expect(r.json.message).toBe("");
    const asAdmin = await giteaApi(g, "GET", `/repos/${REPO}/issues/999/comments`, { token: T.admin });
    expect(asAdmin.json.message).toMatch(/issue does not exist/);
    expect((await giteaApi(g, "GET", `/repos/${REPO}/issues/999`, { token: T.writer })).status).toBe(404);
  });
});

describe("team permissions", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    g = await startGitea();
    g.addUser({ login: "dev", email: "dev@example.com", token: "t-dev" });
    g.addUser({ login: "wiki", email: "wiki@example.com", token: "t-wiki" });
    g.addUser({ login: "boss", email: "boss@example.com", token: "t-boss" });
    g.addUser({ login: "admin", is_admin: true, token: T.admin });
    g.addOrg("acme");
    await g.createRepo({ owner: "acme", name: "svc" });
    g.addTeam({ org: "acme", name: "Owners", permission: "owner", members: ["boss"], includesAllRepos: true });
    g.addTeam({ org: "acme", name: "devs", units: { "repo.code": "write", "repo.issues": "write", "repo.pulls": "write", "repo.wiki": "read" }, members: ["dev"], repos: ["acme/svc"] });
    g.addTeam({ org: "acme", name: "writers", units: { "repo.code": "read", "repo.wiki": "write" }, members: ["wiki"], repos: ["acme/svc"] });
  });
  afterAll(async () => g.stop());

  it("reports a team member's lowest unit mode on the permission API, while the Code unit decides push", async () => {
    const perm = async (who: string) => (await giteaApi(g, "GET", `/repos/acme/svc/collaborators/${who}/permission`, { token: T.admin })).json.permission;
    expect(await perm("dev")).toBe("read");
    expect(await perm("wiki")).toBe("read");
    expect(await perm("boss")).toBe("owner");
    expect((await giteaApi(g, "GET", "/repos/acme/svc", { token: "t-dev" })).json.permissions).toEqual({ admin: false, push: true, pull: true });
    expect((await giteaApi(g, "GET", "/repos/acme/svc", { token: "t-wiki" })).json.permissions).toEqual({ admin: false, push: false, pull: true });
    const issue = g.createIssue("acme/svc", { title: "t", user: "dev" });
    const c = g.addComment("acme/svc", issue.index, { user: "dev", body: "@claude" });
    expect(((await issueCommentPayload(g, "acme/svc", issue.index, c.id)).repository as { permissions: unknown }).permissions).toEqual({ admin: false, push: true, pull: true });
    const files = await giteaApi(g, "POST", "/repos/acme/svc/contents", { token: "t-dev", body: { files: [{ operation: "create", path: "d.txt", content: "eA==" }] } });
    expect(files.status).toBe(201);
    const work = await clone(g, "acme/svc", "t-dev");
    await commitIn(work, "dev");
    expect((await gitAs("t-dev", ["push", "--quiet", "origin", "HEAD:refs/heads/dev"], work)).code).toBe(0);
    expect((await gitAs("t-wiki", ["push", "--quiet", "origin", "HEAD:refs/heads/wiki"], work)).code).not.toBe(0);
  });

  it("lists the repository's teams with their unit modes, and answers team membership to admins and owners", async () => {
    const teams = await giteaApi(g, "GET", "/repos/acme/svc/teams", { token: "t-dev" });
    expect(teams.json.map((t: { name: string; permission: string; units_map: Record<string, string> }) => [t.name, t.permission, t.units_map["repo.code"]])).toEqual([
      ["Owners", "owner", "owner"],
      ["devs", "read", "write"],
      ["writers", "read", "read"],
    ]);
    const devs = teams.json[1].id as number;
    expect((await giteaApi(g, "GET", `/teams/${devs}/members/dev`, { token: T.admin })).status).toBe(200);
    expect((await giteaApi(g, "GET", `/teams/${devs}/members/wiki`, { token: "t-boss" })).status).toBe(404);
    // a member of another team of the organization may not look
    expect((await giteaApi(g, "GET", `/teams/${devs}/members/dev`, { token: "t-wiki" })).status).toBe(403);
    expect(g.violations).toEqual([]);
  });
});

describe("AGit pull requests", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    g = await startGitea();
    await seed(g);
  });
  afterAll(async () => g.stop());

  it("have no head branch: the head is refs/pull/N/head of the base repository, with an empty label", async () => {
    const sha = await g.commitFiles(REPO, "reader/topic", { "agit.txt": "a\n" }, "agit", "reader");
    const pr = await g.createPullRequest(REPO, { title: "AGit", user: "reader", head: "reader/topic", base: "main", agit: true });
    expect(await g.branchSha(REPO, "reader/topic")).toBeNull();
    const api = await giteaApi(g, "GET", `/repos/${REPO}/pulls/${pr.index}`);
    const base = await giteaApi(g, "GET", `/repos/${REPO}`);
    expect(api.json.head).toMatchObject({ label: "", ref: `refs/pull/${pr.index}/head`, sha, repo_id: base.json.id });
    expect(g.violations).toEqual([]);
  });
});

describe("versions", () => {
  it("serve the routes of their own version only: dispatch from 1.24 (and Forgejo), runs/{run} from 1.25", async () => {
    const table: [string, number, number][] = [
      ["1.22.6", 404, 404],
      ["1.23.8", 404, 404],
      ["1.24.7", 204, 404],
      ["1.25.4", 204, 200],
      ["11.0.1+gitea-1.22.0", 204, 404],
    ];
    for (const [version, dispatch, run] of table) {
      const g = await startGitea({ version, publicUrl: "https://gitea.example.com" });
      try {
        g.addUser({ login: "o", token: "to" });
        await g.createRepo({ owner: "o", name: "p", files: { ".gitea/workflows/d.yml": "on:\n  workflow_dispatch:\n" } });
        expect((await giteaApi(g, "GET", "/version")).json.version, version).toBe(version);
        expect((await giteaApi(g, "POST", "/repos/o/p/actions/workflows/d.yml/dispatches", { token: "to", body: { ref: "main" } })).status, version).toBe(dispatch);
        const r = g.addRun("o/p", { workflow: "d.yml", actor: "o" });
        const got = await giteaApi(g, "GET", `/repos/o/p/actions/runs/${r.id}`, { token: "to" });
        expect(got.status, version).toBe(run);
        if (run === 200) expect(got.json.html_url).toBe(`https://gitea.example.com/o/p/actions/runs/${r.run_number}`);
        expect(g.violations, version).toEqual([]);
      } finally {
        await g.stop();
      }
    }
  });
});

describe("issue timeline", () => {
  let g: GiteaEmulator;
  beforeAll(async () => {
    g = await startGitea({ maxResponseItems: 20 });
    await seed(g);
  });
  afterAll(async () => g.stop());

  it("lists comments, label and assignee changes in order, paginated, with X-Total-Count set to the page's length", async () => {
    const issue = g.createIssue(REPO, { title: "t", user: "writer", labels: ["bug"] });
    for (let i = 0; i < 25; i++) g.addComment(REPO, issue.index, { user: "writer", body: `c${i}` });
    g.createLabel(REPO, { name: "claude" });
    expect((await giteaApi(g, "POST", `/repos/${REPO}/issues/${issue.index}/labels`, { token: T.writer, body: { labels: ["claude"] } })).status).toBe(200);
    const first = await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/timeline?page=1&limit=50`, { token: T.writer });
    expect(first.json).toHaveLength(20);
    expect(first.headers.get("x-total-count")).toBe("20");
    expect(first.json[0]).toMatchObject({ type: "label", body: "1", label: { name: "bug" }, user: { login: "writer" } });
    const second = await giteaApi(g, "GET", `/repos/${REPO}/issues/${issue.index}/timeline?page=2&limit=50`, { token: T.writer });
    expect(second.json.map((e: { type: string }) => e.type)).toEqual([...Array(6).fill("comment"), "label"]);
    expect(second.json.at(-1)).toMatchObject({ label: { name: "claude" }, body: "1" });
    expect(g.violations).toEqual([]);
  });
});
