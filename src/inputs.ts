/**
 * The action's inputs: declared (with their defaults) in action.yml, read here
 * once from the INPUT_* variables the composite step maps, and checked by one
 * zod schema. Nothing else in the action reads INPUT_*; no default lives here
 * (an input that arrives empty means "not set", never "use a default").
 */
import * as z from "zod";

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

const SECRET_INPUTS = new Set([
  "anthropic_api_key",
  "claude_code_oauth_token",
  "claude_credentials",
  "gitea_token",
  "github_token",
  "progress_secret",
]);

const show = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);

/** Splits on commas and newlines that are not inside parentheses, so `Bash(a, b)` stays whole. */
export function splitList(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of value) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if ((ch === "," || ch === "\n") && depth === 0) {
      items.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  items.push(current);
  return items.map((s) => s.trim()).filter(Boolean);
}

const text = z.string();
const trimmed = z.string().transform((v) => v.trim());

const nonEmpty = (expected: string) =>
  z.string().transform((v, ctx) => {
    if (v.trim() === "") {
      ctx.addIssue({ code: "custom", message: `must not be empty: expected ${expected}` });
      return z.NEVER;
    }
    return v.trim();
  });

const bool = z.string().transform((v, ctx) => {
  const s = v.trim().toLowerCase();
  if (s === "" || s === "false") return false;
  if (s === "true") return true;
  ctx.addIssue({ code: "custom", message: `expected 'true' or 'false', got ${show(v)}` });
  return z.NEVER;
});

const list = z.string().transform(splitList);

/** A branch name or prefix git would accept (a light `git check-ref-format`). */
const refPart = (what: string, allowEmpty: boolean) =>
  z.string().transform((v, ctx) => {
    const s = v.trim();
    if (s === "" && allowEmpty) return "";
    if (
      s === "" ||
      /[\s~^:?*[\\\x00-\x1f\x7f]/.test(s) ||
      s.includes("..") ||
      s.includes("@{") ||
      s.startsWith("/") ||
      s.startsWith("-") ||
      s.endsWith(".lock")
    ) {
      ctx.addIssue({ code: "custom", message: `expected ${what} usable in a git branch name, got ${show(v)}` });
      return z.NEVER;
    }
    return s;
  });

const positiveInt = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (s === "") return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1) {
    ctx.addIssue({ code: "custom", message: `expected a positive whole number, got ${show(v)}` });
    return z.NEVER;
  }
  return Number(s);
});

const minutes = z.string().transform((v, ctx) => {
  const s = v.trim();
  const n = Number(s);
  if (s === "" || !/^\d+(\.\d+)?$/.test(s) || !(n > 0)) {
    ctx.addIssue({ code: "custom", message: `expected a positive number of minutes (e.g. 30 or 0.5), got ${show(v)}` });
    return z.NEVER;
  }
  return n;
});

/** `NAME: value` lines (the v0.0.63 claude_env format); blank and `#` lines are skipped. */
const envLines = z.string().transform((v, ctx) => {
  const out: Record<string, string> = {};
  v.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const colon = line.indexOf(":");
    const key = colon === -1 ? "" : line.slice(0, colon).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      ctx.addIssue({
        code: "custom",
        message: `line ${i + 1} is not 'NAME: value' with NAME a valid variable name (got ${show(line.split(":")[0] ?? line)})`,
      });
      return;
    }
    out[key] = line.slice(colon + 1).trim();
  });
  return out;
});

/** `name: value` lines (v0.0.63 additional_permissions). */
const permissionLines = z.string().transform((v, ctx) => {
  const out: Record<string, string> = {};
  for (const raw of v.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const [name, value] = line.split(":").map((s) => s.trim());
    if (!name || !value) {
      ctx.addIssue({ code: "custom", message: `expected 'name: value' lines such as 'actions: read', got ${show(line)}` });
      return z.NEVER;
    }
    out[name] = value;
  }
  return out;
});

