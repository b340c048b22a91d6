/**
 * The bad-input corpus: event payloads, inputs, claude_args, JSON schemas,
 * mcp_config, settings, dispatch payloads and progress endpoints that cannot
 * work. Each must stop prepare with a clear error naming the input (or the
 * event field) before anything happens: the run step is not asked for (so no
 * model request), nothing is written to Gitea (no tracking comment, no
 * branch), and no secret appears in what prepare printed or set.
 *
 * prepare() runs in-process; the last cases run the real action and check
 * the model got no request at all.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { start as startReceiver, type Receiver } from "../../examples/dispatch/receiver";
import { secretVariants } from "../../src/text/redact";
import { PREPARE_OUTPUTS } from "../../src/steps";
import { issueCommentPayload, repositoryDispatchPayload, workflowDispatchPayload } from "../support/gitea/payloads";
import { runInProcess, type Dirs } from "../support/inprocess";
import { REPO, SECRETS, USERS, World, step } from "../support/scenario";

type Json = Record<string, unknown>;

type Case = {
  name: string;
  /** What the error must name, as it appears in the message. */
  names: string;
  with?: Record<string, string>;
  /** Event: the issue_comment payload (changed by `event`), or another event. */
  eventName?: string;
  event?: (base: Json, ctx: { receiver: Receiver }) => Json | Promise<Json>;
  /** Raw text written as the event payload file instead. */
  rawEvent?: string;
  /** Files written into the workspace first. */
  files?: Record<string, string>;
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

const input = (name: string) => `'${name}'`;
const field = (name: string) => `payload field '${name}'`;

const LONG_KEY = `sk-ant-api03-${"Zx9".repeat(30)}-AA`; // a realistic length (108 characters)

const CASES: Case[] = [
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

function dispatch(endpoint: string): Json {
  return { inputs: { description: "Tidy the README", progress_endpoint: endpoint, correlation_id: "c-3" } };
}

const ALL_SECRETS = [...Object.values(SECRETS), LONG_KEY];
/** Secrets and their base64 forms (as in basic-auth headers), and for long keys any 24-character piece. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const s of ALL_SECRETS) {
    for (const v of secretVariants(s)) if (text.includes(v)) found.push(`${s.slice(0, 8)}… (${v === s ? "raw" : "base64"})`);
    for (let i = 0; i + 24 <= s.length; i += 8) if (text.includes(s.slice(i, i + 24))) found.push(`${s.slice(0, 8)}… (a piece)`);
  }
  return [...new Set(found)];
}

let world: World;
let dirs: Dirs;
let receiver: Receiver;
let index: number;
let issueEvent: Json;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
  dirs = await world.runnerDirs();
  receiver = await startReceiver({ secret: SECRETS.progressSecret, path: "/progress" });
  const issue = world.gitea.createIssue(REPO, { title: "Inputs", body: "Check the inputs.", user: USERS.alice });
  const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude go" });
  index = issue.index;
  issueEvent = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);
});
afterAll(async () => {
  await receiver?.close();
  await world?.close();
});

async function eventFor(c: Case): Promise<{ eventName: string; event: Json }> {
  const eventName = c.eventName ?? "issue_comment";
  let base: Json = issueEvent;
  if (eventName === "workflow_dispatch") base = await workflowDispatchPayload(world.gitea, REPO, { workflow: "claude.yml", sender: USERS.owner });
  if (eventName === "repository_dispatch") base = await repositoryDispatchPayload(world.gitea, REPO, { action: "claude", sender: USERS.owner });
  if (!c.event) return { eventName, event: base };
  const made = await c.event(base, { receiver });
  // Dispatch builders give only the parts that differ; the rest of the payload is Gitea's.
  return { eventName, event: eventName.endsWith("dispatch") && !Array.isArray(made) ? { ...base, ...made } : made };
}

it("has at least 50 cases across every kind of input", () => {
  expect(CASES.length).toBeGreaterThanOrEqual(50);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

describe.each(CASES)("$name", (c) => {
  it(`stops prepare naming ${c.names}, before anything happens`, async () => {
    for (const [file, content] of Object.entries(c.files ?? {})) {
      await mkdir(path.dirname(path.join(dirs.workspace, file)), { recursive: true });
      await writeFile(path.join(dirs.workspace, file), content);
    }
    const { eventName, event } = await eventFor(c);
    const commentsBefore = world.gitea.listComments(REPO, index).length;
    const branchesBefore = await world.gitea.listBranches(REPO);
    const updatesBefore = receiver.updates.length;
    const from = world.gitea.requests.length;
    const result = await runInProcess(world, {
      eventName,
      event,
      dirs,
      ...(c.with ? { with: c.with } : {}),
      ...(c.rawEvent !== undefined ? { rawEvent: c.rawEvent } : {}),
    });
    const io = result.prepare.io;
    const errors = io.lines.filter((l) => l.startsWith("::error::"));

    expect(result.prepare.code, result.log).toBe(1);
    expect(errors.some((l) => l.includes(c.names)), `no error naming ${c.names}:\n${result.log}`).toBe(true);
    // The run step is not asked for (no model request) and finish has nothing to do.
    expect(io.outputs[PREPARE_OUTPUTS.containsTrigger]).toBe("false");
    expect(io.outputs[PREPARE_OUTPUTS.started]).toBeUndefined();
    expect(result.finish).toBeUndefined();
    // Nothing written to Gitea: no comment, no branch, no write request at all.
    expect(world.gitea.listComments(REPO, index)).toHaveLength(commentsBefore);
    expect(await world.gitea.listBranches(REPO)).toEqual(branchesBefore);
    expect(world.gitea.requests.slice(from).filter((r) => r.kind === "api" && r.method !== "GET")).toEqual([]);
    // A dispatch that named a usable endpoint is told it failed; otherwise the backend hears nothing.
    const updates = receiver.updates.slice(updatesBefore);
    if (c.tellsBackend) expect(updates.map((u) => [u.body.status, u.body.conclusion])).toEqual([["failed", "failure"]]);
    else expect(updates).toEqual([]);
    // No secret in anything prepare printed or set (masks are the runner's business).
    expect(leaks([...io.lines, ...Object.values(io.outputs), io.summary].join("\n"))).toEqual([]);
  });
});

describe("through the real action", () => {
  const cases: Array<{ name: string; with: Record<string, string>; names: string }> = [
    { name: "claude_args with a command substitution", with: { claude_args: "--model $(curl evil.example.com)" }, names: "Invalid input 'claude_args'" },
    { name: "mcp_config without mcpServers", with: { mcp_config: '{"servers": {}}' }, names: "Invalid input 'mcp_config'" },
    { name: "settings that are not JSON", with: { settings: "{ nope" }, names: "Invalid input 'settings'" },
  ];
  it.each(cases)("$name: prepare fails naming it, Claude never starts, nothing is posted", async (k) => {
    const commentsBefore = world.gitea.listComments(REPO, index).length;
    const requestsBefore = world.model.requests.length;
    const result = await world.runAction({ eventName: "issue_comment", event: issueEvent, with: k.with });
    expect(result.success).toBe(false);
    expect(step(result, "prepare")?.outcome).toBe("failure");
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(step(result, "finish")?.outcome).toBe("skipped");
    expect(result.annotations.some((a) => a.level === "error" && a.message.includes(k.names))).toBe(true);
    expect(world.model.requests.length).toBe(requestsBefore);
    expect(world.gitea.listComments(REPO, index)).toHaveLength(commentsBefore);
    expect(leaks(`${result.log}\n${result.summary}`)).toEqual([]);
  });
});
