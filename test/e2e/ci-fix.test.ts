/**
 * examples/claude-fix-ci.yml end to end, with the real claude CLI against the
 * emulator of a busy Gitea 1.25 (run id ≠ run number, job index ≠ job id ≠
 * task id, a stale failure on an older head, a 3,000-line log whose error is
 * near the end): a failed CI run (workflow_run) or "@claude fix CI" makes
 * Claude read the failing job's log through get_ci_status and get_job_log,
 * push a fix to the pull request's branch through the action's checked git
 * (the broker holds the token), and link the failing job and the fix commit
 * on its tracking comment. On Gitea 1.22 the same comment gets the checks
 * only, and the log tool names the version it needs.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPullRequestCi, type CiFixture } from "../support/ci-fixture";
import { workflowRunPayload } from "../support/gitea/index";
import { issueCommentPayload } from "../support/gitea/payloads";
import { firstUserText, lastToolResults, text, toolUse, type MessagesRequest } from "../support/model/index";
import { ROOT } from "../support/repo";
import { REPO, SECRETS, USERS, World, cwdOf } from "../support/scenario";

const WORKFLOW = join(ROOT, "examples", "claude-fix-ci.yml");
const PUBLIC = "https://gitea.example.com";
const GITEA = (tool: string) => `mcp__gitea__${tool}`;
const BROKEN = "export const greet = (name) => `Hi ${name}`;\n";
const FIXED = "export const greet = (name) => `Hello ${name}`;\n";

type Job = Awaited<ReturnType<World["runJob"]>>;
const explain = (job: Job) => `${job.reason ?? ""}\n${job.error ?? ""}\n${job.log.slice(-6000)}`;
const resultText = (req: MessagesRequest) => lastToolResults(req).map((r) => `${r.is_error ? "ERROR: " : ""}${r.text}`).join("\n");

/** A pull request whose second push broke the tests; CI seeded for both heads. */
async function brokenPullRequest(world: World, branch: string): Promise<{ pr: number; fx: CiFixture }> {
  const oldHead = await world.gitea.commitFiles(REPO, branch, { "src/greet.js": FIXED, "CHANGES.md": "- greet\n" }, "Add CHANGES", USERS.alice);
  const pr = await world.gitea.createPullRequest(REPO, { title: "Friendlier greeting", body: "Changes the greeting.", user: USERS.alice, head: branch, base: "main" });
  const head = await world.gitea.commitFiles(REPO, branch, { "src/greet.js": BROKEN }, "Say Hi", USERS.alice);
  const fx = seedPullRequestCi(world.gitea, { repo: REPO, otherRepo: "acme/tools", actor: USERS.alice, pr: pr.index, headSha: head, oldHeadSha: oldHead });
  return { pr: pr.index, fx };
}

/** Claude's turns: read the CI, read the log, fix, commit, push through the checked git, report with links. */
/**
 * The comment's time, clear of the push that broke CI: Gitea's times have whole seconds, and a push
 * in the comment's own second counts as after it (the run would work on the head before it).
 */
const aSecondAfterThePush = () => new Date(Date.now() + 1_500).toISOString();

function fixTurns(fx: CiFixture, o: { first?: (req: MessagesRequest) => void } = {}) {
  let commit = "";
  return [
    {
      check: (req: MessagesRequest) => o.first?.(req),
      reply: [toolUse(GITEA("update_claude_comment"), { body: "- [ ] Read the failing job's log\n- [ ] Fix and push" })],
    },
    { reply: [toolUse(GITEA("get_ci_status"), {})] },
    {
      check: (req: MessagesRequest) => {
        const out = JSON.parse(lastToolResults(req)[0]!.text) as { statuses: { context: string; job_id?: number; run?: number }[] };
        const failed = out.statuses.filter((s) => s.job_id !== undefined);
        // Only the current head's failure, with its real job id (not its index, not the stale one).
        expect(failed).toEqual([expect.objectContaining({ context: "CI / test (pull_request)", job_id: fx.failing.id, run: fx.failingRun.number })]);
      },
      reply: [toolUse(GITEA("get_job_log"), { job_id: fx.failing.id, tail_lines: 20 })],
    },
    {
      check: (req: MessagesRequest) => {
        const log = resultText(req);
        expect(log).toContain("AssertionError: expected 'Hi Ada' to equal 'Hello Ada' at src/greet.js:1:40");
        expect(log).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z/);
      },
      reply: (req: MessagesRequest) => [toolUse("Write", { file_path: `${cwdOf(req)}/src/greet.js`, content: FIXED })],
    },
    { reply: [toolUse("Bash", { command: "git add src/greet.js" })] },
    { reply: [toolUse("Bash", { command: 'git commit -m "Fix greet: say Hello again"' })] },
    { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
    {
      check: (req: MessagesRequest) => expect(lastToolResults(req)[0]?.is_error, resultText(req)).toBe(false),
      reply: [toolUse("Bash", { command: "git log -1 --format=%H" })],
    },
    {
      reply: (req: MessagesRequest) => {
        commit = /[0-9a-f]{40}/.exec(resultText(req))?.[0] ?? "";
        const job = `${PUBLIC}/${REPO}/actions/runs/${fx.failingRun.number}/jobs/1`;
        return [
          toolUse(GITEA("update_claude_comment"), {
            body: `- [x] Read the failing job's log\n- [x] Fix and push\n\n[CI / test](${job}) failed: \`greet\` said "Hi". Fixed in ${PUBLIC}/${REPO}/commit/${commit}.`,
          }),
        ];
      },
    },
    { reply: [text("Fixed.")] },
  ];
}