const publicUrl = z.string().transform((v, ctx) => {
  const s = v.trim().replace(/\/+$/, "");
  if (s === "") return "";
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    ctx.addIssue({ code: "custom", message: `expected the public http(s) URL of your Gitea, e.g. https://gitea.example.com, got ${show(v)}` });
    return z.NEVER;
  }
  return s;
});

const hostList = z.string().transform((v, ctx) => {
  const hosts = splitList(v).map((h) => h.toLowerCase());
  const bad = hosts.filter((h) => !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d+)?$/.test(h));
  if (bad.length) {
    ctx.addIssue({ code: "custom", message: `expected host names such as api.example.com, got ${bad.map(show).join(", ")}` });
    return z.NEVER;
  }
  return hosts;
});

const credentials = z.string().transform((v, ctx) => {
  if (v.trim() === "") return undefined;
  try {
    const parsed = JSON.parse(v) as { claudeAiOauth?: { accessToken?: unknown } };
    const token = parsed?.claudeAiOauth?.accessToken;
    if (typeof token === "string" && token) return { accessToken: token };
  } catch {
    // fall through to the issue below; the value is a secret and is not shown
  }
  ctx.addIssue({
    code: "custom",
    message: "expected the JSON of ~/.claude/.credentials.json, with claudeAiOauth.accessToken (value not shown)",
  });
  return z.NEVER;
});

const schema = z.object({
  trigger_phrase: z.string().transform((v, ctx) => {
    if (v.trim() === "") {
      ctx.addIssue({ code: "custom", message: "must not be empty (action.yml's default is '@claude')" });
      return z.NEVER;
    }
    return v.trim();
  }),
  assignee_trigger: z.string().transform((v) => v.trim().replace(/^@/, "")),
  reviewer_trigger: z.string().transform((v) => v.trim().replace(/^@/, "")),
  label_trigger: trimmed,
  base_branch: refPart("a branch", true),
  branch_prefix: refPart("a branch prefix", true),
  mode: z.string().transform((v, ctx) => {
    const s = v.trim();
    if (s === "tag" || s === "agent") return s;
    ctx.addIssue({ code: "custom", message: `expected 'tag' or 'agent', got ${show(v)}` });
    return z.NEVER;
  }),
  allowed_bots: z.string().transform((v) => {
    const s = v.trim();
    if (s === "*") return "*" as const;
    return splitList(s).map((b) => b.toLowerCase());
  }),
  model: trimmed,
  anthropic_model: trimmed,
  fallback_model: trimmed,
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
  anthropic_api_key: trimmed,
  claude_code_oauth_token: trimmed,
  claude_credentials: credentials,
  gitea_token: trimmed,
  github_token: trimmed,
  use_bedrock: bool,
  use_vertex: bool,
  use_sticky_comment: bool,
  use_commit_signing: bool,
  claude_git_name: nonEmpty("a git author name such as 'Claude'"),
  claude_git_email: nonEmpty("a git author email such as 'claude@anthropic.com'"),
  experimental_allowed_domains: list,
  path_to_bun_executable: trimmed,
  use_node_cache: bool,
  claude_args: text,
  json_schema: trimmed,
  gitea_server_url: publicUrl,
  path_to_claude_code_executable: trimmed,
  show_full_output: bool,
  progress_secret: text,
  progress_audience: trimmed,
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
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, env[envNameOf(name)] ?? ""]));
  const result = schema.safeParse(raw);
  if (!result.success) throw new InputError(problemsOf(result.error));
  const inputs = result.data;
  const problems = crossChecks(inputs);
  if (problems.length) throw new InputError(problems);
  return inputs;
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
  if (inputs.path_to_bun_executable) notes.push("path_to_bun_executable has no effect: this action runs on Node and needs no Bun.");
  if (inputs.use_node_cache) notes.push("use_node_cache has no effect: this action installs nothing at job time.");
  return notes;
}

export const isSecretInput = (name: string) => SECRET_INPUTS.has(name);
