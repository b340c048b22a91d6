/**
 * Which runs Gitea starts for an event, and with what (runner/gitea-runs.ts
 * with the emulator and the local runner): fork and AGit pull request runs
 * get no secrets and a read-only job token; review events run the PR head's
 * workflow file with every secret, and a "Comment" review matches both review
 * triggers; `pull_request_comment` is a trigger of its own; label changes
 * send `label_updated` (with `changes` from 1.25); events of the job token
 * start nothing; a dispatch cancels the live dispatch of the same workflow
 * and ref; schedules re-registered by the job token get `{}`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giteaApi } from "../support/gitea/client";
import { commentHook, dispatchHook, issuesHook, labelHook, openedIssueHooks, pullRequestHook, reviewHook, scheduleHook } from "../support/gitea/hooks";
import { schedulePayload } from "../support/gitea/payloads";
import { planRuns } from "../support/runner/gitea-runs";
import { REPO, SECRETS, USERS, World, git } from "../support/scenario";

/** A workflow that prints what it was given (event name, whether it has the secret, the token's access). */
function probe(on: string): string {
  return `on:\n${on}\njobs:\n  probe:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          KEY: \${{ secrets.ANTHROPIC_API_KEY }}\n        run: |\n          echo "event=\${{ github.event_name }} key=\${KEY:+present}"\n`;
}

let world: World;
beforeAll(async () => {
  world = await World.start({
    files: {
      "README.md": "# app\n",
      ".gitea/workflows/comments.yml": probe("  issue_comment:\n    types: [created]"),
      ".gitea/workflows/pr-comments.yml": probe("  pull_request_comment:\n    types: [created]"),
      ".gitea/workflows/reviews.yml": probe("  pull_request_review:\n    types: [submitted]\n  pull_request_review_comment:\n    types: [created]"),
      ".gitea/workflows/prs.yml": probe("  pull_request:\n    types: [opened]"),
      ".gitea/workflows/target.yml": probe("  pull_request_target:\n    types: [opened, labeled]"),
      ".gitea/workflows/labels.yml": probe("  issues:\n    types: [labeled]"),
      ".gitea/workflows/dispatch.yml": "on:\n  workflow_dispatch:\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
    },
  });
  world.gitea.addUser({ login: "carol", token: "carol-token-0000" });
  await world.gitea.forkRepo(REPO, "carol");
});
afterAll(async () => world?.close());

const byWorkflow = (runs: { workflow: string; eventName: string }[]) => runs.map((r) => `${r.workflow}:${r.eventName}`).sort();

