/**
 * A triage workflow written for the earlier Gitea forks, unchanged, through
 * action.yml: its allowed_tools name the fork's tools. The old
 * mcp__gitea__update_issue becomes mcp__gitea__set_labels (with a notice), so
 * Claude still labels the issue; a misspelt gitea tool gets a warning naming
 * the closest one; an old tool with no replacement fails the step before
 * anything is posted, naming what to use.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { issuesPayload } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { REPO, USERS, World, step } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
  world.gitea.createLabel(REPO, { name: "bug" });
  world.gitea.createLabel(REPO, { name: "question" });
});
afterAll(async () => world?.close());

const TRIAGE_PROMPT = "Triage this issue: read it and apply the fitting labels.";

it("the fork's triage tools (mcp__gitea__update_issue, …) still label the issue, with notices to rename them", { timeout: 180_000 }, async () => {
  const issue = world.gitea.createIssue(REPO, { title: "App crashes on start", body: "It crashes.", user: USERS.alice });
  const event = await issuesPayload(world.gitea, REPO, issue.index, "opened", USERS.alice);
  world.script([
    { reply: [toolUse("mcp__gitea__list_labels", {})] },
    { reply: [toolUse("mcp__gitea__set_labels", { labels: ["bug"], mode: "add" })] },
    { reply: [text("Labelled bug.")] },
  ]);
  const result = await world.runAction({
    eventName: "issues",
    event,
    with: { direct_prompt: TRIAGE_PROMPT, allowed_tools: "mcp__gitea__get_issue,mcp__gitea__update_issue,mcp__gitea__get_isue" },
  });
  expect(result.success, result.log).toBe(true);
  world.model.assertDone();
  expect(world.gitea.issueLabels(REPO, issue.index)).toEqual(["bug"]);
  const prepare = step(result, "prepare")?.log ?? "";
  expect(prepare).toMatch(/mcp__gitea__update_issue is a tool of an earlier Gitea fork; it is now mcp__gitea__set_labels/);
  expect(result.annotations.some((a) => a.level === "warning" && /mcp__gitea__get_isue is not a tool of the gitea server.*Did you mean mcp__gitea__get_issue\?/.test(a.message))).toBe(true);
  expect(result.outputs.conclusion).toBe("success");
});

it("an old tool without a replacement fails the step before anything is posted, naming what to use", { timeout: 120_000 }, async () => {
  const issue = world.gitea.createIssue(REPO, { title: "Merge it", body: "Please.", user: USERS.alice });
  const event = await issuesPayload(world.gitea, REPO, issue.index, "opened", USERS.alice);
  const before = world.model.requests.length;
  const result = await world.runAction({ eventName: "issues", event, with: { direct_prompt: "Merge the open PR.", allowed_tools: "mcp__gitea__merge_pull_request" } });
  expect(result.success).toBe(false);
  expect(result.outputs.conclusion).toBe("failure");
  expect(result.annotations.some((a) => a.level === "error" && /Invalid input 'allowed_tools': mcp__gitea__merge_pull_request was a tool of an earlier Gitea fork and has no replacement: Claude does not merge/.test(a.message))).toBe(true);
  expect(world.gitea.listComments(REPO, issue.index)).toEqual([]);
  expect(world.model.requests.length).toBe(before);
});