describe("examples/claude-fix-ci.yml on Gitea 1.25", () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ giteaVersion: "1.25.4", publicUrl: PUBLIC });
    await world.gitea.createRepo({ owner: "acme", name: "tools" });
  });
  afterAll(async () => world?.close());

  it("a failed CI run of the pull request's head: Claude reads the log, pushes the fix to the PR branch, links the job and the fix", async () => {
    const { pr, fx } = await brokenPullRequest(world, "feature/greet");
    const headBefore = (await world.gitea.pullHeadSha(REPO, pr))!;
    const event = await workflowRunPayload(world.gitea, fx.failingRun.id);
    expect(event).toMatchObject({ action: "completed", workflow: { name: "CI" }, workflow_run: { id: fx.failingRun.id, run_number: fx.failingRun.number, conclusion: "failure", head_branch: "" } });
    expect(event).not.toHaveProperty("pull_request");

    world.script(
      fixTurns(fx, {
        first: (req) => {
          const prompt = firstUserText(req);
          expect(prompt).toContain("<event_type>CI_FAILED</event_type>");
          expect(prompt).toContain(`workflow 'CI' run #${fx.failingRun.number} (pull request sync) failed on this pull request's head commit ${fx.headSha}`);
          expect(prompt).toContain("mcp__gitea__get_job_log");
          expect(prompt).not.toContain("See CI results, workflow runs or their logs.");
        },
      }),
    );
    const job = await world.runJob({
      workflow: WORKFLOW,
      eventName: "workflow_run",
      event,
      secrets: { CLAUDE_GITEA_TOKEN: SECRETS.adminToken },
      vars: { PUBLIC_GITEA_URL: PUBLIC },
      run: fx.current,
    });
    expect(job.success, explain(job)).toBe(true);
    world.model.assertDone();

    // The fix is on the pull request's own branch, on top of the head that failed.
    const [fix] = await world.gitea.commitsOn(REPO, "feature/greet");
    expect(fix!.subject).toBe("Fix greet: say Hello again");
    expect(fix!.parents).toEqual([headBefore]);
    expect(await world.gitea.pullHeadSha(REPO, pr)).toBe(fix!.sha);
    expect(await world.gitea.readFile(REPO, "feature/greet", "src/greet.js")).toBe(FIXED);
    // Pushed by the action's broker with the token Claude never saw.
    const pushes = world.gitea.requests.filter((e) => e.kind === "git" && e.path.endsWith("/git-receive-pack"));
    expect(pushes.map((e) => e.auth)).toEqual(["site-admin"]);

    const comment = world.gitea.getComment(Number(job.outputs.claude!.comment_id))!;
    expect(comment.issueIndex).toBe(pr);
    expect(comment.body).toContain("**Claude finished @alice's task");
    expect(comment.body).toContain(`[CI / test](${PUBLIC}/${REPO}/actions/runs/${fx.failingRun.number}/jobs/1)`);
    expect(comment.body).toContain(`${PUBLIC}/${REPO}/commit/${fix!.sha}`);
    expect(job.outputs.claude!.conclusion).toBe("success");
    expect(world.gitea.violations).toEqual([]);
  });

  it('"@claude fix CI" with the job token: the failed job is found by a bounded search of run ids from this run\'s own', async () => {
    const { pr, fx } = await brokenPullRequest(world, "feature/greet-2");
    const c = world.gitea.addComment(REPO, pr, { user: USERS.alice, body: "@claude fix CI", created_at: aSecondAfterThePush() });
    world.script(fixTurns(fx));
    world.gitea.clearLog();
    const job = await world.runJob({ workflow: WORKFLOW, eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, pr, c.id), vars: { PUBLIC_GITEA_URL: PUBLIC }, run: fx.current });
    expect(job.success, explain(job)).toBe(true);
    world.model.assertDone();
    expect(await world.gitea.readFile(REPO, "feature/greet-2", "src/greet.js")).toBe(FIXED);
    const api = world.gitea.apiRequests();
    expect(api.filter((e) => e.route === "GET /repos/{owner}/{repo}/actions/runs").map((e) => e.status)).toEqual([403]);
    expect(api.filter((e) => e.route === "GET /repos/{owner}/{repo}/actions/runs/{run}").length).toBeGreaterThan(0);
    const pushes = world.gitea.requests.filter((e) => e.kind === "git" && e.path.endsWith("/git-receive-pack"));
    expect(pushes.map((e) => e.auth)).toEqual([USERS.actions]);
    expect(world.gitea.getComment(Number(job.outputs.claude!.comment_id))!.body).toContain(`/actions/runs/${fx.failingRun.number}/jobs/1`);
  });

  it("a failed run of an older head, or a run without the admin token: no model call; the second is refused on the pull request", async () => {
    const { pr, fx } = await brokenPullRequest(world, "feature/greet-3");
    const before = world.model.requests.length;
    // A push moved the pull request on: the failure is the previous head's.
    await world.gitea.commitFiles(REPO, "feature/greet-3", { "src/greet.js": FIXED }, "Fix it myself", USERS.alice);
    const stale = await world.runJob({ workflow: WORKFLOW, eventName: "workflow_run", event: await workflowRunPayload(world.gitea, fx.failingRun.id), secrets: { CLAUDE_GITEA_TOKEN: SECRETS.adminToken }, run: fx.current });
    expect(stale.success, explain(stale)).toBe(true);
    expect(stale.outputs.claude?.conclusion).toBe("skipped");
    expect(stale.log).toContain("no open pull request has commit");
    expect(world.gitea.listComments(REPO, pr)).toEqual([]);

    const { pr: pr4, fx: fx4 } = await brokenPullRequest(world, "feature/greet-4");
    const refused = await world.runJob({ workflow: WORKFLOW, eventName: "workflow_run", event: await workflowRunPayload(world.gitea, fx4.failingRun.id), run: fx4.current });
    expect(refused.success).toBe(false);
    const [answer] = world.gitea.listComments(REPO, pr4);
    expect(answer!.body).toContain("**Claude did not run**");
    expect(answer!.body).toContain("I could not verify that @alice may write to acme/app");
    expect(world.model.requests.length).toBe(before);
  });
});

