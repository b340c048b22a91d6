/**
 * The canonical scenarios of the benchmark (and of the fault suite's clean
 * runs): an issue comment, a comment on a pull request with 300 changed files
 * and 200 comments, and a backend dispatch with a progress endpoint.
 */
import { issueCommentPayload, workflowDispatchPayload } from "../test/support/gitea/payloads";
import { REPO, USERS, type World } from "../test/support/scenario";

export type Scenario = {
  name: string;
  eventName: string;
  event: Record<string, unknown>;
  with: Record<string, string>;
};

export async function issueCommentScenario(world: World): Promise<Scenario> {
  const issue = world.gitea.createIssue(REPO, {
    title: "Greet people by name",
    body: "src/greet.js says hello; the README should say how to use it.",
    user: USERS.alice,
  });
  const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude please document greet() in the README" });
  return { name: "issue comment", eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, issue.index, c.id), with: {} };
}

let prBranches = 0;

/** A pull request with `files` changed files and `comments` comments (the last one is the trigger). */
export async function prCommentScenario(world: World, o: { files?: number; comments?: number } = {}): Promise<Scenario> {
  const nFiles = o.files ?? 300;
  const nComments = o.comments ?? 200;
  const files: Record<string, string> = {};
  for (let i = 1; i <= nFiles; i++) files[`src/module-${String(i).padStart(3, "0")}.ts`] = `export const value${i} = ${i};\n`;
  const head = `feature/big-change-${++prBranches}`;
  await world.gitea.commitFiles(REPO, head, files, `Add ${nFiles} modules`, USERS.alice);
  const pr = await world.gitea.createPullRequest(REPO, {
    title: "A big change",
    body: `Adds ${nFiles} modules.`,
    user: USERS.alice,
    head,
    base: "main",
  });
  for (let i = 1; i < nComments; i++) {
    world.gitea.addComment(REPO, pr.index, { user: i % 2 ? USERS.alice : USERS.bob, body: `Comment ${i}: looks ${i % 3 ? "fine" : "odd"} to me.` });
  }
  const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude review this change" });
  return {
    name: `PR comment (${nFiles} files, ${nComments} comments)`,
    eventName: "issue_comment",
    event: await issueCommentPayload(world.gitea, REPO, pr.index, c.id),
    with: {},
  };
}

export async function dispatchScenario(world: World, progressEndpoint: string, secret: string): Promise<Scenario> {
  const event = await workflowDispatchPayload(world.gitea, REPO, {
    workflow: "claude-dispatch.yml",
    sender: USERS.owner,
    inputs: {
      description: "Add a CHANGELOG.md with an Unreleased section",
      progress_endpoint: progressEndpoint,
      correlation_id: "bench-1",
    },
  });
  return { name: "dispatch", eventName: "workflow_dispatch", event, with: { progress_secret: secret } };
}
