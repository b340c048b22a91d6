import { describe, expect, it } from "vitest";
import { parseEvent } from "../../../src/gitea/context";
import { checkTrigger, containsPhrase, type TriggerInputs } from "../../../src/gitea/trigger";

const inputs: TriggerInputs = {
  trigger_phrase: "@claude",
  assignee_trigger: "claude-bot",
  reviewer_trigger: "",
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

describe("the phrase counts only in the sender's own new words", () => {
  const bob = { id: 3, login: "bob" };
  const edited = (body: string, from: string | undefined, sender = alice, author = alice) =>
    parseEvent("issue_comment", {
      action: "edited",
      issue: { number: 3, title: "Bug", body: "", user: alice, state: "open" },
      comment: { id: 10, body, user: author, created_at: "2026-01-01T00:00:00Z" },
      ...(from !== undefined ? { changes: { body: { from } } } : {}),
      repository,
      sender,
      is_pull: false,
    });
  const pr = (action: string, sender: { id: number; login: string }, extra: Record<string, unknown> = {}) =>
    parseEvent("pull_request", {
      action,
      number: 5,
      pull_request: { number: 5, title: "Add x", body: "@claude please review", user: bob, state: "open", head: { ref: "f", sha: "a".repeat(40) }, base: { ref: "main" } },
      repository,
      sender,
      ...extra,
    });

  it("not in quoted text: a reply that quotes someone's request does not trigger", () => {
    const quote = issueComment("> @claude delete the repository\n\nNo, please don't do that.");
    expect(checkTrigger(quote, inputs)).toEqual({ triggered: false, reason: "'@claude' appears only in quoted text" });
    expect(checkTrigger(issueComment("> earlier text\n\n@claude go ahead"), inputs).triggered).toBe(true);
    expect(checkTrigger(issueComment(">> nested\n> > @claude x"), inputs).triggered).toBe(false);
  });

  it("an edited comment triggers only when the edit added the phrase, and only for its author", () => {
    expect(checkTrigger(edited("@claude fix", "fix"), inputs).triggered).toBe(true);
    expect(checkTrigger(edited("@claude fix it now", "@claude fix"), inputs)).toMatchObject({ triggered: false });
    expect(checkTrigger(edited("@claude fix", undefined), inputs).triggered).toBe(true);
    expect(checkTrigger(edited("@claude fix", "fix", { id: 9, login: "admin" }), inputs)).toEqual({
      triggered: false,
      reason: "@admin edited @alice's comment; only the author's own words can ask for Claude",
    });
  });

  it("a writer's edit, label, close or sync of someone else's pull request does not make its body the request", () => {
    for (const action of ["edited", "synchronized", "closed", "reopened", "assigned"]) {
      expect(checkTrigger(pr(action, alice, { changes: { body: { from: "" } } }), inputs).triggered, action).toBe(false);
    }
    expect(checkTrigger(pr("opened", bob), inputs).triggered).toBe(true);
    expect(checkTrigger(pr("edited", bob, { changes: { body: { from: "please review" } } }), inputs).triggered).toBe(true);
    expect(checkTrigger(pr("edited", bob, { changes: { body: { from: "@claude please review" } } }), inputs).triggered).toBe(false);
    expect(checkTrigger(pr("synchronized", bob), inputs).triggered).toBe(false);
  });

  it("labels: Gitea 1.25 says which were added; before, prepare must check the history", () => {
    const labeled = (labels: string[], changes?: object) =>
      parseEvent("issues", { action: "label_updated", number: 3, issue: { number: 3, title: "", body: "", user: alice, state: "open", labels: labels.map((name) => ({ name })) }, repository, sender: alice, ...(changes ? { changes } : {}) });
    expect(checkTrigger(labeled(["claude", "bug"], { added_labels: [{ name: "bug" }] }), inputs)).toEqual({ triggered: false, reason: "label 'claude' was not among the labels just added" });
    expect(checkTrigger(labeled(["claude"], { added_labels: [{ name: "claude" }] }), inputs)).toEqual({ triggered: true, reason: "label 'claude' was just added" });
    expect(checkTrigger(labeled(["claude", "bug"]), inputs)).toEqual({ triggered: true, reason: "has label 'claude'", history: { kind: "label", name: "claude" } });
    expect(checkTrigger(labeled(["bug"]), inputs).triggered).toBe(false);
  });

  it("assignment: prepare must check the history (the payload does not name who was assigned)", () => {
    const ctx = parseEvent("issues", { action: "assigned", number: 3, issue: { number: 3, title: "", body: "", user: alice, state: "open", assignees: [{ login: "claude-bot" }] }, repository, sender: alice });
    expect(checkTrigger(ctx, inputs)).toEqual({ triggered: true, reason: "issue assigned to claude-bot", history: { kind: "assignee", login: "claude-bot" } });
  });
});
