/**
 * The bad-input corpus (run by bad-inputs.test.ts): event payloads, every
 * input of action.yml, claude_args flags, the files they name, JSON schemas,
 * MCP configs, settings, dispatch payloads and progress endpoints that cannot
 * work. Each case says what the error must name.
 */
import { SECRETS } from "../support/scenario";
import type { Receiver } from "../../examples/dispatch/receiver";

export type Json = Record<string, unknown>;

export type Case = {
  name: string;
  /** What the error must name, as it appears in the message. */
  names: string;
  with?: Record<string, string>;
  /** Event: the issue_comment payload (changed by `event`), or another event. */
  eventName?: string;
  event?: (base: Json, ctx: { receiver: Receiver }) => Json | Promise<Json>;
  /** Raw text written as the event payload file instead. */
  rawEvent?: string;
  /** Files written into the workspace first (a value `null` makes a directory). */
  files?: Record<string, string | null>;
  /** What `claude --version` prints (default: the pinned CLI). */
  cliVersion?: string;
  /** A dispatch that names a usable endpoint: the backend is told it failed (nothing reaches Gitea or the model). */
  tellsBackend?: boolean;
};

const clone = (o: Json): Json => JSON.parse(JSON.stringify(o)) as Json;
const edit = (f: (p: Json) => void) => (base: Json) => {
  const p = clone(base);
  f(p);
  return p;
};
const obj = (v: unknown) => v as Json;

export const input = (name: string) => `'${name}'`;
const field = (name: string) => `payload field '${name}'`;

export const LONG_KEY = `sk-ant-api03-${"Zx9".repeat(30)}-AA`; // a realistic length (108 characters)

export function dispatch(endpoint: string, more: Json = {}): Json {
  return { inputs: { description: "Tidy the README", progress_endpoint: endpoint, correlation_id: "c-3", ...more } };
}

/** A dispatch whose endpoint is the test receiver: the backend must hear of the failure. */
const toReceiver = (extra: Partial<Case>): Partial<Case> => ({
  eventName: "workflow_dispatch",
  event: (_, { receiver }) => dispatch(receiver.url),
  tellsBackend: true,
  ...extra,
  with: { progress_secret: SECRETS.progressSecret, ...extra.with },
});

