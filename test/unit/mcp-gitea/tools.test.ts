import { lstat, mkdir, readFile, rm, symlink, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GiteaError } from "../../../src/gitea/client";
import { TRACKING_MARKER } from "../../../src/gitea/tracking";
import { ALL_GITEA_TOOLS } from "../../../src/mcp/gitea/names";
import { git } from "./fake";
import { startHarness, TOKEN, type Harness } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(...args: Parameters<typeof startHarness>) {
  h = await startHarness(...args);
  return h;
}

describe("tool registration follows the run's configuration", () => {
  it("an issue run with a comment and a branch: everything but submit_review", async () => {
    const { toolNames } = await start();
    expect(await toolNames()).toEqual(ALL_GITEA_TOOLS.filter((t) => t !== "submit_review").sort());
  });

  it("a pull request run adds submit_review; no comment id, no branch: no comment, commit or PR tools", async () => {
    const pr = await start({ GITEA_ENTITY_NUMBER: "7", GITEA_IS_PR: "true" });
    expect(await pr.toolNames()).toContain("submit_review");
    await pr.close();
    const bare = await start({ CLAUDE_COMMENT_ID: "", CLAUDE_BRANCH: "", BASE_BRANCH: "", GITEA_ENTITY_NUMBER: "", GITEA_IS_PR: "" });
    // get_ci_status needs a pull request or a working branch; get_job_log takes a job id on any run.
    expect(await bare.toolNames()).toEqual([
      "get_file_contents",
      "get_issue",
      "get_job_log",
      "get_pull_request",
      "get_pull_request_file_diff",
      "list_branches",
      "list_comments",
      "list_labels",
      "list_pull_request_commits",
      "list_pull_request_files",
      "list_pull_request_reviews",
      "list_review_comments",
    ]);
  });

  it("no tool takes an owner or repo argument", async () => {
    const { client } = await start({ GITEA_ENTITY_NUMBER: "7", GITEA_IS_PR: "true" });
    for (const tool of (await client.listTools()).tools) {
      const props = Object.keys((tool.inputSchema as { properties?: object }).properties ?? {});
      expect(props.filter((p) => /owner|repo/i.test(p)), tool.name).toEqual([]);
    }
  });
});

describe("update_claude_comment", () => {
  it("edits the tracking comment, keeps the marker, strips hidden content and redacts secrets", async () => {
    const { call, fake } = await start();
    const b64 = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
    const res = await call("update_claude_comment", {
      body: `### Done\n- [x] Fixed <!-- secret note -->it\u200b\nToken: ${TOKEN}\nHeader: ${b64}\n**bold** stays`,
    });
    expect(res.isError).toBe(false);
    expect(res.text).toContain("Updated the tracking comment");
    const edited = fake.calls.find((c) => c.method === "editComment")!;
    expect(edited.args[0]).toBe(501);
    const body = edited.args[1] as string;
    expect(body.startsWith(`${TRACKING_MARKER}\n### Done`)).toBe(true);
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain(b64);
    expect(body).not.toContain("secret note");
    expect(body).not.toContain("\u200b");
    expect(body).toContain("Token: ***");
    expect(body).toContain("**bold** stays");
  });

  it("a Gitea failure is a tool error with a readable message, and the server keeps serving", async () => {
    const { call, fake } = await start();
    fake.failNext.set("editComment", new GiteaError("PATCH /repos/acme/widgets/issues/comments/501", 500, `HTTP 500: boom ${TOKEN}`));
    const res = await call("update_claude_comment", { body: "hi" });
    expect(res).toEqual({
      isError: true,
      text: "update_claude_comment: Gitea PATCH /repos/acme/widgets/issues/comments/501 failed: HTTP 500: boom ***",
    });
    expect((await call("update_claude_comment", { body: "hi" })).isError).toBe(false);
  });

  it("an empty body after cleaning is refused", async () => {
    const { call } = await start();
    expect(await call("update_claude_comment", { body: "<!-- only hidden -->" })).toMatchObject({ isError: true });
  });
});