describe("pull requests from forks", () => {
  it("a comment on a fork's pull request is a fork run: no secrets, a read-only job token (as is pull_request); pull_request_target gets both", async () => {
    await world.gitea.commitFiles("carol/app", "fix", { "fix.txt": "fix\n" }, "Fix", "carol");
    const pr = await world.gitea.createPullRequest(REPO, { title: "Fix", user: "carol", head: "fix", base: "main", headRepo: "carol/app" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude look" });
    const runs = await planRuns(world.gitea, await commentHook(world.gitea, REPO, pr.index, c.id));
    expect(byWorkflow(runs)).toEqual(["comments.yml:issue_comment", "pr-comments.yml:pull_request_comment"]);
    for (const r of runs) expect(r).toMatchObject({ fork: true, secretsWithheld: true, tokenMode: "read", ref: "refs/heads/main" });

    const opened = await planRuns(world.gitea, await pullRequestHook(world.gitea, REPO, pr.index, "opened", "carol"));
    expect(opened.map((r) => [r.workflow, r.eventName, r.secretsWithheld, r.tokenMode, r.ref])).toEqual([
      ["prs.yml", "pull_request", true, "read", `refs/pull/${pr.index}/head`],
      ["target.yml", "pull_request_target", false, "write", "refs/heads/main"],
    ]);

    // The runner gives the fork run no secret; its token cannot write.
    const run = runs.find((r) => r.eventName === "issue_comment")!;
    const job = await world.runJob({ workflow: run.text, eventName: run.eventName, event: run.payload, token: run.token, secretsWithheld: true });
    expect(job.success).toBe(true);
    expect(job.log.split("\n")).toContain("event=issue_comment key=");
    const labels = await giteaApi(world.gitea, "POST", `/repos/${REPO}/issues/${pr.index}/labels`, { token: run.token, body: { labels: ["x"] } });
    expect(labels.status).toBe(403);
    const normal = await world.runJob({ workflow: run.text, eventName: run.eventName, event: run.payload });
    expect(normal.log).toContain("event=issue_comment key=present");
  });

  it("an AGit pull request is always a fork run", async () => {
    await world.gitea.commitFiles(REPO, "bob/topic", { "agit.txt": "a\n" }, "AGit", USERS.bob);
    const pr = await world.gitea.createPullRequest(REPO, { title: "AGit", user: USERS.bob, head: "bob/topic", base: "main", agit: true });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude look" });
    const runs = await planRuns(world.gitea, await commentHook(world.gitea, REPO, pr.index, c.id));
    expect(runs.length).toBe(2);
    for (const r of runs) expect(r).toMatchObject({ fork: true, secretsWithheld: true, tokenMode: "read" });
  });
});

describe("review events", () => {
  it("run the workflow file of the PR head (a fork's own file) with every secret; a Comment review matches both triggers", async () => {
    const evil = probe("  pull_request_review_comment:\n    types: [created]").replace("echo", "echo EXFILTRATE");
    await world.gitea.commitFiles("carol/app", "evil", { ".gitea/workflows/reviews.yml": evil }, "Change the workflow", "carol");
    const pr = await world.gitea.createPullRequest(REPO, { title: "Evil", user: "carol", head: "evil", base: "main", headRepo: "carol/app" });
    // The fork's author may submit a Comment review on their own pull request.
    const review = await world.gitea.addReview(REPO, pr.index, { user: "carol", type: "COMMENT", body: "@claude review" });
    const runs = await planRuns(world.gitea, await reviewHook(world.gitea, REPO, pr.index, review));
    expect(runs.map((r) => [r.workflow, r.eventName, r.fork, r.secretsWithheld, r.tokenMode])).toEqual([["reviews.yml", "pull_request_review_comment", false, false, "write"]]);
    expect(runs[0]!.text).toContain("EXFILTRATE");
    expect(runs[0]!.ref).toBe(review.commit_id);

    // On the base branch's own file, one Comment review starts two runs.
    await world.gitea.commitFiles(REPO, "feature/x", { "x.txt": "x\n" }, "X", USERS.alice);
    const same = await world.gitea.createPullRequest(REPO, { title: "X", user: USERS.alice, head: "feature/x", base: "main" });
    const comment = await world.gitea.addReview(REPO, same.index, { user: USERS.bob, type: "COMMENT", body: "@claude please" });
    expect(byWorkflow(await planRuns(world.gitea, await reviewHook(world.gitea, REPO, same.index, comment)))).toEqual([
      "reviews.yml:pull_request_review",
      "reviews.yml:pull_request_review_comment",
    ]);
    const approval = await world.gitea.addReview(REPO, same.index, { user: USERS.bob, type: "APPROVED", body: "" });
    expect(byWorkflow(await planRuns(world.gitea, await reviewHook(world.gitea, REPO, same.index, approval)))).toEqual(["reviews.yml:pull_request_review"]);
  });
});

describe("comments and labels", () => {
  it("pull_request_comment delivers an issue_comment payload under its own name, only for pull requests", async () => {
    await world.gitea.commitFiles(REPO, "feature/c", { "c.txt": "c\n" }, "C", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "C", user: USERS.alice, head: "feature/c", base: "main" });
    const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude" });
    const runs = await planRuns(world.gitea, await commentHook(world.gitea, REPO, pr.index, c.id));
    const prc = runs.find((r) => r.eventName === "pull_request_comment")!;
    expect(prc.payload).toMatchObject({ action: "created", is_pull: true, comment: { id: c.id } });
    expect(prc.fork).toBe(false);
    const issue = world.gitea.createIssue(REPO, { title: "I", user: USERS.alice });
    const ic = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude" });
    expect(byWorkflow(await planRuns(world.gitea, await commentHook(world.gitea, REPO, issue.index, ic.id)))).toEqual(["comments.yml:issue_comment"]);
  });

  it("label_updated: no changes on 1.22–1.24; opening an issue with labels sends opened, then label_updated", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "L", user: USERS.alice, labels: ["claude"] });
    const events = await openedIssueHooks(world.gitea, REPO, issue.index);
    expect(events.map((e) => [e.type, e.payload.action])).toEqual([
      ["issues", "opened"],
      ["issue_label", "label_updated"],
    ]);
    expect(events[1]!.payload).not.toHaveProperty("changes");
    expect(byWorkflow(await planRuns(world.gitea, events[1]!))).toEqual(["labels.yml:issues"]);
  });

  it("label changes made with the job token are recorded but start no workflow", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "J", user: USERS.alice });
    world.gitea.createLabel(REPO, { name: "triaged" });
    const r = await giteaApi(world.gitea, "POST", `/repos/${REPO}/issues/${issue.index}/labels`, { token: SECRETS.jobToken, body: { labels: ["triaged"] } });
    expect(r.status).toBe(200);
    const event = world.gitea.hookEvents.at(-1)!;
    expect(event).toMatchObject({ type: "issue_label", doer: USERS.actions, payload: { action: "label_updated" } });
    expect(await planRuns(world.gitea, event)).toEqual([]);
    const byAlice = await labelHook(world.gitea, REPO, issue.index, USERS.alice, { added: ["triaged"] });
    expect(byWorkflow(await planRuns(world.gitea, byAlice))).toEqual(["labels.yml:issues"]);
  });
});