const EXISTING: Case[] = [
  // ── Event payloads ───────────────────────────────────────────────────────
  { name: "payload file is not JSON", names: "GITHUB_EVENT_PATH", rawEvent: "{ this is not json" },
  { name: "payload is an array", names: field("(payload)"), event: () => [] as unknown as Json },
  { name: "no repository", names: field("repository"), event: edit((p) => delete p.repository) },
  { name: "repository without full_name", names: field("repository.full_name"), event: edit((p) => delete obj(p.repository).full_name) },
  {
    name: "repository.full_name is not owner/name",
    names: field("repository.full_name"),
    event: edit((p) => {
      const r = obj(p.repository);
      r.full_name = "justaname";
      delete r.owner;
      delete r.name;
    }),
  },
  { name: "no sender", names: field("sender"), event: edit((p) => delete p.sender) },
  { name: "sender.login is a number", names: field("sender.login"), event: edit((p) => (obj(p.sender).login = 42)) },
  { name: "issue_comment without comment", names: field("comment"), event: edit((p) => delete p.comment) },
  { name: "comment.id is a string", names: field("comment.id"), event: edit((p) => (obj(p.comment).id = "12")) },
  { name: "comment without user", names: field("comment.user"), event: edit((p) => delete obj(p.comment).user) },
  { name: "issue without number", names: field("issue.number"), event: edit((p) => delete obj(p.issue).number) },
  { name: "issue without user", names: field("issue.user"), event: edit((p) => delete obj(p.issue).user) },
  { name: "issues event without issue", names: field("issue"), eventName: "issues", event: edit((p) => delete p.issue) },
  { name: "pull_request event without pull_request", names: field("pull_request"), eventName: "pull_request", event: edit((p) => delete p.issue) },
  {
    name: "pull_request.number is a string",
    names: field("pull_request.number"),
    eventName: "pull_request",
    event: edit((p) => {
      p.pull_request = { ...obj(p.issue), number: "3" };
      delete p.issue;
    }),
  },
  {
    name: "pull_request_review without review",
    names: field("review"),
    eventName: "pull_request_review",
    event: edit((p) => {
      p.pull_request = obj(p.issue);
      delete p.issue;
    }),
  },
  { name: "an event the action does not handle", names: "Event 'release' is not supported", eventName: "release" },

  // ── Inputs ───────────────────────────────────────────────────────────────
  { name: "mode is neither tag nor agent", names: input("mode"), with: { mode: "robot" } },
  { name: "empty trigger_phrase", names: input("trigger_phrase"), with: { trigger_phrase: "  " } },
  { name: "timeout_minutes 0", names: input("timeout_minutes"), with: { timeout_minutes: "0" } },
  { name: "timeout_minutes in words", names: input("timeout_minutes"), with: { timeout_minutes: "ten" } },
  { name: "negative max_turns", names: input("max_turns"), with: { max_turns: "-3" } },
  { name: "context_budget_tokens below the floor", names: input("context_budget_tokens"), with: { context_budget_tokens: "3999" } },
  { name: "context_budget_tokens in words", names: input("context_budget_tokens"), with: { context_budget_tokens: "sixty thousand" } },
  { name: "use_sticky_comment yes", names: input("use_sticky_comment"), with: { use_sticky_comment: "yes" } },
  { name: "branch_prefix with a space", names: input("branch_prefix"), with: { branch_prefix: "claude bot/" } },
  { name: "base_branch with '..'", names: input("base_branch"), with: { base_branch: "main..dev" } },
  { name: "claude_env line without NAME:", names: input("claude_env"), with: { claude_env: "just some words" } },
  { name: "gitea_server_url without a scheme", names: input("gitea_server_url"), with: { gitea_server_url: "gitea.example.com" } },
  { name: "no Claude credentials at all", names: input("anthropic_api_key"), with: { anthropic_api_key: "" } },
  { name: "use_bedrock and use_vertex", names: input("use_vertex"), with: { use_bedrock: "true", use_vertex: "true" } },
  { name: "claude_credentials that are not the credentials JSON", names: input("claude_credentials"), with: { claude_credentials: `{"token": "${SECRETS.anthropicKey}"}` } },
  { name: "progress_allowed_hosts with URLs", names: input("progress_allowed_hosts"), with: { progress_allowed_hosts: "https://api.example.com/x" } },
  { name: "empty claude_git_email", names: input("claude_git_email"), with: { claude_git_email: "" } },
  { name: "additional_permissions without a value", names: input("additional_permissions"), with: { additional_permissions: "actions" } },
  { name: "allowed_tools with an unbalanced rule", names: input("allowed_tools"), with: { allowed_tools: "Read,Bash(npm test" } },
  { name: "path_to_claude_code_executable that does not exist", names: input("path_to_claude_code_executable"), with: { path_to_claude_code_executable: "/nonexistent/claude" } },
  // Swapped inputs: the key in a boolean input. The error names the input and never shows the key.
  { name: "the API key given as use_bedrock", names: input("use_bedrock"), with: { use_bedrock: SECRETS.anthropicKey } },
  { name: "a long API key given as max_turns", names: input("max_turns"), with: { anthropic_api_key: LONG_KEY, max_turns: LONG_KEY } },

  // ── claude_args ──────────────────────────────────────────────────────────
  { name: "--max-turns ten", names: input("claude_args"), with: { claude_args: "--max-turns ten" } },
  { name: "a short option", names: input("claude_args"), with: { claude_args: "-p" } },
  { name: "unbalanced quotes", names: input("claude_args"), with: { claude_args: "--model 'claude-x" } },
  { name: "command substitution other than $(cat FILE)", names: input("claude_args"), with: { claude_args: "--model $(whoami)" } },
  { name: "backticks", names: input("claude_args"), with: { claude_args: "--model `id`" } },
  { name: "a variable", names: input("claude_args"), with: { claude_args: "--append-system-prompt $HOME" } },
  { name: "--help", names: input("claude_args"), with: { claude_args: "--help" } },
  { name: "a stray word", names: input("claude_args"), with: { claude_args: "--max-turns 3 please" } },
  { name: "--mcp-config with mcpServers a number", names: input("claude_args"), with: { claude_args: `--mcp-config '{"mcpServers": 5}'` } },
  { name: "$(cat FILE) of a missing file", names: input("claude_args"), with: { claude_args: '--json-schema "$(cat schemas/missing.json)"' } },
  { name: "--system-prompt-file that does not exist", names: input("claude_args"), with: { claude_args: "--system-prompt-file prompts/nope.md" } },
  { name: "--system-prompt and --system-prompt-file", names: input("claude_args"), with: { claude_args: "--system-prompt hi --system-prompt-file prompts/sys.md" }, files: { "prompts/sys.md": "sys\n" } },
  { name: "a key in claude_args is not echoed", names: input("claude_args"), with: { claude_args: `--api-key-oops ${SECRETS.anthropicKey} extra` } },

  // ── JSON schemas ─────────────────────────────────────────────────────────
  { name: "json_schema that is not JSON", names: input("json_schema"), with: { json_schema: "{type: object" } },
  { name: "json_schema that is an array", names: input("json_schema"), with: { json_schema: "[1, 2]" } },
  { name: "json_schema with an unknown type", names: input("json_schema"), with: { json_schema: '{"type": "objekt"}' } },
  { name: "json_schema file that does not exist", names: input("json_schema"), with: { json_schema: "schemas/none.json" } },
  { name: "json_schema outside the workspace", names: input("json_schema"), with: { json_schema: "../../../../../../etc/hostname" } },
  { name: "--json-schema that is not JSON", names: input("claude_args"), with: { claude_args: `--json-schema '{"type": '` } },
  {
    name: "json_schema and a different --json-schema",
    names: input("json_schema"),
    with: { json_schema: '{"type":"object"}', claude_args: `--json-schema '{"type":"object","required":["a"]}'` },
  },

  // ── mcp_config ───────────────────────────────────────────────────────────
  { name: "mcp_config that is not JSON", names: input("mcp_config"), with: { mcp_config: "{" } },
  { name: "mcp_config without mcpServers", names: input("mcp_config"), with: { mcp_config: '{"servers": {}}' } },
  { name: "mcp_config server name with spaces", names: input("mcp_config"), with: { mcp_config: '{"mcpServers": {"bad name!": {"command": "x"}}}' } },
  { name: "mcp_config url without type", names: input("mcp_config"), with: { mcp_config: '{"mcpServers": {"x": {"url": "https://mcp.example.com"}}}' } },
  { name: "mcp_config with an empty command", names: input("mcp_config"), with: { mcp_config: '{"mcpServers": {"x": {"command": ""}}}' } },
  { name: "mcp_config args as a string", names: input("mcp_config"), with: { mcp_config: '{"mcpServers": {"x": {"command": "node", "args": "a b"}}}' } },
  { name: "mcp_config that is an array", names: input("mcp_config"), with: { mcp_config: '[{"command": "node"}]' } },
  { name: "mcp_config path with ~", names: input("mcp_config"), with: { mcp_config: "~/mcp.json" } },
  { name: "mcp_config file that is not JSON", names: input("mcp_config"), with: { mcp_config: "config/mcp.json" }, files: { "config/mcp.json": "mcpServers: {}\n" } },

  // ── settings ─────────────────────────────────────────────────────────────
  { name: "settings that are not JSON", names: input("settings"), with: { settings: "{" } },
  { name: "settings that are an array", names: input("settings"), with: { settings: "[]" } },
  { name: "settings env with a number", names: input("settings"), with: { settings: '{"env": {"A": 1}}' } },
  { name: "settings permissions.allow as a string", names: input("settings"), with: { settings: '{"permissions": {"allow": "Bash"}}' } },
  { name: "settings file that does not exist", names: input("settings"), with: { settings: "config/settings.json" } },

  // ── Dispatch payloads ────────────────────────────────────────────────────
  {
    name: "workflow_dispatch with a correlation_id but no description",
    names: "'inputs.description' is missing",
    eventName: "workflow_dispatch",
    event: (_, { receiver }) => ({ inputs: { correlation_id: "c-1", progress_endpoint: receiver.url } }),
    with: { progress_secret: SECRETS.progressSecret },
    tellsBackend: true,
  },
  {
    name: "repository_dispatch with an endpoint but no description",
    names: "'client_payload.description' is missing",
    eventName: "repository_dispatch",
    event: (_, { receiver }) => ({ action: "claude", client_payload: { progress_endpoint: receiver.url } }),
    with: { progress_secret: SECRETS.progressSecret },
    tellsBackend: true,
  },
  {
    name: "workflow_dispatch with only a correlation_id",
    names: "'inputs.description' is missing",
    eventName: "workflow_dispatch",
    event: () => ({ inputs: { correlation_id: "c-2" } }),
  },

  // ── Progress endpoints ───────────────────────────────────────────────────
  { name: "plain http to a remote host", names: input("progress_endpoint"), eventName: "workflow_dispatch", event: () => dispatch("http://api.example.com/progress") },
  { name: "ftp endpoint", names: input("progress_endpoint"), eventName: "workflow_dispatch", event: () => dispatch("ftp://api.example.com/progress") },
  { name: "endpoint that is not a URL", names: input("progress_endpoint"), eventName: "workflow_dispatch", event: () => dispatch("progress please") },
  {
    name: "endpoint with user:password",
    names: input("progress_endpoint"),
    eventName: "workflow_dispatch",
    event: () => dispatch(`https://backend:${SECRETS.progressSecret}@api.example.com/progress`),
  },
  {
    name: "endpoint with a token in the query",
    names: input("progress_endpoint"),
    eventName: "workflow_dispatch",
    event: () => dispatch(`https://api.example.com/progress?token=${SECRETS.progressSecret}`),
  },
  {
    name: "endpoint outside progress_allowed_hosts",
    names: input("progress_allowed_hosts"),
    eventName: "workflow_dispatch",
    event: () => dispatch("https://evil.example.net/progress"),
    with: { progress_allowed_hosts: "api.example.com" },
  },
  {
    name: "repository_dispatch endpoint over http to a remote host",
    names: input("progress_endpoint"),
    eventName: "repository_dispatch",
    event: () => ({ action: "claude", client_payload: { description: "Fix it", progress_endpoint: "http://10.0.0.8/progress" } }),
  },
];

