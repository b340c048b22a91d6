/**
 * The gitea MCP server as Claude reaches it (through the broker, over HTTP
 * with the run's capability, real GiteaClient) against the Gitea emulator,
 * with a workspace cloned over git smart HTTP: every tool end to end, and no
 * request off the spec.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker } from "../../../src/boundary/broker";
import { Git, configureGit, spawnRunner } from "../../../src/gitea/git";
import { TRACKING_MARKER } from "../../../src/gitea/tracking";
import { type GiteaEmulator, startGitea } from "../../support/gitea/index";

const exec = promisify(execFile);
const TOKEN = "t-claude-bot-0123456789";
const CAPABILITY = "cap-0123456789abcdef0123456789abcdef";
const REPO = "alice/widgets";
const BRANCH = "claude/issue-1-20260101-0000";

type Session = { client: Client; stderr: () => string; call: (name: string, args?: Record<string, unknown>) => Promise<{ text: string; isError: boolean }> };

async function connect(g: GiteaEmulator, workspace: string, run: { commentId?: number; entityNumber?: number; isPR: boolean }): Promise<Session> {
  const startSha = (await exec("git", ["rev-parse", "HEAD"], { cwd: workspace })).stdout.trim();
  let logs = "";
  const broker = await startBroker(
    {
      capability: CAPABILITY,
      lifetimeMs: 600_000,
      watchDir: workspace,
      secrets: [TOKEN],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      gitea: {
        apiUrl: g.apiUrl,
        repository: REPO,
        publicUrl: "https://gitea.example.com",
        token: TOKEN,
        ...(run.commentId !== undefined ? { commentId: run.commentId } : {}),
        ...(run.entityNumber !== undefined ? { entityNumber: run.entityNumber } : {}),
        isPR: run.isPR,
        workspace,
        gitName: "Claude Bot",
        gitEmail: "claude@example.com",
      },
      git: { remoteUrl: `${g.url}/${REPO}.git`, branch: BRANCH, baseBranch: "main", startSha },
    },
    { log: (line) => (logs += `${line}\n`) },
  );
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${broker.port}/mcp/gitea`), {
    requestInit: { headers: { Authorization: `Bearer ${CAPABILITY}` } },
  });
  const client = new Client({ name: "emulator-test", version: "0" });
  await client.connect(transport);
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    await broker.close();
  };
  return {
    client,
    stderr: () => logs,
    call: async (name, args = {}) => {
      const res = await client.callTool({ name, arguments: args });
      return { text: (res.content as { text: string }[]).map((c) => c.text).join("\n"), isError: res.isError === true };
    },
  };
}

describe("gitea MCP server against the Gitea emulator", () => {
  let g: GiteaEmulator;
  let dir: string;
  let workspace: string;
  let issue: number;
  let trackingId: number;

  beforeAll(async () => {
    g = await startGitea({ publicUrl: "https://gitea.example.com" });
    g.addUser({ login: "alice", token: "t-alice" });
    g.addUser({ login: "claude-bot", token: TOKEN });
    await g.createRepo({ owner: "alice", name: "widgets", files: { "README.md": "# Widgets\n", "src/app.ts": "export const answer = 41;\n" } });
    g.setPermission(REPO, "claude-bot", "write");
    g.createLabel(REPO, { name: "bug" });
    g.createLabel(REPO, { name: "docs" });
    issue = g.createIssue(REPO, { title: "Wrong answer", body: "It says 41.", user: "alice", labels: ["bug"] }).index;
    g.addComment(REPO, issue, { user: "alice", body: "@claude fix it" });
    trackingId = g.addComment(REPO, issue, { user: "claude-bot", body: `${TRACKING_MARKER}\nClaude is working…` }).id;

    dir = await mkdtemp(path.join(os.tmpdir(), "gitea-mcp-emu-"));
    workspace = path.join(dir, "ws");
    await exec("git", ["clone", "--quiet", `${g.url}/${REPO}.git`, workspace]);
    const git = new Git(spawnRunner, workspace);
    await git.run(["checkout", "--quiet", "-b", BRANCH]);
    await configureGit(git, { name: "Claude Bot", email: "claude@example.com" });
  });

  afterAll(async () => {
    await g?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("an issue run: comment, reads, commit to a new branch, pull request, labels", async () => {
    const s = await connect(g, workspace, { commentId: trackingId, entityNumber: issue, isPR: false });
    try {
      const updated = await s.call("update_claude_comment", { body: `### Working\n- [ ] fix <!-- hidden -->\ntoken ${TOKEN}` });
      expect(updated.isError, updated.text).toBe(false);
      expect(g.getComment(trackingId)!.body).toBe(`${TRACKING_MARKER}\n### Working\n- [ ] fix \ntoken ***`);

      expect(JSON.parse((await s.call("get_issue")).text)).toMatchObject({ number: issue, title: "Wrong answer", labels: ["bug"], author: "alice" });
      expect(JSON.parse((await s.call("list_comments")).text).comments).toHaveLength(2);
      expect((await s.call("get_file_contents", { path: "src/app.ts" })).text).toContain("export const answer = 41;");

      expect((await s.call("create_pull_request", { title: "Fix", body: "" })).text).toContain("has no commits on Gitea yet");

      await writeFile(path.join(workspace, "src/app.ts"), "export const answer = 42;\n");
      await writeFile(path.join(workspace, "CHANGELOG.md"), "- fixed the answer\n");
      const committed = await s.call("commit_files", { files: ["src/app.ts", "CHANGELOG.md"], message: "Fix the answer" });
      expect(committed.isError, committed.text).toBe(false);
      expect(committed.text).toContain(`Committed to ${BRANCH} (created from main)`);
      expect(committed.text).toContain("the working tree was kept");

      const remoteSha = await g.branchSha(REPO, BRANCH);
      expect((await exec("git", ["rev-parse", "HEAD"], { cwd: workspace })).stdout.trim()).toBe(remoteSha);
      expect((await exec("git", ["status", "--porcelain"], { cwd: workspace })).stdout).toBe("");
      const [last] = await g.commitsOn(REPO, BRANCH);
      expect(last).toMatchObject({ subject: "Fix the answer", author: { name: "Claude Bot", email: "claude@example.com" } });
      expect(await g.readFile(REPO, BRANCH, "src/app.ts")).toBe("export const answer = 42;\n");

      expect((await s.call("get_file_contents", { path: "CHANGELOG.md", ref: BRANCH })).text).toContain("- fixed the answer");
      expect((await s.call("list_branches")).text).toMatch(new RegExp(`- ${BRANCH} [0-9a-f]{12} \\(working branch\\)`));

      const opened = await s.call("create_pull_request", { title: "Fix the answer", body: `Fixes #${issue}` });
      expect(opened.isError, opened.text).toBe(false);
      const pulls = g.pulls(REPO);
      expect(pulls).toHaveLength(1);
      expect(pulls[0]).toMatchObject({ headBranch: BRANCH, baseBranch: "main" });
      expect(opened.text).toContain(`https://gitea.example.com/${REPO}/pulls/${pulls[0]!.index}`);
      const again = await s.call("create_pull_request", { title: "Again", body: "" });
      expect(again.isError).toBe(true);
      expect(again.text).toContain("is already open");

      expect((await s.call("set_labels", { labels: ["docs"], mode: "add" })).text).toBe(`Labels on #${issue} are now: bug, docs.`);
      expect(g.issueLabels(REPO, issue).sort()).toEqual(["bug", "docs"]);
      expect(await s.call("set_labels", { labels: ["bug "], mode: "add" })).toEqual({ isError: true, text: "label 'bug ' not found; labels: bug, docs" });
      expect(s.stderr()).not.toContain(TOKEN);
    } finally {
      await s.client.close();
    }
  });

  it("a pull request run: read the PR and post a comment-only review", async () => {
    const pr = g.pulls(REPO)[0]!;
    const s = await connect(g, workspace, { entityNumber: pr.index, isPR: true });
    try {
      expect((await s.client.listTools()).tools.map((t) => t.name)).toContain("submit_review");
      const read = JSON.parse((await s.call("get_pull_request")).text);
      expect(read).toMatchObject({ number: pr.index, head: { ref: BRANCH }, base: { ref: "main" }, changed_files: 2 });
      const review = await s.call("submit_review", {
        body: "Looks right.",
        comments: [{ path: "src/app.ts", line: 1, body: "Good catch." }],
      });
      expect(review.isError, review.text).toBe(false);
      const reviews = g.reviews(REPO, pr.index);
      expect(reviews).toHaveLength(1);
      expect(reviews[0]).toMatchObject({ body: "Looks right." });
    } finally {
      await s.client.close();
    }
  });

  it("made no request outside the Gitea 1.22 API spec", () => {
    expect(g.violations).toEqual([]);
  });
});
