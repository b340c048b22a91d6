/**
 * The action's inputs: declared (with their defaults) in action.yml, read here
 * once from the INPUT_* variables the composite step maps, and checked by one
 * zod schema. Nothing else in the action reads INPUT_*; no default lives here
 * (an input that arrives empty means "not set", never "use a default").
 */
import * as z from "zod";
import { PROGRESS_SECRET_MIN_LENGTH, loginProblem } from "./input-rules";
import {
  bool,
  budgetTokens,
  branchName,
  branchPrefix,
  credentials,
  domainList,
  email,
  envLines,
  gitName,
  hostList,
  list,
  login,
  minutes,
  model,
  models,
  oneLine,
  permissionLines,
  positiveInt,
  publicUrl,
  secret,
  show,
  splitList,
  text,
  trimmed,
} from "./input-values";

export { MIN_CONTEXT_BUDGET, splitList } from "./input-values";

/** One problem with one input; messages never repeat a secret's value. */
export type InputProblem = { input: string; message: string };

export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(
      problems.length === 1
        ? `Invalid input '${problems[0]!.input}': ${problems[0]!.message}`
        : `Invalid inputs:\n${problems.map((p) => `  - ${p.input}: ${p.message}`).join("\n")}`,
    );
    this.name = "InputError";
  }
}

/** The inputs that hold a secret. */
export const SECRET_INPUT_NAMES = ["anthropic_api_key", "claude_code_oauth_token", "claude_credentials", "gitea_token", "github_token", "progress_secret"] as const;
const SECRET_INPUTS = new Set<string>(SECRET_INPUT_NAMES);

const schema = z.object({
  trigger_phrase: oneLine("a trigger phrase such as '@claude' on one line", 100, true),
  assignee_trigger: login("one Gitea login (with or without '@') whose assignment starts Claude"),
  reviewer_trigger: login("one Gitea login (with or without '@') whose request as reviewer starts a review"),
  label_trigger: oneLine("one label name", 255),
  base_branch: branchName,
  branch_prefix: branchPrefix,
  mode: z.string().transform((v, ctx) => {
    const s = v.trim();
    if (s === "tag" || s === "agent") return s;
    ctx.addIssue({ code: "custom", message: `expected 'tag' or 'agent', got ${show(v)}` });
    return z.NEVER;
  }),
  allowed_bots: z.string().transform((v, ctx) => {
    const s = v.trim();
    if (s === "*") return "*" as const;
    const logins = splitList(s);
    const bad = logins.filter((b) => loginProblem(b.replace(/\[bot\]$/i, "")));
    if (bad.length) {
      ctx.addIssue({ code: "custom", message: `expected '*' or Gitea logins separated by commas (e.g. 'renovate-bot,gitea-actions'), got ${bad.map(show).join(", ")}` });
      return z.NEVER;
    }
    return logins.map((b) => b.toLowerCase());
  }),
  model,
  anthropic_model: model,
  fallback_model: models,
  allowed_tools: list,
  disallowed_tools: list,
  custom_instructions: text,
  direct_prompt: text,
  override_prompt: text,
  system_prompt: text,
  append_system_prompt: text,
  mcp_config: trimmed,
  additional_permissions: permissionLines,
  claude_env: envLines,
  settings: trimmed,
  max_turns: positiveInt,
  timeout_minutes: minutes,
  anthropic_api_key: secret("an Anthropic API key"),
  claude_code_oauth_token: secret("a Claude Code OAuth token (from 'claude setup-token')"),
  claude_credentials: credentials,
  gitea_token: secret("a Gitea access token"),
  github_token: secret("a Gitea (or GitHub) access token"),
  use_bedrock: bool,
  use_vertex: bool,
  use_sticky_comment: bool,
  use_commit_signing: bool,
  claude_git_name: gitName,
  claude_git_email: email,
  experimental_allowed_domains: domainList,
  path_to_bun_executable: oneLine("the path of a bun executable", 4096),
  use_node_cache: bool,
  claude_args: text,
  json_schema: trimmed,
  gitea_server_url: publicUrl,
  path_to_claude_code_executable: oneLine("the path of the claude CLI", 4096),
  show_full_output: bool,
  context_budget_tokens: budgetTokens,
  progress_secret: secret(`a shared secret of at least ${PROGRESS_SECRET_MIN_LENGTH} characters (e.g. openssl rand -hex 32)`, PROGRESS_SECRET_MIN_LENGTH),
  progress_audience: oneLine("an OIDC audience such as https://api.example.com", 512),
  progress_allowed_hosts: hostList,
  subprocess_sandbox: z.string().transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (s === "auto" || s === "true" || s === "false") return s;
    ctx.addIssue({ code: "custom", message: `expected 'auto', 'true' or 'false', got ${show(v)}` });
    return z.NEVER;
  }),
});

export type Inputs = z.output<typeof schema>;
export type InputName = keyof z.input<typeof schema>;