/** One case per input value: `[input, value, note?]`. */
function values(rows: Array<[string, string, string?]>): Case[] {
  return rows.map(([name, value, note]) => ({ name: `${name}: ${note ?? JSON.stringify(value)}`, names: input(name), with: { [name]: value } }));
}

const INPUT_VALUES: Case[] = values([
  ["trigger_phrase", "@claude\nplease", "a line break"],
  ["trigger_phrase", `@${"c".repeat(100)}`, "101 characters"],
  ["assignee_trigger", "alice, bob", "two logins"],
  ["assignee_trigger", "al ice"],
  ["assignee_trigger", "-alice"],
  ["assignee_trigger", "alice!"],
  ["assignee_trigger", "a".repeat(41), "41 characters"],
  ["reviewer_trigger", "claude, bob", "two logins"],
  ["reviewer_trigger", "claude bot"],
  ["label_trigger", "claude\nbot", "a line break"],
  ["label_trigger", "l".repeat(256), "256 characters"],
  ["base_branch", "feature//x"],
  ["base_branch", "-main"],
  ["base_branch", "main.lock"],
  ["base_branch", "release?"],
  ["base_branch", "main~1"],
  ["base_branch", "@"],
  ["base_branch", "feature/.hidden"],
  ["base_branch", "main@{1}"],
  ["branch_prefix", "claude//"],
  ["branch_prefix", ".claude/"],
  ["branch_prefix", "claude.lock/"],
  ["branch_prefix", "claude~"],
  ["branch_prefix", "claude:"],
  ["branch_prefix", "-claude/"],
  ["branch_prefix", "claude/../"],
  ["branch_prefix", "/claude/"],
  ["branch_prefix", "claude\\"],
  ["branch_prefix", `${"p".repeat(101)}/`, "101 characters"],
  ["mode", "experimental-review"],
  ["mode", "Tag"],
  ["allowed_bots", "renovate bot"],
  ["allowed_bots", "bot!"],
  ["allowed_bots", "bot;rm"],
  ["model", "claude sonnet"],
  ["model", "claude-x\nrm -rf /", "a line break"],
  ["model", "claude'x"],
  ["model", `claude-${"x".repeat(250)}`, "257 characters"],
  ["anthropic_model", "claude sonnet"],
  ["fallback_model", "claude-a,,claude-b"],
  ["fallback_model", "claude x"],
  ["allowed_tools", "Bash(git diff, git log)", "a comma inside a rule"],
  ["allowed_tools", "mcp__gitea__merge_pull_request", "an old tool without replacement"],
  ["allowed_tools", "mcp__local_git_ops__push_branch", "an old local_git_ops tool"],
  ["allowed_tools", "mcp__gitea__create_issue", "an old tool that opens issues"],
  ["disallowed_tools", "Bash(rm", "an unbalanced rule"],
  ["additional_permissions", "actions: maybe"],
  ["additional_permissions", "Actions read"],
  ["claude_env", "1BAD: x"],
  ["claude_env", "A-B: x"],
  ["max_turns", "1e23"],
  ["max_turns", "100000000000000000000000", "a number past 10000 (the CLI would get 1)"],
  ["max_turns", "0"],
  ["max_turns", "3.5"],
  ["max_turns", "10001"],
  ["timeout_minutes", "1e3"],
  ["timeout_minutes", "-5"],
  ["timeout_minutes", "1441"],
  ["timeout_minutes", "0.0"],
  ["timeout_minutes", "NaN"],
  ["anthropic_api_key", "sk-ant-api03\nxyz", "a line break"],
  ["anthropic_api_key", "sk ant", "a blank"],
  ["claude_code_oauth_token", "oat-1\r\nxyz", "a line break inside"],
  ["gitea_token", "abc\ndef", "a line break"],
  ["github_token", "a b", "a blank"],
  ["use_bedrock", "1"],
  ["use_vertex", "yes"],
  ["use_commit_signing", "on"],
  ["show_full_output", "verbose"],
  ["use_node_cache", "maybe"],
  ["subprocess_sandbox", "maybe"],
  ["claude_git_name", "Claude <bot>"],
  ["claude_git_name", "Claude\nEvil", "a line break"],
  ["claude_git_name", "C".repeat(101), "101 characters"],
  ["claude_git_email", "claude at example.com"],
  ["claude_git_email", "claude@"],
  ["claude_git_email", "@example.com"],
  ["claude_git_email", "claude@exa mple.com"],
  ["claude_git_email", "<claude@example.com>"],
  ["experimental_allowed_domains", "https://example.com/path"],
  ["path_to_bun_executable", "/nonexistent/bun"],
  ["gitea_server_url", "https://admin:pw@gitea.example.com", "user and password"],
  ["gitea_server_url", "https://gitea.example.com/?token=x", "a query"],
  ["gitea_server_url", "https://gitea.example.com/#top", "a fragment"],
  ["gitea_server_url", "ftp://gitea.example.com"],
  ["gitea_server_url", "https://"],
  ["gitea_server_url", "https://gitea example.com"],
  ["progress_secret", "abc", "three characters"],
  ["progress_secret", `${"s".repeat(12)} ${"s".repeat(12)}`, "a blank"],
  ["progress_secret", `${"s".repeat(15)}\n${"s".repeat(15)}`, "a line break inside"],
  ["progress_audience", "aud\nience", "a line break"],
  ["progress_allowed_hosts", "*"],
  ["progress_allowed_hosts", "api.example.com/progress"],
  ["json_schema", '{"type": "array"}', "an array schema"],
  ["json_schema", '{"$schema": "http://example.com/schema"}', "an unknown $schema"],
  ["settings", '{"model": 42}', "a wrong-typed key (the CLI drops the whole file)"],
  ["settings", '{"permissions": {"defaultMode": "yolo"}}'],
  ["settings", '{"hooks": {"Bogus": []}}'],
  ["settings", '{"cleanupPeriodDays": -1}'],
  ["settings", '{"deniedModels": ["x"]}', "a managed-only key"],
  ["settings", '{"permissions": {"allow": ["Bash(ls"]}}', "a rule the CLI drops"],
  ["settings", '{"statusLine": {"type": "x"}}'],
  ["settings", '{"includeCoAuthoredBy": "yes"}'],
  ["settings", '{"env": {"TOKEN": true}}'],
  ["settings", "../settings.json", "a path outside the workspace"],
  ["claude_args", "--append-system-prompt-file ../outside.md", "--append-system-prompt-file outside the workspace"],
  ["claude_args", "--system-prompt-file .", "--system-prompt-file naming a directory"],
  ["claude_args", "--add-dir /etc", "--add-dir outside the workspace"],
  ["claude_args", "--add-dir README.md", "--add-dir naming a file"],
  ["claude_args", `--settings '{"model": 42}'`, "--settings with a wrong-typed key"],
  ["claude_args", "--settings /etc/passwd", "--settings outside the workspace"],
  ["claude_args", "--agents '[1]'", "--agents that is not an object"],
  ["claude_args", "--debug-file /etc/claude-debug.log", "--debug-file outside"],
  ["claude_args", "--plugin-dir /", "--plugin-dir outside"],
  ["claude_args", "--file file_x:../../x", "--file escaping the working directory"],
  ["claude_args", "--session-id nope"],
  ["claude_args", "--plugin-url http://plugins.example.com/p.zip"],
  ["claude_args", "--setting-sources user,global"],
  ["claude_args", "--permission-prompt-tool approve"],
  ["claude_args", "--max-turns 1e23"],
  ["claude_args", "--max-turns 100000000000000000000000"],
  ["claude_args", "--model 'claude x'"],
  ["claude_args", "--fallback-model 'a,,b'"],
  ["claude_args", "--max-budget-usd 0"],
  ["claude_args", "--effort extreme"],
  ["claude_args", "--permission-mode yolo"],
  ["claude_args", `--json-schema '{"type":"array"}'`],
  ["claude_args", "--mcp-config ../../etc/x.json", "--mcp-config outside the workspace"],
  ["claude_args", "--allowedTools mcp__gitea__create_issue", "an old tool without replacement"],
  ["claude_args", "--background"],
]);

