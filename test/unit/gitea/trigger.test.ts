import { describe, expect, it } from "vitest";
import { parseEvent } from "../../../src/gitea/context";
import { checkTrigger, containsPhrase, type TriggerInputs } from "../../../src/gitea/trigger";

const inputs: TriggerInputs = {
  trigger_phrase: "@claude",
  assignee_trigger: "claude-bot",
  label_trigger: "claude",
  direct_prompt: "",
  override_prompt: "",
  mode: "tag",
};

const repository = { full_name: "acme/app", name: "app", owner: { login: "acme" }, default_branch: "main", html_url: "https://git.example.com/acme/app" };
const alice = { id: 2, login: "alice" };

function issueComment(body: string, action = "created") {
  return parseEvent("issue_comment", {
    action,
    issue: { number: 3, title: "Bug", body: "", user: alice, state: "open" },
    comment: { id: 10, body, user: alice, created_at: "2026-01-01T00:00:00Z" },
    repository,
    sender: alice,
    is_pull: false,
  });
}

function issues(action: string, issue: Record<string, unknown>) {
  return parseEvent("issues", { action, number: 3, issue: { number: 3, title: "", body: "", user: alice, state: "open", ...issue }, repository, sender: alice });
}

describe("containsPhrase", () => {
  it.each([
    ["@claude fix it", true],
    ["please @claude, fix", true],
    ["@claude", true],
    ["hey @claude!", true],
    ["line\n@claude: do", true],
    ["email@claude.com", false],
    ["@claudebot", false],
    ["x@claude", false],
    ["(@claude)", false],
  ])("%j → %s", (text, expected) => {
    expect(containsPhrase(text, "@claude")).toBe(expected);
  });

  it("escapes regex characters in the phrase", () => {
    expect(containsPhrase("ask /ai+ now", "/ai+")).toBe(true);
    expect(containsPhrase("ask /aii now", "/ai+")).toBe(false);
  });
});

describe("checkTrigger", () => {
  it("triggers on a comment with the phrase and not without", () => {
    expect(checkTrigger(issueComment("@claude help"), inputs).triggered).toBe(true);
    expect(checkTrigger(issueComment("nothing to see"), inputs)).toEqual({ triggered: false, reason: "comment does not contain '@claude'" });
  });

  it("does not trigger on a deleted comment", () => {
    expect(checkTrigger(issueComment("@claude help", "deleted"), inputs).triggered).toBe(false);
  });

  it("triggers on an opened issue by title or body", () => {
    expect(checkTrigger(issues("opened", { title: "@claude add tests" }), inputs).triggered).toBe(true);
    expect(checkTrigger(issues("opened", { body: "Could @claude look?" }), inputs).triggered).toBe(true);
    expect(checkTrigger(issues("edited", { body: "@claude" }), inputs).triggered).toBe(false);
  });

  it("uses issue.assignees for the assignee trigger (Gitea has no top-level assignee)", () => {
    expect(checkTrigger(issues("assigned", { assignees: [{ id: 9, login: "claude-bot" }] }), inputs).triggered).toBe(true);
    expect(checkTrigger(issues("assigned", { assignee: { id: 9, login: "claude-bot" } }), inputs).triggered).toBe(true);
    expect(checkTrigger(issues("assigned", { assignees: [{ id: 4, login: "bob" }] }), inputs).triggered).toBe(false);
    expect(checkTrigger(issues("assigned", { assignees: [{ id: 9, login: "claude-bot" }] }), { ...inputs, assignee_trigger: "" }).triggered).toBe(false);
  });

  it("uses issue.labels on label_updated", () => {
    expect(checkTrigger(issues("label_updated", { labels: [{ id: 1, name: "claude" }] }), inputs).triggered).toBe(true);
    expect(checkTrigger(issues("label_updated", { labels: [{ id: 1, name: "bug" }] }), inputs).triggered).toBe(false);
    expect(checkTrigger(issues("label_updated", { labels: [{ id: 1, name: "claude" }] }), { ...inputs, label_trigger: "" }).triggered).toBe(false);
  });

  it("reads review content on Gitea review events", () => {
    const pr = { number: 5, title: "PR", body: "", user: alice, state: "open" };
    const review = parseEvent("pull_request_review", { action: "reviewed", number: 5, pull_request: pr, review: { type: "pull_request_review_comment", content: "@claude why?" }, repository, sender: alice });
    expect(checkTrigger(review, inputs).triggered).toBe(true);
    const inline = parseEvent("pull_request_review_comment", { action: "reviewed", number: 5, pull_request: pr, review: { type: "", content: "no trigger" }, repository, sender: alice });
    expect(checkTrigger(inline, inputs).triggered).toBe(false);
  });

  it("direct_prompt always triggers", () => {
    expect(checkTrigger(issueComment("no phrase"), { ...inputs, direct_prompt: "Review this" }).triggered).toBe(true);
    const schedule = parseEvent("schedule", { repository, sender: alice });
    expect(checkTrigger(schedule, inputs).triggered).toBe(false);
    expect(checkTrigger(schedule, { ...inputs, direct_prompt: "Nightly docs" }).triggered).toBe(true);
  });

  it("agent mode needs a prompt", () => {
    expect(checkTrigger(issueComment("@claude"), { ...inputs, mode: "agent" }).triggered).toBe(false);
    expect(checkTrigger(issueComment("x"), { ...inputs, mode: "agent", override_prompt: "Do $REPOSITORY" }).triggered).toBe(true);
  });
});

describe("label_updated with Gitea 1.25's changes", () => {
  it("triggers only when label_trigger is among the labels added now", async () => {
    const { parseEvent } = await import("../../../src/gitea/context");
    const { checkTrigger } = await import("../../../src/gitea/trigger");
    const base = { number: 1, title: "", body: "", user: { id: 3, login: "bob" }, state: "open", labels: [{ name: "claude" }, { name: "bug" }] };
    const ev = (changes?: object) =>
      parseEvent("issues", { action: "label_updated", number: 1, issue: base, repository: { full_name: "acme/app" }, sender: { id: 2, login: "alice" }, ...(changes ? { changes } : {}) });
    const inputs = { trigger_phrase: "@claude", assignee_trigger: "", label_trigger: "claude", direct_prompt: "", override_prompt: "", mode: "tag" as const };
    expect(checkTrigger(ev({ added_labels: [{ name: "claude" }], removed_labels: null }), inputs).triggered).toBe(true);
    expect(checkTrigger(ev({ added_labels: [{ name: "bug" }], removed_labels: null }), inputs)).toEqual({ triggered: false, reason: "label 'claude' was not added by this change" });
    expect(checkTrigger(ev({ added_labels: null, removed_labels: [{ name: "wontfix" }] }), inputs).triggered).toBe(false);
    // 1.22–1.24 say nothing about the change: the label being there is all there is to go on.
    expect(checkTrigger(ev(), inputs).triggered).toBe(true);
  });
});
