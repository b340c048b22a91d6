import { describe, expect, it } from "vitest";
import { buildPrompt, estimateTokens, PromptError, type PromptInput } from "../../../src/prompt";
import { agentInput, dispatchInput, issueAssignedInput, issueCommentInput, prCommentInput } from "./fixtures";

const OVERRIDE = [
  "Repository: $REPOSITORY (event $EVENT_TYPE, PR: $IS_PR)",
  "PR $PR_NUMBER / issue $ISSUE_NUMBER",
  "PR title: $PR_TITLE / issue title: $ISSUE_TITLE",
  "PR body: $PR_BODY",
  "Issue body: $ISSUE_BODY",
  "PR comments:\n$PR_COMMENTS",
  "Issue comments:\n$ISSUE_COMMENTS",
  "Reviews:\n$REVIEW_COMMENTS",
  "Files:\n$CHANGED_FILES",
  "Trigger: $TRIGGER_COMMENT by $TRIGGER_USERNAME",
  "Branch $BRANCH_NAME into $BASE_BRANCH",
].join("\n");

const SCENARIOS: [string, PromptInput][] = [
  ["issue-comment", issueCommentInput()],
  ["pr-comment", prCommentInput()],
  ["issue-assigned", issueAssignedInput()],
  ["override-pr", prCommentInput({ overridePrompt: OVERRIDE })],
  ["override-issue", issueCommentInput({ overridePrompt: OVERRIDE })],
  ["agent", agentInput()],
  ["dispatch-progress", dispatchInput(true)],
  ["dispatch-no-progress", dispatchInput(false)],
];

describe("whole prompts", () => {
  for (const [name, input] of SCENARIOS) {
    it(`${name}`, async () => {
      const { text } = buildPrompt(input);
      await expect(text).toMatchFileSnapshot(`./__snapshots__/${name}.md`);
    });
  }

  it("speak of Gitea, never GitHub (workflow paths aside), and use no GitHub-only link forms", () => {
    for (const [name, input] of SCENARIOS) {
      const text = buildPrompt(input).text.replaceAll(".github/workflows", "");
      expect(text, name).not.toMatch(/github/i);
      expect(text, name).not.toMatch(/quick_pull|users\.noreply|user-attachments/);
    }
  });

  it("the tag prompt keeps the sections in order, custom instructions last", () => {
    const text = buildPrompt(prCommentInput({ directPrompt: "Focus on security.", customInstructions: "Be brief." })).text;
    const order = [
      "<formatted_context>",
      "<pr_or_issue_body>",
      "<comments>",
      "<review_comments>",
      "<changed_files>",
      "<attachments>",
      "<event_type>",
      "<is_pr>",
      "<trigger_context>",
      "<repository>",
      "<pr_number>",
      "<claude_comment_id>",
      "<trigger_username>",
      "<trigger_phrase>",
      "<trigger_comment>",
      "<direct_prompt>",
      "<comment_tool_info>",
      "<instructions>",
      "<capabilities>",
      "<custom_instructions>",
    ];
    const positions = order.map((t) => text.indexOf(t));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text.trimEnd().endsWith("</custom_instructions>")).toBe(true);
    expect(text).toContain("Your instructions are in the <direct_prompt> above.");
  });

  it("the dispatch prompt needs no issue data and mentions progress only with an endpoint", () => {
    const withProgress = buildPrompt(dispatchInput(true)).text;
    expect(withProgress).toContain("mcp__progress__update_claude_progress");
    expect(withProgress).toContain('"status": "in_progress"');
    expect(withProgress).toContain('"status": "completed"');
    expect(withProgress).toContain('"status": "failed"');
    expect(withProgress).toContain("prepared branch `claude/task-abc123-20260101-0000` (never another branch)");
    expect(buildPrompt(dispatchInput(false)).text).not.toContain("progress");
  });
});

describe("buildPrompt", () => {
  it("chooses the builder and reports inputs that had no effect", () => {
    expect(buildPrompt(issueCommentInput()).kind).toBe("tag");
    expect(buildPrompt(agentInput()).kind).toBe("agent");
    expect(buildPrompt(issueCommentInput({ overridePrompt: "Do $ISSUE_NUMBER" }))).toEqual({ text: "Do 12\n", kind: "override", notices: [] });
    expect(buildPrompt(agentInput({ overridePrompt: "Scheduled on $REPOSITORY" })).notices).toEqual([
      "custom_instructions is not added to override_prompt (it replaces the whole prompt); include it in the template.",
      "direct_prompt is not used when override_prompt is set.",
    ]);
    const d = buildPrompt(dispatchInput(true, { overridePrompt: "x" }));
    expect(d.kind).toBe("dispatch");
    expect(d.notices).toEqual(["override_prompt is ignored for a dispatched task: the task description is the request."]);
  });

  it("refuses inputs it cannot build from", () => {
    expect(() => buildPrompt(issueCommentInput({ data: undefined }))).toThrow(PromptError);
    expect(() => buildPrompt(agentInput({ directPrompt: "" }))).toThrow("agent mode needs direct_prompt or override_prompt");
    expect(() => buildPrompt(dispatchInput(true, { dispatch: { description: "<!-- -->", hasProgressEndpoint: true } }))).toThrow(PromptError);
  });

  it("agent prompt with an entity carries its context", () => {
    const text = buildPrompt(agentInput({ eventName: "pull_request", eventAction: "opened", data: prCommentInput().data, trackingCommentId: 9 })).text;
    expect(text).toContain("Pull request #7: Add CSV export");
    expect(text).toContain("<comment_tool_info>");
  });
});

describe("estimateTokens", () => {
  it("about three ASCII characters per token (erring high), one per other character", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abc")).toBe(1);
    expect(estimateTokens("abcd")).toBe(2);
    // Never below the common bytes/4 rule.
    for (const s of ["plain words here", "日本語テキスト", "emoji 😀😀", "x".repeat(1001)]) expect(estimateTokens(s)).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength(s) / 4));
    expect(estimateTokens("日本語")).toBe(3);
    expect(estimateTokens("😀")).toBe(1);
  });

  it("reports the canonical prompt sizes in a sane range", () => {
    for (const [name, input] of SCENARIOS) {
      const tokens = estimateTokens(buildPrompt(input).text);
      expect(tokens, name).toBeGreaterThan(50);
      expect(tokens, name).toBeLessThan(4000);
    }
  });
});
