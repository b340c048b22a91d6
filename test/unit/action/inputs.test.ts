import { describe, expect, it } from "vitest";
import { InputError, chosenModel, giteaToken, inertInputNotices, readInputs, readSomeInputs, splitList } from "../../../src/inputs";
import { actionYml } from "../../support/repo";

const defaults = Object.fromEntries(Object.entries(actionYml().inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v.default ?? ""]));
const read = (over: Record<string, string>) => readInputs({ ...defaults, INPUT_ANTHROPIC_API_KEY: "sk-test", ...over });

function problems(over: Record<string, string>) {
  try {
    read(over);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("readInputs", () => {
  it("parses lists, booleans, numbers and the v0.0.63 line formats", () => {
    const i = read({
      INPUT_ALLOWED_TOOLS: "Bash(npm test:*),Edit\nBash(git diff, git log)",
      INPUT_USE_STICKY_COMMENT: "TRUE",
      INPUT_MAX_TURNS: "12",
      INPUT_TIMEOUT_MINUTES: "0.5",
      INPUT_CLAUDE_ENV: "# comment\nNODE_ENV: test\nURL: http://x:1/y\n\n",
      INPUT_ALLOWED_BOTS: "Renovate[bot], deploy-bot",
      INPUT_ASSIGNEE_TRIGGER: "@claude-bot",
      INPUT_ADDITIONAL_PERMISSIONS: "actions: read",
    });
    expect(i.allowed_tools).toEqual(["Bash(npm test:*)", "Edit", "Bash(git diff, git log)"]);
    expect(i.use_sticky_comment).toBe(true);
    expect(i.max_turns).toBe(12);
    expect(i.timeout_minutes).toBe(0.5);
    expect(i.claude_env).toEqual({ NODE_ENV: "test", URL: "http://x:1/y" });
    expect(i.allowed_bots).toEqual(["renovate[bot]", "deploy-bot"]);
    expect(i.assignee_trigger).toBe("claude-bot");
    expect(i.additional_permissions).toEqual({ actions: "read" });
    expect(read({ INPUT_ALLOWED_BOTS: " * " }).allowed_bots).toBe("*");
  });

  it("names each bad input and what was expected, all at once", () => {
    const found = problems({
      INPUT_TIMEOUT_MINUTES: "soon",
      INPUT_MAX_TURNS: "-1",
      INPUT_USE_STICKY_COMMENT: "yes",
      INPUT_MODE: "review",
      INPUT_BRANCH_PREFIX: "claude bot/",
      INPUT_GITEA_SERVER_URL: "gitea.example.com",
      INPUT_CLAUDE_ENV: "JUST_A_NAME",
      INPUT_PROGRESS_ALLOWED_HOSTS: "https://api.example.com/x",
    });
    expect(Object.fromEntries(found.map((p) => [p.input, p.message]))).toEqual({
      timeout_minutes: `expected a number of minutes greater than 0 and at most 1440 (e.g. 30 or 0.5), got "soon"`,
      max_turns: `expected a whole number from 1 to 10000, got "-1"`,
      use_sticky_comment: `expected 'true' or 'false', got "yes"`,
      mode: `expected 'tag' or 'agent', got "review"`,
      branch_prefix: `expected a prefix that gives branch names git accepts (e.g. 'claude/' or 'claude-'): with it, 'claude bot/issue-1-20260101-1200' is not a valid branch name because it contains " "; got "claude bot/"`,
      gitea_server_url: `expected the public http(s) URL of your Gitea, e.g. https://gitea.example.com: it is not a URL, got "gitea.example.com"`,
      claude_env: `line 1 is not 'NAME: value' with NAME a valid variable name (got "JUST_A_NAME")`,
      progress_allowed_hosts: `expected host names such as api.example.com, got "https://api.example.com/x"`,
    });
  });

  it("requires credentials and never echoes a secret", () => {
    const found = problems({ INPUT_ANTHROPIC_API_KEY: "" });
    expect(found.map((p) => p.input)).toEqual(["anthropic_api_key"]);
    const bad = problems({ INPUT_CLAUDE_CREDENTIALS: '{"secretish":"sk-ant-oat-very-secret"}' });
    expect(bad[0]!.input).toBe("claude_credentials");
    expect(JSON.stringify(bad)).not.toContain("very-secret");
    expect(read({ INPUT_ANTHROPIC_API_KEY: "", INPUT_CLAUDE_CREDENTIALS: '{"claudeAiOauth":{"accessToken":"at-1"}}' }).claude_credentials).toEqual({ accessToken: "at-1" });
    expect(read({ INPUT_ANTHROPIC_API_KEY: "", INPUT_USE_BEDROCK: "true" }).use_bedrock).toBe(true);
  });

  it("rejects an empty trigger phrase and git identity instead of inventing defaults", () => {
    expect(problems({ INPUT_TRIGGER_PHRASE: "  " }).map((p) => p.input)).toEqual(["trigger_phrase"]);
    expect(problems({ INPUT_CLAUDE_GIT_NAME: "" }).map((p) => p.input)).toEqual(["claude_git_name"]);
  });

  it("reads only what finish needs", () => {
    expect(readSomeInputs(["gitea_token", "progress_secret"], { INPUT_GITEA_TOKEN: " t " })).toEqual({ gitea_token: "t", progress_secret: "" });
  });

  it("resolves the token and the model like v0.0.63", () => {
    expect(giteaToken({ gitea_token: "", github_token: "gh" }, "job")).toBe("gh");
    expect(giteaToken({ gitea_token: "gt", github_token: "gh" }, "job")).toBe("gt");
    expect(giteaToken({ gitea_token: "", github_token: "" }, "job")).toBe("job");
    expect(chosenModel({ model: "", anthropic_model: "old" })).toBe("old");
    expect(chosenModel({ model: "new", anthropic_model: "old" })).toBe("new");
  });

  it("says once which inputs cannot act on Gitea", () => {
    expect(inertInputNotices(read({}))).toEqual([]);
    const notes = inertInputNotices(read({ INPUT_ADDITIONAL_PERMISSIONS: "actions: read\nchecks: read", INPUT_EXPERIMENTAL_ALLOWED_DOMAINS: "a.com\nb.com", INPUT_USE_NODE_CACHE: "true", INPUT_PATH_TO_BUN_EXECUTABLE: "/x/bun" }));
    // path_to_bun_executable has an effect now: it reaches the base action.
    expect(notes).toHaveLength(3);
    // `actions: read` offers the CI tools; the other lines have no effect.
    expect(notes[0]).toContain("additional_permissions (checks: read) has no effect on Gitea");
    expect(inertInputNotices(read({ INPUT_ADDITIONAL_PERMISSIONS: "actions: read" }))).toEqual([]);
  });

  it("checks every value by its rule: refs, logins, e-mails, models, secrets, URLs, bounds", () => {
    const bad: Record<string, string> = {
      INPUT_BRANCH_PREFIX: "claude//",
      INPUT_BASE_BRANCH: "feature/.hidden",
      INPUT_ASSIGNEE_TRIGGER: "alice, bob",
      INPUT_ALLOWED_BOTS: "renovate bot",
      INPUT_CLAUDE_GIT_EMAIL: "claude at example.com",
      INPUT_CLAUDE_GIT_NAME: "Claude <bot>",
      INPUT_MODEL: "claude sonnet",
      INPUT_FALLBACK_MODEL: "claude-opus-4-1, claude x",
      INPUT_GITEA_TOKEN: "abc\ndef",
      INPUT_PROGRESS_SECRET: "abc",
      INPUT_MAX_TURNS: "100000000000000000000000",
      INPUT_TIMEOUT_MINUTES: "100000",
      INPUT_GITEA_SERVER_URL: "https://admin:pw@gitea.example.com",
      INPUT_TRIGGER_PHRASE: "@claude\nplease",
      INPUT_ADDITIONAL_PERMISSIONS: "actions: maybe",
      INPUT_EXPERIMENTAL_ALLOWED_DOMAINS: "https://example.com/x",
    };
    const found = Object.fromEntries(problems(bad).map((p) => [p.input, p.message]));
    expect(Object.keys(found).sort()).toEqual(
      [
        "branch_prefix",
        "base_branch",
        "assignee_trigger",
        "allowed_bots",
        "claude_git_email",
        "claude_git_name",
        "model",
        "fallback_model",
        "gitea_token",
        "progress_secret",
        "max_turns",
        "timeout_minutes",
        "gitea_server_url",
        "trigger_phrase",
        "additional_permissions",
        "experimental_allowed_domains",
      ].sort(),
    );
    expect(found.branch_prefix).toMatch(/contains '\/\/'/);
    expect(found.assignee_trigger).toMatch(/more than one name/);
    expect(found.progress_secret).toMatch(/3 characters long, shorter than 24 \(value not shown\)/);
    expect(found.gitea_token).toMatch(/line break .*\(value not shown\)/);
    expect(found.gitea_server_url).toMatch(/user name or password .*"https:\/\/\*\*\*@gitea.example.com"/);
    expect(JSON.stringify(found)).not.toContain("admin:pw");
    expect(JSON.stringify(found)).not.toContain("abc\\ndef");
  });

  it("accepts the values people use", () => {
    const i = read({
      INPUT_BRANCH_PREFIX: "bots/claude-",
      INPUT_BASE_BRANCH: "release/1.x",
      INPUT_ASSIGNEE_TRIGGER: "@claude.bot",
      INPUT_CLAUDE_GIT_EMAIL: "1234+claude@noreply.gitea.example.com",
      INPUT_MODEL: "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      INPUT_FALLBACK_MODEL: "claude-sonnet-4-5@20250929, claude-opus-4-1[1m]",
      INPUT_PROGRESS_SECRET: "0123456789abcdef01234567",
      INPUT_MAX_TURNS: "10000",
      INPUT_TIMEOUT_MINUTES: "1440",
      INPUT_GITEA_SERVER_URL: "https://example.com/gitea/",
      INPUT_EXPERIMENTAL_ALLOWED_DOMAINS: ".anthropic.com\n*.example.com\napi.github.com",
    });
    expect(i.fallback_model).toBe("claude-sonnet-4-5@20250929,claude-opus-4-1[1m]");
    expect(i.gitea_server_url).toBe("https://example.com/gitea");
    expect(i.assignee_trigger).toBe("claude.bot");
  });

  it("splits lists without breaking parentheses", () => {
    expect(splitList("a, b(c, d),\n e ,,")).toEqual(["a", "b(c, d)", "e"]);
  });
});
