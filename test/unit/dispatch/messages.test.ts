import { describe, expect, it } from "vitest";
import { finalUpdate, parseStructuredOutput, startUpdate } from "../../../src/dispatch/messages";

describe("the action's own updates", () => {
  it("starts with the first line of the description", () => {
    expect(startUpdate({ description: "\n  Fix the date parser  \nDetails follow" })).toEqual({
      status: "in_progress",
      message: "Claude started: Fix the date parser",
      completed_tasks: [],
      current_task: null,
    });
    expect(startUpdate({ description: "x".repeat(500) }).message.length).toBeLessThanOrEqual(16 + 200);
  });

  it("ends completed with branch, PR link and the parsed structured output", () => {
    const u = finalUpdate({
      conclusion: "success",
      branch: "claude/dispatch-1",
      links: { branchUrl: "https://g/src/branch/claude/dispatch-1", prUrl: "https://g/pulls/3", compareUrl: "https://g/compare/main...x" },
      structuredOutput: '{"verdict":"ok","n":2}',
    });
    expect(u).toEqual({
      status: "completed",
      message: "Claude finished. Pull request: https://g/pulls/3",
      completed_tasks: [],
      current_task: null,
      conclusion: "success",
      branch: "claude/dispatch-1",
      branch_url: "https://g/src/branch/claude/dispatch-1",
      pr_url: "https://g/pulls/3",
      structured_output: { verdict: "ok", n: 2 },
    });
  });

  it("ends failed with the first line of the error and a compare link", () => {
    const u = finalUpdate({ conclusion: "failure", branch: "b", links: { compareUrl: "https://g/compare/main...b" }, error: "timed out\nstack" });
    expect(u.status).toBe("failed");
    expect(u.message).toBe("Claude failed: timed out Changes: https://g/compare/main...b");
    expect(u.compare_url).toBe("https://g/compare/main...b");
    expect(u.pr_url).toBeUndefined();
    expect(u.structured_output).toBeUndefined();
    expect(finalUpdate({ conclusion: "cancelled" }).message).toBe("Claude failed (cancelled).");
  });

  it("parses structured output strings and ignores what is not JSON", () => {
    expect(parseStructuredOutput("")).toBeUndefined();
    expect(parseStructuredOutput("not json")).toBeUndefined();
    expect(parseStructuredOutput({ a: 1 })).toEqual({ a: 1 });
    expect(parseStructuredOutput("[1]")).toEqual([1]);
  });
});
