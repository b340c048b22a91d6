/**
 * Tool names of the earlier Gitea forks in allowed_tools / disallowed_tools:
 * mapped to the tool that replaces each (notice), refused without one
 * (naming why and what to use), and any other mcp__gitea__ name that is no
 * tool of the server warned about with the closest tool — computed from the
 * server's own name list, so a tool added there is suggested at once.
 */
import { describe, expect, it } from "vitest";
import { planClaude } from "../../../src/claude/plan";
import { LEGACY_TOOLS, checkToolRule } from "../../../src/mcp/gitea/legacy-names";
import { ALL_GITEA_TOOLS, giteaToolId } from "../../../src/mcp/gitea/names";
import { claudeInputs, tempDir } from "../claude/fixtures";

describe("old tool names", () => {
  it("maps the triage workflow's mcp__gitea__update_issue to set_labels, with a notice", () => {
    const r = checkToolRule("mcp__gitea__update_issue", "allowed");
    expect(r.rules).toEqual(["mcp__gitea__set_labels"]);
    expect(r.notice).toMatch(/mcp__gitea__update_issue is a tool of an earlier Gitea fork; it is now mcp__gitea__set_labels \(it sets labels/);
    expect(r.error).toBeUndefined();
  });

  it("maps the comment and git tools to their replacements", () => {
    expect(checkToolRule("mcp__gitea__add_issue_comment", "allowed").rules).toEqual(["mcp__gitea__update_claude_comment"]);
    expect(checkToolRule("mcp__gitea__get_issue_comments", "allowed").rules).toEqual(["mcp__gitea__list_comments"]);
    expect(checkToolRule("mcp__local_git_ops__commit_files", "allowed").rules).toEqual(["mcp__gitea__commit_files"]);
    expect(checkToolRule("mcp__local_git_ops__create_pull_request", "allowed").rules).toEqual(["mcp__gitea__create_pull_request"]);
    expect(checkToolRule("mcp__github_file_ops__commit_files", "allowed").rules).toEqual(["mcp__gitea__commit_files"]);
  });

  it("refuses an old tool without a replacement in allowed_tools, naming why and what to use; drops it from disallowed_tools", () => {
    const merge = checkToolRule("mcp__gitea__merge_pull_request", "allowed");
    expect(merge.rules).toEqual([]);
    expect(merge.error).toMatch(/mcp__gitea__merge_pull_request was a tool of an earlier Gitea fork and has no replacement: Claude does not merge: a person merges\. Remove it/);
    expect(checkToolRule("mcp__local_git_ops__push_branch", "allowed").error).toMatch(/git push of the working branch is allowed by default/);
    const denied = checkToolRule("mcp__gitea__merge_pull_request", "disallowed");
    expect(denied).toEqual({ rules: [], notice: expect.stringMatching(/forbidding it has no effect/) });
  });

  it("every old name maps to a tool the gitea server has", () => {
    for (const [old, fate] of Object.entries(LEGACY_TOOLS)) {
      if ("to" in fate) expect(ALL_GITEA_TOOLS, old).toContain(fate.to);
      else expect(fate.none.length, old).toBeGreaterThan(10);
    }
  });

  it("warns about an mcp__gitea__ name that is no tool, with the closest tool computed from the server's list", () => {
    expect(checkToolRule("mcp__gitea__get_isue", "allowed").warning).toMatch(/mcp__gitea__get_isue is not a tool of the gitea server; the rule matches nothing\. Did you mean mcp__gitea__get_issue\?/);
    expect(checkToolRule("mcp__gitea__list_label", "allowed").warning).toMatch(/Did you mean mcp__gitea__list_labels\?/);
    for (const name of ALL_GITEA_TOOLS) {
      // One letter dropped from each real tool's name still finds that tool.
      const typo = giteaToolId(name).slice(0, -1);
      expect(checkToolRule(typo, "allowed").warning, typo).toContain(`Did you mean ${giteaToolId(name)}?`);
      expect(checkToolRule(giteaToolId(name), "allowed")).toEqual({ rules: [giteaToolId(name)] });
    }
    expect(checkToolRule("mcp__gitea__zzzzzzzzzzzzzzzz", "allowed").warning).toContain(`its tools: ${ALL_GITEA_TOOLS.join(", ")}`);
  });

  it("leaves other tools, wildcards and the user's own servers alone", () => {
    expect(checkToolRule("Bash(npm test:*)", "allowed")).toEqual({ rules: ["Bash(npm test:*)"] });
    expect(checkToolRule("mcp__gitea__*", "allowed")).toEqual({ rules: ["mcp__gitea__*"] });
    expect(checkToolRule("mcp__mine__anything", "allowed")).toEqual({ rules: ["mcp__mine__anything"] });
    // A server of the user's named like an old one is the user's.
    expect(checkToolRule("mcp__local_git_ops__push_branch", "allowed", ["local_git_ops"])).toEqual({ rules: ["mcp__local_git_ops__push_branch"] });
  });

  it("applies to allowed_tools, disallowed_tools and claude_args's tool lists in the plan", async () => {
    const ws = tempDir();
    const plan = await planClaude(
      claudeInputs({ allowed_tools: ["mcp__gitea__update_issue", "mcp__gitea__get_isue"], disallowed_tools: ["mcp__gitea__delete_issue_comment"], claude_args: "--allowedTools mcp__local_git_ops__commit_files" }),
      { workspace: ws, toolRule: checkToolRule },
    );
    expect(plan.allowedTools).toEqual(["mcp__gitea__set_labels", "mcp__gitea__get_isue", "mcp__gitea__commit_files"]);
    expect(plan.disallowedTools).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringMatching(/Did you mean mcp__gitea__get_issue\?/)]);
    expect(plan.notices.filter((n) => /earlier Gitea fork/.test(n))).toHaveLength(3);
    await expect(planClaude(claudeInputs({ allowed_tools: ["mcp__gitea__create_issue"] }), { workspace: ws, toolRule: checkToolRule })).rejects.toThrow(
      /Invalid input 'allowed_tools': mcp__gitea__create_issue was a tool of an earlier Gitea fork and has no replacement/,
    );
  });
});