const FILES_AND_PROGRAMS: Case[] = [
  { name: "settings file with a wrong-typed key", names: input("settings"), with: { settings: "config/settings.json" }, files: { "config/settings.json": '{"model": 42}' } },
  { name: "settings path naming a directory", names: input("settings"), with: { settings: "config" }, files: { config: null } },
  { name: "--settings file with a wrong-typed key", names: input("claude_args"), with: { claude_args: "--settings config/s.json" }, files: { "config/s.json": '{"permissions": {"allow": "Bash"}}' } },
  { name: "mcp_config path naming a directory", names: input("mcp_config"), with: { mcp_config: "config" }, files: { config: null } },
  { name: "mcp_config path outside the workspace", names: input("mcp_config"), with: { mcp_config: "../../../../../../etc/hostname" } },
  { name: "json_schema path naming a directory", names: input("json_schema"), with: { json_schema: "schemas" }, files: { schemas: null } },
  { name: "path_to_bun_executable not named bun", names: input("path_to_bun_executable"), with: { path_to_bun_executable: "README.md" } },
  { name: "path_to_claude_code_executable naming a directory", names: input("path_to_claude_code_executable"), with: { path_to_claude_code_executable: "/tmp" } },
  { name: "a CLI older than the minimum (1.0.117, the v0.0.63-era image)", names: "Claude Code 1.0.117", cliVersion: "1.0.117 (Claude Code)" },
  { name: "a CLI just older than the minimum", names: input("path_to_claude_code_executable"), cliVersion: "2.0.44 (Claude Code)" },
  { name: "base_branch that does not exist on Gitea", names: input("base_branch"), with: { base_branch: "does-not-exist" } },
];

