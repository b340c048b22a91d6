import { describe, expect, it } from "vitest";
import { ConfigError, giteaMcpEnv, parseConfig } from "../../../src/mcp/gitea/config";
import {
  ALL_GITEA_TOOLS,
  DEFAULT_WRITE_TOOLS,
  EXPLICIT_TOOLS,
  READ_ONLY_TOOLS,
  SIGNING_TOOLS,
  WRITE_TOOLS,
  defaultAllowedGiteaTools,
  giteaToolId,
} from "../../../src/mcp/gitea/names";
import { GITEA_TOOL_DEFINITIONS } from "../../../src/mcp/gitea/tools/index";

const TOKEN = "gto_very_secret_value";

describe("parseConfig", () => {
  it("reads the env prepare writes, with the token from the inherited env", () => {
    const env = {
      ...giteaMcpEnv({
        apiUrl: "http://gitea:3000/api/v1/",
        repository: "acme/widgets",
        publicUrl: "https://gitea.example.com/",
        commentId: 501,
        entityNumber: 12,
        isPR: false,
        branch: "claude/issue-12",
        baseBranch: "main",
        workspace: "/ws",
        gitName: "Claude",
        gitEmail: "c@example.com",
      }),
      GITEA_TOKEN: TOKEN,
      ANTHROPIC_API_KEY: "sk-ant-key-value",
    };
    expect(Object.values(env)).toContain(TOKEN); // only because the test added it
    expect(parseConfig(env)).toEqual({
      apiUrl: "http://gitea:3000/api/v1",
      owner: "acme",
      repo: "widgets",
      repository: "acme/widgets",
      publicUrl: "https://gitea.example.com",
      commentId: 501,
      entityNumber: 12,
      isPR: false,
      branch: "claude/issue-12",
      baseBranch: "main",
      workspace: "/ws",
      gitName: "Claude",
      gitEmail: "c@example.com",
      token: TOKEN,
      secrets: [TOKEN, "sk-ant-key-value"],
    });
  });

  it("giteaMcpEnv never carries a secret", () => {
    const env = giteaMcpEnv({ apiUrl: "http://g/api/v1", repository: "a/b", workspace: "/ws" });
    expect(Object.keys(env).sort()).toEqual(["GITEA_API_URL", "GITEA_REPOSITORY", "GITHUB_WORKSPACE"]);
  });

  it("treats blank optional values as absent and applies defaults", () => {
    const c = parseConfig({ GITEA_API_URL: "https://g/api/v1", GITEA_REPOSITORY: "a/b", GITEA_TOKEN: TOKEN, CLAUDE_COMMENT_ID: "", CLAUDE_BRANCH: " " }, "/cwd");
    expect(c).toMatchObject({ workspace: "/cwd", gitName: "Claude", gitEmail: "claude@anthropic.com", isPR: false });
    expect(c.commentId).toBeUndefined();
    expect(c.branch).toBeUndefined();
  });

  it("names every bad variable and never prints a value", () => {
    let error: unknown;
    try {
      parseConfig({ GITEA_API_URL: `ftp://${TOKEN}`, GITEA_REPOSITORY: "nope", CLAUDE_COMMENT_ID: "12abc", GITEA_IS_PR: "yes", CLAUDE_BRANCH: "bad..name" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toBe(
      [
        "gitea MCP server: bad configuration:",
        "- GITEA_API_URL must be an http(s) URL",
        "- GITEA_REPOSITORY must be 'owner/name'",
        "- CLAUDE_COMMENT_ID must be a positive whole number",
        "- GITEA_IS_PR must be 'true' or 'false'",
        "- CLAUDE_BRANCH is not a valid branch name",
        "- GITEA_TOKEN is not set (the run step passes the token in its env)",
      ].join("\n"),
    );
    expect(message).not.toContain(TOKEN);
  });
});

describe("tool names", () => {
  it("every tool is in exactly one safety group, and every group names real tools", () => {
    const defined = GITEA_TOOL_DEFINITIONS.map((t) => t.name).sort();
    expect([...ALL_GITEA_TOOLS].sort()).toEqual(defined);
    expect(READ_ONLY_TOOLS.filter((t) => WRITE_TOOLS.includes(t))).toEqual([]);
    expect([...DEFAULT_WRITE_TOOLS, ...SIGNING_TOOLS, ...EXPLICIT_TOOLS].sort()).toEqual([...WRITE_TOOLS].sort());
    for (const t of GITEA_TOOL_DEFINITIONS) expect(t.annotations.readOnlyHint, t.name).toBe(READ_ONLY_TOOLS.includes(t.name));
  });

  it("default allowed tools: read-only and the comment tool, plus commit_files with commit signing", () => {
    expect(defaultAllowedGiteaTools({ useCommitSigning: false })).toEqual([
      "mcp__gitea__get_issue",
      "mcp__gitea__get_pull_request",
      "mcp__gitea__list_comments",
      "mcp__gitea__list_pull_request_files",
      "mcp__gitea__get_pull_request_file_diff",
      "mcp__gitea__list_pull_request_commits",
      "mcp__gitea__list_pull_request_reviews",
      "mcp__gitea__list_review_comments",
      "mcp__gitea__get_file_contents",
      "mcp__gitea__list_branches",
      "mcp__gitea__list_labels",
      "mcp__gitea__update_claude_comment",
    ]);
    expect(defaultAllowedGiteaTools({ useCommitSigning: true })).toContain(giteaToolId("commit_files"));
    for (const t of EXPLICIT_TOOLS) expect(defaultAllowedGiteaTools({ useCommitSigning: true })).not.toContain(giteaToolId(t));
  });
});