describe("label changes on 1.25", () => {
  let w: World;
  beforeAll(async () => {
    w = await World.start({ giteaVersion: "1.25.4" });
  });
  afterAll(async () => w?.close());

  it("carry changes.added_labels / removed_labels; a replace reports the whole new set as added", async () => {
    const issue = w.gitea.createIssue(REPO, { title: "L", user: USERS.alice });
    w.gitea.createLabel(REPO, { name: "claude" });
    w.gitea.createLabel(REPO, { name: "bug" });
    const added = await labelHook(w.gitea, REPO, issue.index, USERS.alice, { added: ["claude"] });
    expect(added.payload.changes).toMatchObject({ added_labels: [{ name: "claude" }], removed_labels: null });
    const alice = await giteaApi(w.gitea, "POST", `/repos/${REPO}/issues/${issue.index}/labels`, { token: "alice-token-1234567890", body: { labels: ["claude"] } });
    expect(alice.status).toBe(200);
    const put = await giteaApi(w.gitea, "PUT", `/repos/${REPO}/issues/${issue.index}/labels`, { token: "alice-token-1234567890", body: { labels: ["bug", "claude"] } });
    expect(put.status).toBe(200);
    const recorded = w.gitea.hookEvents.map((e) => e.payload.changes as { added_labels: { name: string }[] | null; removed_labels: { name: string }[] | null });
    expect(recorded.map((c) => [c.added_labels?.map((l) => l.name) ?? null, c.removed_labels?.map((l) => l.name) ?? null])).toEqual([
      [["claude"], null],
      [["bug", "claude"], ["claude"]],
    ]);
    await giteaApi(w.gitea, "DELETE", `/repos/${REPO}/issues/${issue.index}/labels/${w.gitea.repoLabels(REPO).find((l) => l.name === "bug")!.id}`, { token: "alice-token-1234567890" });
    expect(w.gitea.hookEvents.at(-1)!.payload.changes).toMatchObject({ added_labels: null, removed_labels: [{ name: "bug" }] });
    const assigned = await issuesHook(w.gitea, REPO, issue.index, "assigned", USERS.alice);
    expect(assigned.payload.changes).toEqual({ added_labels: null, removed_labels: null });
  });
});

describe("dispatch cancels dispatch", () => {
  let w: World;
  beforeAll(async () => {
    w = await World.start({ giteaVersion: "1.24.7", files: { "README.md": "#\n", ".gitea/workflows/task.yml": "on:\n  workflow_dispatch:\n    inputs:\n      description: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo started; sleep 30\n      - if: always()\n        run: echo finishing\n" } });
  });
  afterAll(async () => w?.close());

  const dispatch = (ref: string) =>
    giteaApi(w.gitea, "POST", `/repos/${REPO}/actions/workflows/task.yml/dispatches`, { token: "alice-token-1234567890", body: { ref, inputs: { description: "x" } } });

  it("a new dispatch of the same workflow on the same ref cancels the live one; other refs are left alone", async () => {
    const cancelled: number[] = [];
    const off = w.gitea.onRunCancelled((r) => cancelled.push(r.id));
    await w.gitea.createBranch(REPO, "task/a", "main");
    await w.gitea.createBranch(REPO, "task/b", "main");
    expect((await dispatch("main")).status).toBe(204);
    expect((await dispatch("task/a")).status).toBe(204);
    expect((await dispatch("task/b")).status).toBe(204);
    const [first, onA, onB] = w.gitea.dispatches.map((d) => d.runId);
    expect(cancelled).toEqual([]);
    expect((await dispatch("main")).status).toBe(204);
    expect(cancelled).toEqual([first]);
    const runs = Object.fromEntries(w.gitea.runs(REPO).map((r) => [r.id, r]));
    expect(runs[first!]).toMatchObject({ status: "cancelled", conclusion: "cancelled", cancelledBy: w.gitea.dispatches.at(-1)!.runId });
    expect([runs[onA!]!.status, runs[onB!]!.status]).toEqual(["queued", "queued"]);
    off();
  });

  it("the runner stops the cancelled run's step; steps with always() still run", async () => {
    const controller = new AbortController();
    const event = (await dispatchHook(w.gitea, REPO, { workflow: "task.yml", inputs: { description: "x" }, sender: USERS.alice })).payload;
    // Cancelled once the step is running (as Gitea cancels a run that a newer dispatch replaced).
    const job = await w.runJob({
      workflow: (await w.gitea.readFile(REPO, "main", ".gitea/workflows/task.yml"))!,
      eventName: "workflow_dispatch",
      event,
      signal: controller.signal,
      onLog: (line) => {
        if (line === "started") controller.abort();
      },
    });
    expect(job.success).toBe(false);
    expect(job.steps.map((s) => s.outcome)).toEqual(["cancelled", "success"]);
    expect(job.log).toContain("finishing");
  });
});

describe("schedules", () => {
  it("carry the registering push's payload, and {} once the job token pushed to the default branch", async () => {
    const before = await schedulePayload(world.gitea, REPO);
    expect(before).toMatchObject({ ref: "refs/heads/main", repository: { full_name: REPO } });
    const { workspace } = await world.runnerDirs();
    await git(["-c", "user.name=C", "-c", "user.email=c@example.com", "commit", "-q", "--allow-empty", "-m", "by the job token"], workspace);
    await git(["push", "--quiet", "origin", "HEAD:main"], workspace);
    expect(await schedulePayload(world.gitea, REPO)).toEqual({});
    expect((await scheduleHook(world.gitea, REPO)).payload).toEqual({});
  });
});