describe('"@claude fix CI" on Gitea 1.22: the checks only', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ giteaVersion: "1.22.6", publicUrl: PUBLIC });
    await world.gitea.createRepo({ owner: "acme", name: "tools" });
  });
  afterAll(async () => world?.close());

  it("Claude sees which check failed with its link; the log tool says it needs Gitea 1.24", async () => {
    const { pr, fx } = await brokenPullRequest(world, "feature/old");
    const c = world.gitea.addComment(REPO, pr, { user: USERS.alice, body: "@claude fix CI", created_at: aSecondAfterThePush() });
    const job = `${PUBLIC}/${REPO}/actions/runs/${fx.failingRun.number}/jobs/1`;
    world.script([
      { reply: [toolUse(GITEA("get_ci_status"), {})] },
      {
        check: (req) => {
          const out = JSON.parse(lastToolResults(req)[0]!.text) as { state: string; statuses: { context: string; link: string; job_id?: number }[]; notes: string[] };
          expect(out.state).toBe("failure");
          expect(out.statuses[0]).toMatchObject({ context: "CI / test (pull_request)", link: job });
          expect(out.statuses[0]!.job_id).toBeUndefined();
        },
        reply: [toolUse(GITEA("get_job_log"), { job_id: fx.failing.id })],
      },
      {
        check: (req) => expect(lastToolResults(req)[0]).toMatchObject({ is_error: true, text: expect.stringContaining("Job logs need Gitea 1.24 or newer; this server is 1.22.6") }),
        reply: [toolUse(GITEA("update_claude_comment"), { body: `[CI / test](${job}) failed; this Gitea cannot show me its log. Paste the error and I will fix it.` })],
      },
      { reply: [text("Done.")] },
    ]);
    const run = await world.runJob({ workflow: WORKFLOW, eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, pr, c.id), vars: { PUBLIC_GITEA_URL: PUBLIC }, run: fx.current });
    expect(run.success, explain(run)).toBe(true);
    world.model.assertDone();
    expect(world.gitea.getComment(Number(run.outputs.claude!.comment_id))!.body).toContain(`[CI / test](${job}) failed`);
    expect(world.gitea.violations).toEqual([]);
  });
});