const DISPATCH_EARLY: Case[] = [
  { name: "dispatch: json_schema that is not JSON", names: input("json_schema"), ...toReceiver({ with: { json_schema: "{nope" } }) } as Case,
  { name: "dispatch: claude_args with a stray word", names: input("claude_args"), ...toReceiver({ with: { claude_args: "--max-turns 3 please" } }) } as Case,
  { name: "dispatch: settings with a wrong-typed key", names: input("settings"), ...toReceiver({ with: { settings: '{"model": 42}' } }) } as Case,
  { name: "dispatch: an invalid boolean", names: input("use_sticky_comment"), ...toReceiver({ with: { use_sticky_comment: "yes" } }) } as Case,
  { name: "dispatch: base_branch that does not exist", names: input("base_branch"), ...toReceiver({ with: { base_branch: "nope" } }) } as Case,
  { name: "dispatch: a CLI older than the minimum", names: input("path_to_claude_code_executable"), ...toReceiver({ cliVersion: "1.0.117 (Claude Code)" }) } as Case,
  {
    name: "dispatch: a progress_secret too short to sign with (nothing is sent)",
    names: input("progress_secret"),
    eventName: "workflow_dispatch",
    event: (_, { receiver }) => dispatch(receiver.url),
    with: { progress_secret: "abc" },
  },
];

export const CASES: Case[] = [...EXISTING, ...INPUT_VALUES, ...FILES_AND_PROGRAMS, ...DISPATCH_EARLY];
