/**
 * The rule each input is checked against, in words: docs/inputs.md is
 * generated from this table (npm run readme) and a test keeps both in step
 * with action.yml and with the checks (src/inputs.ts, src/input-rules.ts,
 * src/claude/*). Every check runs before anything is posted to Gitea and
 * before any model call; a value that breaks its rule fails the step with an
 * error naming the input and what was expected, conclusion `failure`.
 */
import { MAX_TURNS_LIMIT, PROGRESS_SECRET_MIN_LENGTH, TIMEOUT_MINUTES_LIMIT } from "./input-rules";
import type { InputName } from "./inputs";
import { PINS } from "./pins";

const SECRET = "Empty, or one word: no blank, line break or control character inside (leading and trailing blanks and line breaks are removed). Its value is never shown in a message.";
const BOOL = "`true` or `false` (any case); empty is `false`.";
const LIST = "Comma- or newline-separated.";
const PATH_NOTE = "A path is taken from the workspace; with symbolic links followed it must stay inside the workspace and be a regular file.";

export const INPUT_RULES: Record<InputName, string> = {
  trigger_phrase: "Not empty; one line (no line break or control character); at most 100 characters.",
  assignee_trigger: "Empty, or ONE Gitea login (`@` optional): letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit, no two of `-_.` in a row, at most 40 characters. A list is refused (it would match nobody).",
  reviewer_trigger: "Empty, or ONE Gitea login (`@` optional), by the rule of `assignee_trigger`.",
  label_trigger: "Empty, or one label name on one line, at most 255 characters.",
  base_branch: "Empty, or a branch name git accepts (`git check-ref-format`: no blank, `~ ^ : ? * [ \\`, `..`, `//`, `@{`, part starting with `.` or ending with `.lock`, leading `-` or `/`, trailing `/` or `.`); it must exist on Gitea (looked up in the first round of requests, before anything is posted).",
  branch_prefix: "Empty, or a prefix with which `<prefix>issue-1-20260101-1200` is a branch name git accepts (the rules of `base_branch`; so `claude//` is refused); at most 100 characters.",
  mode: "`tag` or `agent`.",
  allowed_bots: `\`*\`, or Gitea logins (the rule of \`assignee_trigger\`, a \`[bot]\` suffix allowed). ${LIST}`,
  model: "Empty, or a model id: letters, digits and `. _ : / @ + [ ] -`, starting with a letter or digit, no blank or line break, at most 256 characters (aliases such as `sonnet`, API ids, Vertex `…@date` ids and Bedrock ARNs fit).",
  anthropic_model: "As `model`.",
  fallback_model: "Empty, or model ids by the rule of `model`, separated by commas (tried in order).",
  allowed_tools: `Tool rules. ${LIST} Parentheses balance; no comma inside a rule (the base action splits at every comma). Tool names of the earlier Gitea forks become their replacement (notice) or, without one, are refused naming what to use (docs/migration.md); an \`mcp__gitea__\` name that is no tool of the gitea server gets a warning with the closest tool's name.`,
  disallowed_tools: `As \`allowed_tools\`; an old tool name without a replacement is dropped with a notice (there is nothing left to forbid).`,
  custom_instructions: "Any text.",
  direct_prompt: "Any text.",
  override_prompt: "Any text; `$VARIABLES` as listed in the README.",
  system_prompt: "Any text (passed to the CLI as a file).",
  append_system_prompt: "Any text (passed to the CLI as a file).",
  mcp_config: `Empty, JSON \`{"mcpServers": {…}}\` with each server checked (a name of letters, digits, \`_\`, \`-\`; a non-empty \`command\` with \`args\` a list of strings, or \`"type": "http"\`/\`"sse"\` with an http(s) \`url\`; \`env\` and \`headers\` objects of strings), or the path of such a file. ${PATH_NOTE}`,
  additional_permissions: "`name: value` lines, the name in lower case, the value `read`, `write` or `none`. `actions: read` (or `write`) offers the CI tools; any other line is accepted, with no effect on Gitea.",
  claude_env: "`NAME: value` lines, NAME a variable name (`[A-Za-z_][A-Za-z0-9_]*`); blank lines and `#` lines skipped.",
  settings: `Empty, a JSON object, or the path of a JSON file; valid against the settings schema of Claude Code ${PINS.cliVersion} (src/claude/settings-schema.json): a key of the wrong type, a value out of range, a managed-only key or a permission rule the CLI cannot parse is refused, because the CLI would silently drop the whole file (its env, permission rules and hooks with it) or the value. \`env\` values must be strings. Keys the CLI does not know get a notice with the closest known key. ${PATH_NOTE}`,
  max_turns: `Empty, or a whole number from 1 to ${MAX_TURNS_LIMIT} (decimal digits only).`,
  timeout_minutes: `A number greater than 0 and at most ${TIMEOUT_MINUTES_LIMIT} (24 hours), decimal notation; fractions allowed.`,
  anthropic_api_key: `${SECRET} One of anthropic_api_key, claude_code_oauth_token, claude_credentials, use_bedrock, use_vertex is needed.`,
  claude_code_oauth_token: SECRET,
  claude_credentials: "Empty, or the JSON of `~/.claude/.credentials.json` with `claudeAiOauth.accessToken` a single word. Never shown.",
  gitea_token: SECRET,
  github_token: SECRET,
  use_bedrock: `${BOOL} Not together with use_vertex.`,
  use_vertex: `${BOOL} Not together with use_bedrock.`,
  use_sticky_comment: BOOL,
  use_commit_signing: BOOL,
  claude_git_name: "Not empty; one line, no `<` or `>`, at most 100 characters.",
  claude_git_email: "An address `local@domain`: no blank, quote, `<`, `>`, `,` or `;`; the domain made of letters, digits and hyphens between dots; at most 254 characters.",
  experimental_allowed_domains: `Domain names (\`example.com\`, \`.example.com\`, \`*.example.com\`, optional \`:port\`). ${LIST} Accepted, not enforced (no firewall on Gitea runners).`,
  path_to_bun_executable: "Empty, or the path of an executable file named `bun` (relative paths from the workspace) whose `--version` answers; passed to the base action.",
  use_node_cache: `${BOOL} No effect.`,
  claude_args: "Long CLI flags and their values (docs/migration.md, \"claude_args\"): known flags' values checked (choices, numbers within bounds, model ids, UUIDs, https URLs without user info); every path a flag names (`--system-prompt-file`, `--append-system-prompt-file`, `--settings`, `--agents`, `--mcp-config`, `--add-dir`, `--plugin-dir`, `$(cat FILE)`) inside the workspace and of the right kind (file or directory), `--debug-file` inside the workspace or the runner's temporary directory, `--file` paths relative and without `..`; `--settings` checked like the `settings` input; `--json-schema` like `json_schema`.",
  json_schema: `Empty, or a JSON Schema (inline, or the path of a file) that compiles as draft-07, 2019-09 or 2020-12 and has \`"type": "object"\` at the root. ${PATH_NOTE}`,
  gitea_server_url: "Empty, or an `http://` or `https://` URL with a host and no user name, password, query or fragment (a password would be published in every link); a path (Gitea under a sub-path) is fine.",
  path_to_claude_code_executable: `Empty, or the path of an executable file; the CLI used (this one, else \`claude\` on PATH, else ~/.local/bin/claude) must print a version of at least ${PINS.minCliVersion} (PINS.md, "Minimum Claude Code CLI").`,
  show_full_output: BOOL,
  context_budget_tokens: "A whole number of estimated tokens, at least 4000 (`_` and `,` as digit separators are ignored); default 60000 (docs/context-budget.md).",
  progress_secret: `Empty, or at least ${PROGRESS_SECRET_MIN_LENGTH} characters with no blank, line break or control character (e.g. \`openssl rand -hex 32\`). Never shown.`,
  progress_audience: "Empty, or one line of at most 512 characters.",
  subprocess_sandbox: "`auto`, `true` or `false` (any case).",
  progress_allowed_hosts: `Host names (\`api.example.com\`, \`*.example.com\`, optional \`:port\`). ${LIST}`,
};