/** Every input the schema reads; a test checks this against action.yml. */
export const INPUT_NAMES = Object.keys(schema.shape) as InputName[];

/** The environment variable a composite step maps an input to. */
export const envNameOf = (input: string) => `INPUT_${input.toUpperCase()}`;

type Env = Record<string, string | undefined>;

function problemsOf(error: z.ZodError): InputProblem[] {
  return error.issues.map((issue) => ({
    input: String(issue.path[0] ?? "inputs"),
    message: issue.message,
  }));
}

/** Reads and checks every input. Throws InputError naming each bad input. */
export function readInputs(env: Env = process.env): Inputs {
  const { inputs, problems } = readInputsDeferred(env);
  if (problems.length) throw new InputError(problems);
  return inputs;
}

/**
 * Every input parsed, with the cross-input problems (e.g. no Claude
 * credentials) returned instead of thrown: prepare first finds out whether
 * Gitea withheld the secrets (a fork pull request's run), which explains them.
 */
export function readInputsDeferred(env: Env = process.env): { inputs: Inputs; problems: InputProblem[] } {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, env[envNameOf(name)] ?? ""]));
  const result = schema.safeParse(raw);
  if (!result.success) throw new InputError(problemsOf(result.error));
  return { inputs: result.data, problems: crossChecks(result.data) };
}

/** Reads only the named inputs (finish needs just the secrets; the rest travels in prepare's state). */
export function readSomeInputs<K extends InputName>(names: readonly K[], env: Env = process.env): Pick<Inputs, K> {
  const mask = Object.fromEntries(names.map((n) => [n, true as const]));
  const picked = schema.pick(mask as never) as unknown as z.ZodType<Pick<Inputs, K>>;
  const raw = Object.fromEntries(names.map((name) => [name, env[envNameOf(name)] ?? ""]));
  const result = picked.safeParse(raw);
  if (!result.success) throw new InputError(problemsOf(result.error));
  return result.data;
}

function crossChecks(inputs: Inputs): InputProblem[] {
  const problems: InputProblem[] = [];
  const hasAuth =
    inputs.anthropic_api_key ||
    inputs.claude_code_oauth_token ||
    inputs.claude_credentials ||
    inputs.use_bedrock ||
    inputs.use_vertex;
  if (!hasAuth) {
    problems.push({
      input: "anthropic_api_key",
      message:
        "no Claude credentials: set anthropic_api_key (or claude_code_oauth_token, claude_credentials, use_bedrock: true, use_vertex: true)",
    });
  }
  if (inputs.use_bedrock && inputs.use_vertex) {
    problems.push({ input: "use_vertex", message: "use_bedrock and use_vertex cannot both be 'true'" });
  }
  return problems;
}

/** The Gitea token: gitea_token, then its alias github_token, then the job token. */
export function giteaToken(inputs: Pick<Inputs, "gitea_token" | "github_token">, jobToken: string | undefined): string {
  return inputs.gitea_token || inputs.github_token || jobToken || "";
}

/** The model from the inputs: `model`, else the deprecated `anthropic_model` (a --model in claude_args wins over both). */
export function chosenModel(inputs: Pick<Inputs, "model" | "anthropic_model">): string {
  return inputs.model || inputs.anthropic_model;
}

/**
 * Inputs that parse but cannot act on Gitea; each is reported once in the log
 * when it is set, so nothing is ignored silently.
 */
export function inertInputNotices(inputs: Inputs): string[] {
  const notes: string[] = [];
  // `actions: read` offers the CI tools (get_ci_status, get_job_log); nothing else has an effect on Gitea.
  const inert = Object.entries(inputs.additional_permissions).filter(([k, v]) => !(k.toLowerCase() === "actions" && /^(read|write)$/i.test(v)));
  if (inert.length) {
    notes.push(
      `additional_permissions (${inert.map(([k, v]) => `${k}: ${v}`).join(", ")}) has no effect on Gitea: only 'actions: read' does (it offers Claude the CI tools, get_ci_status and get_job_log).`,
    );
  }
  if (inputs.experimental_allowed_domains.length) {
    notes.push(
      "experimental_allowed_domains is not enforced on Gitea runners (it needs a host firewall this action does not manage); restrict egress on the runner instead.",
    );
  }
  if (inputs.use_node_cache) {
    notes.push("use_node_cache has no effect: the pinned base action would cache npm for your project, which needs a lockfile; this action does not pass it on.");
  }
  return notes;
}

export const isSecretInput = (name: string) => SECRET_INPUTS.has(name);

/** The secret values those inputs hold (claude_credentials: its access token), for redaction and the run step's environment check. */
export function secretValues(inputs: Pick<Inputs, (typeof SECRET_INPUT_NAMES)[number]>): Array<string | undefined> {
  return [
    inputs.gitea_token,
    inputs.github_token,
    inputs.anthropic_api_key,
    inputs.claude_code_oauth_token,
    inputs.claude_credentials?.accessToken,
    inputs.progress_secret,
  ];
}