describe("read tools", () => {
  it("get_issue defaults to this run's issue and sanitizes user text", async () => {
    const { call } = await start();
    const res = await call("get_issue");
    const issue = JSON.parse(res.text);
    expect(issue).toMatchObject({ number: 12, title: "Dates before 1970 crash", labels: ["bug"], assignees: ["bob"], is_pull_request: false });
    expect(issue.body).toBe("Parsing fails. Please fix.");
    expect(res.text).not.toMatch(/ignore previous|\u200b/);
  });

  it("get_issue of a missing number says so", async () => {
    const { call } = await start();
    expect(await call("get_issue", { number: 99 })).toEqual({ isError: true, text: "Issue #99 of acme/widgets was not found." });
  });

  it("get_pull_request needs a number on an issue run, and summarises files", async () => {
    const { call } = await start();
    const refused = await call("get_pull_request");
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain("pass the pull request number");
    const pr = JSON.parse((await call("get_pull_request", { number: 7 })).text);
    expect(pr).toMatchObject({
      number: 7,
      head: { ref: "feature/csv", sha: "abc123", from_fork: false },
      base: { ref: "main" },
      changed_files: 2,
      additions: 10,
      files: [
        { path: "src/export.ts", status: "added", additions: 8, deletions: 0 },
        { path: "src/app.ts", status: "modified", additions: 2, deletions: 2 },
      ],
    });
  });

  it("list_comments sanitizes bodies and marks the tracking comment", async () => {
    const { call } = await start();
    const page = JSON.parse((await call("list_comments")).text);
    expect(page).toEqual({
      number: 12,
      page: 1,
      per_page: 50,
      total: 2,
      pages: 1,
      positions: "1-2",
      has_more: false,
      comments: [
        { position: 1, id: 500, author: "bob", created_at: "2026-01-01T01:00:00Z", body: "Same here.evil" },
        { position: 2, id: 501, author: "claude-bot", created_at: "2026-01-01T02:00:00Z", is_your_tracking_comment: true, body: "Claude is working…" },
      ],
    });
    expect((await call("list_comments", { number: 7 })).text).toBe("#7 has no comments.");
  });

  it("list_comments pages through thousands of comments by position", async () => {
    const { call, fake } = await start();
    fake.comments.set(12, Array.from({ length: 2001 }, (_, i) => ({ id: 10_000 + i, body: `c${i + 1}`, user: { id: 2, login: "bob" }, created_at: "2026-01-01T00:00:00Z" })));
    const p41 = JSON.parse((await call("list_comments", { page: 41 })).text);
    expect(p41).toMatchObject({ page: 41, total: 2001, pages: 41, positions: "2001-2001", has_more: false });
    expect(p41.comments).toEqual([expect.objectContaining({ position: 2001, body: "c2001" })]);
    const p2 = JSON.parse((await call("list_comments", { page: 2, per_page: 10 })).text);
    expect(p2.comments.map((c: { position: number }) => c.position)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect((await call("list_comments", { page: 99 })).text).toContain("past the last page (41)");
    expect((await call("list_comments", { per_page: 500 })).isError).toBe(true);
  });

  it("list_pull_request_files pages through the changed files with positions and the total", async () => {
    const { call, fake } = await start({ GITEA_ENTITY_NUMBER: "7", GITEA_IS_PR: "true" });
    fake.files.set(7, Array.from({ length: 120 }, (_, i) => ({ filename: `f/${i + 1}.ts`, status: "added", additions: i, deletions: 0, changes: i })));
    const p3 = JSON.parse((await call("list_pull_request_files", { page: 3 })).text);
    expect(p3).toMatchObject({ number: 7, page: 3, total: 120, pages: 3, positions: "101-120", has_more: false });
    expect(p3.files[0]).toEqual({ position: 101, path: "f/101.ts", status: "added", additions: 100, deletions: 0 });
    expect(fake.calls.filter((c) => c.method === "pullFilesPage").map((c) => c.args)).toEqual([[7, 3, 50]]);
    // get_pull_request reads only the files it lists.
    const pr = JSON.parse((await call("get_pull_request")).text);
    expect(pr.changed_files).toBe(120);
  });

  it("get_pull_request_file_diff returns one file's patch from the streamed diff, cut when huge", async () => {
    const { call, fake } = await start({ GITEA_ENTITY_NUMBER: "7", GITEA_IS_PR: "true" });
    const section = (p: string, body: string) => `diff --git a/${p} b/${p}\nindex 1..2 100644\n--- a/${p}\n+++ b/${p}\n@@ -1 +1 @@\n${body}\n`;
    fake.diffs.set(
      7,
      section("src/a.ts", "-old a\n+new a") +
        `diff --git a/old name.ts b/new name.ts\nsimilarity index 90%\nrename from old name.ts\nrename to new name.ts\n` +
        section("src/é.ts", "+accent") +
        section("src/big.ts", Array.from({ length: 40_000 }, (_, i) => `+line ${i}`).join("\n")) +
        section("src/z.ts", "+z"),
    );
    const a = await call("get_pull_request_file_diff", { path: "src/a.ts" });
    expect(a.isError).toBe(false);
    expect(a.text).toContain("+new a");
    expect(a.text).not.toContain("rename from");
    expect((await call("get_pull_request_file_diff", { path: "old name.ts" })).text).toContain("rename to new name.ts");
    expect((await call("get_pull_request_file_diff", { path: "src/é.ts" })).text).toContain("+accent");
    const big = await call("get_pull_request_file_diff", { path: "src/big.ts" });
    expect(big.text.length).toBeLessThan(40_000);
    const next = Number(/"offset": (\d+)\]$/.exec(big.text)?.[1]);
    expect(next).toBeGreaterThan(30_000);
    const part2 = await call("get_pull_request_file_diff", { path: "src/big.ts", offset: next });
    expect(part2.text).toContain(`bytes ${next}–`);
    // Parts meet exactly: the first line of part 2 follows the last of part 1.
    const lastOf1 = Number(/\+line (\d+)\n\n?\[… more/.exec(big.text)?.[1]);
    expect(part2.text).toContain(`\n+line ${lastOf1 + 1}\n`);
    expect((await call("get_pull_request_file_diff", { path: "src/z.ts" })).text).toContain("+z");
    const missing = await call("get_pull_request_file_diff", { path: "nope.ts" });
    expect(missing).toMatchObject({ isError: true });
    expect(missing.text).toContain("not among the changed files");
  });

  it("a page of long comments is cut to stay under what Claude Code accepts from a tool", async () => {
    const { call, fake } = await start();
    fake.comments.set(12, Array.from({ length: 50 }, (_, i) => ({ id: 20_000 + i, body: `${i} ${"x".repeat(4000)}`, user: { id: 2, login: "bob" }, created_at: "2026-01-01T00:00:00Z" })));
    const res = await call("list_comments");
    expect(res.text.length).toBeLessThan(40_000);
    const page = JSON.parse(res.text);
    expect(page.comments).toHaveLength(50);
    expect(page.comments[0].body_cut).toMatch(/of 4002 characters shown/);
    const one = JSON.parse((await call("list_comments", { per_page: 1, page: 7 })).text);
    expect(one.comments[0].body).toHaveLength(4002);
  });

  it("list_pull_request_commits and list_pull_request_reviews page with totals; list_review_comments by review or file", async () => {
    const { call, fake } = await start({ GITEA_ENTITY_NUMBER: "7", GITEA_IS_PR: "true" });
    fake.commits.set(7, Array.from({ length: 60 }, (_, i) => ({ sha: `s${i}`, commit: { message: `m${i}\u200b`, author: { name: "Dev", date: "2026-01-01T00:00:00Z" } }, author: null })));
    const commits = JSON.parse((await call("list_pull_request_commits", { page: 2 })).text);
    expect(commits).toMatchObject({ total: 60, positions: "51-60" });
    expect(commits.commits[0]).toEqual({ sha: "s50", author: "Dev", date: "2026-01-01T00:00:00Z", message: "m50" });
    fake.pullReviewList.set(7, [
      { id: 1, body: "LGTM", state: "APPROVED", user: { id: 2, login: "bob" }, comments_count: 0 },
      { id: 2, body: "Two notes", state: "COMMENT", user: { id: 3, login: "carol" }, comments_count: 2 },
    ]);
    fake.reviewComments.set(2, [
      { id: 21, body: "Off by one", user: { id: 3, login: "carol" }, path: "src/a.ts", position: 3, diff_hunk: "@@" },
      { id: 22, body: "Outdated", user: { id: 3, login: "carol" }, path: "src/b.ts", position: 0 },
    ]);
    const reviews = JSON.parse((await call("list_pull_request_reviews")).text);
    expect(reviews.reviews.map((r: { id: number; inline_comments: number }) => [r.id, r.inline_comments])).toEqual([[1, 0], [2, 2]]);
    const all = JSON.parse((await call("list_review_comments")).text);
    expect(all.comments).toEqual([
      { id: 21, review_id: 2, author: "carol", path: "src/a.ts", line: 3, diff_hunk: "@@", body: "Off by one" },
      { id: 22, review_id: 2, author: "carol", path: "src/b.ts", body: "Outdated" },
    ]);
    expect(fake.calls.filter((c) => c.method === "pullReviewComments").map((c) => c.args)).toEqual([[7, 2]]);
    expect(JSON.parse((await call("list_review_comments", { path: "src/b.ts" })).text).comments.map((c: { id: number }) => c.id)).toEqual([22]);
    expect(JSON.parse((await call("list_review_comments", { review_id: 2 })).text).total).toBe(2);
    expect((await call("list_review_comments", { review_id: 9 })).isError).toBe(true);
  });

  it("get_file_contents returns text, lists directories, refuses binaries, big files, '..' and .git", async () => {
    const { call, fake } = await start();
    const file = await call("get_file_contents", { path: "src/app.ts" });
    expect(file.isError).toBe(false);
    expect(file.text).toMatch(/^File 'src\/app.ts' \(26 bytes, blob [0-9a-f]{40}\):\n\nexport const answer = 41;\n$/);
    expect((await call("get_file_contents", { path: "/src/app.ts", ref: "main" })).text).toContain("at main");
    expect((await call("get_file_contents", { path: "src" })).text).toBe("Directory 'src':\n- app.ts (file, 26 bytes)");
    expect(await call("get_file_contents", { path: "logo.bin" })).toMatchObject({ isError: true, text: expect.stringContaining("binary file") });
    expect(await call("get_file_contents", { path: "missing.txt" })).toEqual({ isError: true, text: "'missing.txt' does not exist on the default branch." });
    expect(await call("get_file_contents", { path: "../etc/passwd" })).toMatchObject({ isError: true, text: expect.stringContaining("'..' is not allowed") });
    expect(await call("get_file_contents", { path: ".git/config" })).toMatchObject({ isError: true, text: expect.stringContaining(".git") });

    await fake.commitFiles({ branch: "main", message: "big", files: [{ operation: "create", path: "big.txt", content: Buffer.alloc(1024 * 1024 + 1, "a").toString("base64") }] });
    expect(await call("get_file_contents", { path: "big.txt" })).toMatchObject({ isError: true, text: expect.stringContaining("over the 1 MB limit") });
  });

  it("list_branches marks the working and base branches; list_labels lists names and descriptions", async () => {
    const { call } = await start({}, { pushBranch: true });
    const branches = (await call("list_branches")).text;
    expect(branches).toMatch(/^2 branches in acme\/widgets:\n- claude\/issue-12 [0-9a-f]{12} \(working branch\)\n- main [0-9a-f]{12} \(base branch\)$/);
    expect((await call("list_labels")).text).toBe("- bug: Something is broken\n- docs");
  });
});

describe("commit_files", () => {
  it("commits changes, additions and deletions to a new branch created from the base, then moves the checkout", async () => {
    const { call, fake, repo } = await start();
    const ws = repo.workspace;
    await writeFile(path.join(ws, "src/app.ts"), "export const answer = 42;\n");
    await writeFile(path.join(ws, "src/new.ts"), "export {};\n");
    await unlink(path.join(ws, "README.md"));
    await writeFile(path.join(ws, "notes.txt"), "not committed\n");

    const res = await call("commit_files", { files: ["src/app.ts", `${ws}/src/new.ts`, "./README.md"], message: "Fix the answer" });
    expect(res.text).not.toBe("");
    expect(res.isError, res.text).toBe(false);
    expect(res.text).toMatch(/^Committed to claude\/issue-12 \(created from main\) as ([0-9a-f]{40}) .*: added src\/new.ts; updated src\/app.ts; deleted README.md\.\nThe checkout of claude\/issue-12 is now at [0-9a-f]{12}; the working tree was kept\.$/);

    const request = fake.commitRequests[0]!;
    expect(request).toMatchObject({ branch: "main", newBranch: "claude/issue-12", message: "Fix the answer", author: { name: "Claude Bot", email: "claude@example.com" } });
    expect(request.files.map((f) => [f.operation, f.path, Boolean(f.sha)])).toEqual([
      ["delete", "README.md", true],
      ["update", "src/app.ts", true],
      ["create", "src/new.ts", false],
    ]);

    const remote = await git(repo.bare, ["rev-parse", "refs/heads/claude/issue-12"]);
    expect(await git(ws, ["rev-parse", "HEAD"])).toBe(remote);
    expect(await git(ws, ["log", "-1", "--format=%an <%ae> %s"])).toBe("Claude Bot <claude@example.com> Fix the answer");
    // Only the file that was not listed is still a local change.
    expect(await git(ws, ["status", "--porcelain"])).toBe("?? notes.txt");
    expect(await readFile(path.join(ws, "src/app.ts"), "utf8")).toBe("export const answer = 42;\n");

    // A second commit goes onto the branch itself.
    await writeFile(path.join(ws, "src/app.ts"), "export const answer = 43;\n");
    const again = await call("commit_files", { files: ["src/app.ts", "src/new.ts"], message: "Again" });
    expect(again.text).toContain("Unchanged, not committed: src/new.ts.");
    expect(fake.commitRequests[1]).toMatchObject({ branch: "claude/issue-12", message: "Again" });
    expect(fake.commitRequests[1]!.newBranch).toBeUndefined();
    expect(await git(ws, ["status", "--porcelain"])).toBe("?? notes.txt");
  });

  it("refuses paths outside the workspace, '..', .git, symlinks, directories and files holding the token", async () => {
    const { call, repo, fake } = await start();
    const ws = repo.workspace;
    const outside = await import("node:fs/promises").then((fs) => fs.mkdtemp(path.join(os.tmpdir(), "outside-")));
    await writeFile(path.join(outside, "secret.txt"), "outside\n");
    await symlink(outside, path.join(ws, "linkdir"));
    await symlink(path.join(outside, "secret.txt"), path.join(ws, "link.txt"));
    await writeFile(path.join(ws, "leak.txt"), `token=${TOKEN}\n`);
    await mkdir(path.join(ws, "dir"));

    const cases: [string, string][] = [
      ["../outside.txt", "'..' is not allowed"],
      ["src/../../x", "'..' is not allowed"],
      ["/etc/passwd", "outside the workspace"],
      [".git/config", "inside .git"],
      ["linkdir/secret.txt", "outside the workspace through a symbolic link"],
      ["link.txt", "is a symbolic link"],
      ["dir", "is a directory"],
      ["leak.txt", "contains a secret of this run"],
      ["nowhere.txt", "neither in the checkout nor on main"],
      ["src/app.ts", "Nothing to commit: src/app.ts is the same on main."],
    ];
    for (const [file, message] of cases) {
      const res = await call("commit_files", { files: [file], message: "m" });
      expect(res.isError, file).toBe(true);
      expect(res.text, file).toContain(message);
      expect(res.text).not.toContain(TOKEN);
    }
    expect(fake.commitRequests).toHaveLength(0);
    expect((await lstat(path.join(outside, "secret.txt"))).isFile()).toBe(true);
    await rm(outside, { recursive: true, force: true });
  });

  it("reports a checkout that is not on the working branch instead of moving it", async () => {
    const { call, repo } = await start();
    await git(repo.workspace, ["checkout", "--quiet", "main"]);
    await writeFile(path.join(repo.workspace, "src/app.ts"), "x\n");
    const res = await call("commit_files", { files: ["src/app.ts"], message: "m" });
    expect(res.isError).toBe(false);
    expect(res.text).toContain("The checkout is on branch main, not claude/issue-12, so it was not moved");
  });
});

describe("create_pull_request", () => {
  it("refuses before any commit, opens one from the working branch into the base, then refuses a duplicate", async () => {
    const { call, fake, repo } = await start();
    const early = await call("create_pull_request", { title: "Fix", body: "Fixes #12" });
    expect(early).toEqual({ isError: true, text: "Branch claude/issue-12 has no commits on Gitea yet: commit and push your changes first." });

    await git(repo.workspace, ["push", "--quiet", "origin", "claude/issue-12"]);
    const equal = await call("create_pull_request", { title: "Fix", body: "Fixes #12" });
    expect(equal.text).toBe("Branch claude/issue-12 has no commits that main lacks: commit and push your changes first.");

    await writeFile(path.join(repo.workspace, "src/app.ts"), "export const answer = 42;\n");
    await call("commit_files", { files: ["src/app.ts"], message: "Fix" });
    const opened = await call("create_pull_request", { title: "Fix the answer <!-- x -->", body: `Fixes #12 ${TOKEN}` });
    expect(opened).toEqual({ isError: false, text: "Opened pull request #13 from claude/issue-12 into main: https://gitea.test/acme/widgets/pulls/13" });
    expect(fake.calls.find((c) => c.method === "createPull")!.args).toEqual(["claude/issue-12", "main", "Fix the answer", "Fixes #12 ***"]);

    const dup = await call("create_pull_request", { title: "Again", body: "" });
    expect(dup).toEqual({ isError: true, text: "A pull request from claude/issue-12 into main is already open: #13 https://gitea.test/acme/widgets/pulls/13" });
  });

  it("maps Gitea's 'no changes' answer to a refusal", async () => {
    const { call, fake, repo } = await start({}, { pushBranch: true });
    await writeFile(path.join(repo.workspace, "src/app.ts"), "y\n");
    await call("commit_files", { files: ["src/app.ts"], message: "m" });
    fake.failNext.set("createPull", new GiteaError("POST /repos/acme/widgets/pulls", 422, "HTTP 422: Invalid PullRequest: There are no changes between the head and the base"));
    expect((await call("create_pull_request", { title: "t", body: "" })).text).toBe(
      "Branch claude/issue-12 has no changes against main: commit and push your changes first.",
    );
  });
});

describe("set_labels", () => {
  it("adds and replaces labels on this run's issue only", async () => {
    const { call, fake } = await start();
    expect((await call("set_labels", { labels: ["docs"], mode: "add" })).text).toBe("Labels on #12 are now: bug, docs.");
    expect((await call("set_labels", { labels: ["DOCS"], mode: "replace" })).text).toBe("Labels on #12 are now: docs.");
    expect((await call("set_labels", { labels: [], mode: "replace" })).text).toBe("Labels on #12 are now: (none).");
    expect(fake.calls.filter((c) => c.method === "addIssueLabels" || c.method === "replaceIssueLabels").map((c) => c.args[0])).toEqual([12, 12, 12]);
  });

  it("unknown names are a tool error listing the repository's labels", async () => {
    const { call } = await start();
    expect(await call("set_labels", { labels: ["bug "], mode: "add" })).toEqual({ isError: true, text: "label 'bug ' not found; labels: bug, docs" });
    expect((await call("set_labels", { labels: ["x", "y"] })).text).toBe("labels 'x', 'y' not found; labels: bug, docs");
  });
});

describe("submit_review", () => {
  it("posts a comment-only review with inline comments on this run's pull request", async () => {
    const { call, fake } = await start({ GITEA_ENTITY_NUMBER: "7", GITEA_IS_PR: "true" });
    const res = await call("submit_review", {
      body: `Looks good overall. ${TOKEN}`,
      comments: [
        { path: "src/export.ts", line: 3, body: "Header row is dropped." },
        { path: "src/app.ts", old_line: 1, body: "Why remove this?" },
      ],
    });
    expect(res.isError).toBe(false);
    expect(res.text).toContain("on pull request #7 with 2 inline comments");
    expect(fake.reviews).toEqual([
      {
        index: 7,
        review: {
          body: "Looks good overall. ***",
          event: "COMMENT",
          comments: [
            { path: "src/export.ts", body: "Header row is dropped.", new_position: 3, old_position: 0 },
            { path: "src/app.ts", body: "Why remove this?", new_position: 0, old_position: 1 },
          ],
        },
      },
    ]);
  });

  it("refuses files outside the diff, comments without a line, and empty reviews", async () => {
    const { call, fake } = await start({ GITEA_ENTITY_NUMBER: "7", GITEA_IS_PR: "true" });
    expect((await call("submit_review", { body: "x", comments: [{ path: "README.md", line: 1, body: "b" }] })).text).toBe(
      "comment 1 (README.md): 'README.md' is not changed in pull request #7; changed files: src/export.ts, src/app.ts.",
    );
    expect((await call("submit_review", { body: "x", comments: [{ path: "src/app.ts", body: "b" }] })).text).toBe(
      "comment 1 (src/app.ts): give line (new file) or old_line (old file).",
    );
    expect((await call("submit_review", { body: "" })).text).toBe("The review is empty: give a summary or inline comments.");
    expect(fake.reviews).toHaveLength(0);
  });
});

describe("errors never crash the server", () => {
  it("invalid arguments and thrown errors come back as tool errors", async () => {
    const { call, fake } = await start();
    expect((await call("commit_files", { files: [], message: "m" })).isError).toBe(true);
    expect((await call("get_issue", { number: -1 })).isError).toBe(true);
    fake.failNext.set("branches", new TypeError("socket hang up"));
    expect(await call("list_branches")).toEqual({ isError: true, text: "list_branches failed: socket hang up" });
    expect((await call("list_labels")).isError).toBe(false);
  });

  it("logs go to the log function (stderr in the entrypoint), redacted", async () => {
    const { call, fake, logs } = await start();
    fake.failNext.set("repoLabels", new GiteaError("GET /labels", 500, `HTTP 500: ${TOKEN}`));
    await call("list_labels");
    expect(logs.join("\n")).toContain("list_labels: error");
    expect(logs.join("\n")).not.toContain(TOKEN);
  });
});
