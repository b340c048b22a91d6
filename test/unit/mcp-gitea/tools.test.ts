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
    expect(await bare.toolNames()).toEqual(["get_file_contents", "get_issue", "get_job_log", "get_pull_request", "list_branches", "list_comments", "list_labels"]);
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
    const comments = JSON.parse((await call("list_comments")).text);
    expect(comments).toEqual([
      { id: 500, author: "bob", created_at: "2026-01-01T01:00:00Z", body: "Same here.evil" },
      { id: 501, author: "claude-bot", created_at: "2026-01-01T02:00:00Z", is_your_tracking_comment: true, body: "Claude is working…" },
    ]);
    expect((await call("list_comments", { number: 7 })).text).toBe("#7 has no comments.");
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
