/**
 * The example workflows, installed in a repository, under Gitea's rules for
 * which runs an event starts (runner/gitea-runs.ts): no event starts any
 * example twice, and no example gives secrets to a run whose workflow file a
 * fork's pull request can define (review events run the PR head's file with
 * every secret; a fork's `pull_request` runs get none).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentHook, dispatchHook, issuesHook, labelHook, openedIssueHooks, pullRequestHook, reviewHook, scheduleHook, type HookEvent } from "../support/gitea/hooks";
import { planRuns } from "../support/runner/gitea-runs";
import { ROOT } from "../support/repo";
import { REPO, USERS, World } from "../support/scenario";

const EXAMPLES = join(ROOT, "examples");
const workflows = Object.fromEntries(
  readdirSync(EXAMPLES, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => [relative(EXAMPLES, join(e.parentPath, e.name)).replace(/^dispatch\//, ""), readFileSync(join(e.parentPath, e.name), "utf8")]),
);

let world: World;
beforeAll(async () => {
  const files: Record<string, string> = { "README.md": "# app\n" };
  for (const [name, text] of Object.entries(workflows)) files[`.gitea/workflows/${name}`] = text;
  world = await World.start({ files });
  world.gitea.addUser({ login: "carol" });
  await world.gitea.forkRepo(REPO, "carol");
});
afterAll(async () => world?.close());

let seen: Promise<[string, HookEvent][]> | undefined;
const events = () => (seen ??= makeEvents());

/** Every event a repository with all examples installed may see, on same-repository and fork pull requests. */
async function makeEvents(): Promise<[string, HookEvent][]> {
  const g = world.gitea;
  const out: [string, HookEvent][] = [];
  const issue = g.createIssue(REPO, { title: "@claude help", body: "@claude", user: USERS.alice, labels: ["claude"], assignees: [USERS.alice] });
  for (const e of await openedIssueHooks(g, REPO, issue.index)) out.push([`issue ${String(e.payload.action)}`, e]);
  const ic = g.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude do it" });
  out.push(["issue comment", await commentHook(g, REPO, issue.index, ic.id)]);
  out.push(["issue labeled", await labelHook(g, REPO, issue.index, USERS.alice, { added: ["claude"] })]);
  out.push(["issue assigned", await issuesHook(g, REPO, issue.index, "assigned", USERS.alice)]);

  await g.commitFiles(REPO, "feature/x", { "x.txt": "x\n" }, "X", USERS.alice);
  await g.commitFiles("carol/app", "fork-x", { "y.txt": "y\n" }, "Y", "carol");
  for (const [kind, pr] of [
    ["same-repository PR", await g.createPullRequest(REPO, { title: "X @claude", user: USERS.alice, head: "feature/x", base: "main" })],
    ["fork PR", await g.createPullRequest(REPO, { title: "Y @claude", user: "carol", head: "fork-x", base: "main", headRepo: "carol/app" })],
  ] as const) {
    g.createLabel(REPO, { name: "claude:resolve-conflicts" });
    g.setIssueLabels(REPO, pr.index, ["claude", "claude:resolve-conflicts"]);
    for (const action of ["opened", "synchronized", "reopened"] as const) out.push([`${kind} ${action}`, await pullRequestHook(g, REPO, pr.index, action, USERS.alice)]);
    out.push([`${kind} labeled`, await labelHook(g, REPO, pr.index, USERS.alice, { added: ["claude"] })]);
    const c = g.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude review" });
    out.push([`${kind} comment`, await commentHook(g, REPO, pr.index, c.id)]);
    for (const type of ["COMMENT", "APPROVED", "REQUEST_CHANGES"] as const) {
      const review = await g.addReview(REPO, pr.index, { user: USERS.bob, type, body: "@claude please" });
      out.push([`${kind} ${type} review`, await reviewHook(g, REPO, pr.index, review)]);
    }
  }
  out.push(["schedule", await scheduleHook(g, REPO)]);
  out.push(["dispatch", await dispatchHook(g, REPO, { workflow: "claude-dispatch.yml", inputs: { description: "x" }, sender: USERS.alice })]);
  return out;
}

describe("the examples under Gitea's run rules", () => {
  it("no event starts an example twice", async () => {
    const twice: string[] = [];
    const started = new Set<string>();
    for (const [name, event] of await events()) {
      const runs = await planRuns(world.gitea, event);
      for (const r of runs) started.add(r.workflow);
      const per = new Map<string, number>();
      for (const r of runs) per.set(r.workflow, (per.get(r.workflow) ?? 0) + 1);
      for (const [wf, n] of per) if (n > 1) twice.push(`${name}: ${wf} ×${n}`);
    }
    expect(twice).toEqual([]);
    // The events reach every example, so "never twice" is not true of nothing.
    expect([...started].sort()).toEqual(Object.keys(workflows).sort());
  });

  it("no example gives secrets to a run whose workflow file a fork's pull request defines", async () => {
    const exposed: string[] = [];
    const forkFileRuns: string[] = [];
    for (const [name, event] of await events()) {
      for (const r of await planRuns(world.gitea, event)) {
        // A fork's pull request defines the workflow files of its runs that are not read from this
        // repository's own branches (pull_request: refs/pull/N/head; reviews: the reviewed commit).
        const forkFile = name.startsWith("fork PR") && !r.ref.startsWith("refs/heads/");
        if (forkFile) forkFileRuns.push(`${r.workflow}:${r.eventName}`);
        if (forkFile && !r.secretsWithheld && /\bsecrets\.(?!GITHUB_TOKEN|GITEA_TOKEN)/.test(r.text)) exposed.push(`${name}: ${r.workflow} (${r.eventName}, ref ${r.ref})`);
      }
    }
    expect(exposed).toEqual([]);
    // Runs of a fork's own files were looked at (the review example's pull_request, secrets withheld).
    expect(forkFileRuns).toContain("claude-review.yml:pull_request");
  });
});
