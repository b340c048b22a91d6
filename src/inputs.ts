/**
 * The action's inputs: declared (with their defaults) in action.yml, read here
 * once from the INPUT_* variables the composite step maps, and checked by one
 * zod schema. Nothing else in the action reads INPUT_*; no default lives here
 * (an input that arrives empty means "not set", never "use a default").
 */
import * as z from "zod";
import {
  MAX_TURNS_LIMIT,
  PROGRESS_SECRET_MIN_LENGTH,
  SAMPLE_BRANCH_SUFFIX,
  TIMEOUT_MINUTES_LIMIT,
  emailProblem,
  hasControl,
  loginProblem,
  modelProblem,
  publicUrlProblem,
  refNameProblem,
  secretProblem,
} from "./input-rules";

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

const bool = z.string().transform((v, ctx) => {
  const s = v.trim().toLowerCase();
  if (s === "" || s === "false") return false;
  if (s === "true") return true;
  ctx.addIssue({ code: "custom", message: `expected 'true' or 'false', got ${show(v)}` });
  return z.NEVER;
});

const list = z.string().transform(splitList);

/** A branch name git accepts (git check-ref-format), or empty. */
const branchName = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (s === "") return "";
  const why = s.length > 255 ? "it is longer than 255 characters" : refNameProblem(s);
  if (why) {
    ctx.addIssue({ code: "custom", message: `expected a branch name git accepts (git check-ref-format): ${why}, got ${show(v)}` });
    return z.NEVER;
  }
  return s;
});

/** A prefix that makes valid branch names: `<prefix>issue-1-20260101-1200` must pass git's ref rules. */
const branchPrefix = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (s === "") return "";
  const why = s.length > 100 ? "it is longer than 100 characters" : refNameProblem(`${s}${SAMPLE_BRANCH_SUFFIX}`);
  if (why) {
    ctx.addIssue({
      code: "custom",
      message: `expected a prefix that gives branch names git accepts (e.g. 'claude/' or 'claude-'): with it, '${s}${SAMPLE_BRANCH_SUFFIX}' is not a valid branch name because ${why}; got ${show(v)}`,
    });
    return z.NEVER;
  }
  return s;
});

const positiveInt = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (s === "") return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_TURNS_LIMIT) {
    ctx.addIssue({ code: "custom", message: `expected a whole number from 1 to ${MAX_TURNS_LIMIT}, got ${show(v)}` });
    return z.NEVER;
  }
  return Number(s);
});

const minutes = z.string().transform((v, ctx) => {
  const s = v.trim();
  const n = Number(s);
  if (s === "" || !/^\d+(\.\d+)?$/.test(s) || !(n > 0) || n > TIMEOUT_MINUTES_LIMIT) {
    ctx.addIssue({
      code: "custom",
      message: `expected a number of minutes greater than 0 and at most ${TIMEOUT_MINUTES_LIMIT} (e.g. 30 or 0.5), got ${show(v)}`,
    });
    return z.NEVER;
  }
  return n;
});

/** One line of text (no line break or control character), at most `max` characters; `required` refuses empty. */
const oneLine = (what: string, max: number, required = false) =>
  z.string().transform((v, ctx) => {
    const s = v.trim();
    if (s === "" && !required) return "";
    const why = s === "" ? "it is empty" : hasControl(s) ? "it contains a line break or control character" : s.length > max ? `it is longer than ${max} characters` : undefined;
    if (why) {
      ctx.addIssue({ code: "custom", message: `expected ${what}: ${why}, got ${show(v)}` });
      return z.NEVER;
    }
    return s;
  });

/** A credential: empty, or one word without blanks, line breaks or control characters. Its value is never shown. */
const secret = (what: string, minLength = 0) =>
  z.string().transform((v, ctx) => {
    const s = v.trim();
    if (s === "") return "";
    const why = secretProblem(s) ?? (s.length < minLength ? `it is ${s.length} characters long, shorter than ${minLength}` : undefined);
    if (why) {
      ctx.addIssue({ code: "custom", message: `expected ${what}: ${why} (value not shown)` });
      return z.NEVER;
    }
    return s;
  });

const model = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (s === "") return "";
  const why = modelProblem(s);
  if (why) {
    ctx.addIssue({ code: "custom", message: `expected a model id such as 'claude-sonnet-4-5' or a Bedrock/Vertex id: ${why}, got ${show(v)}` });
    return z.NEVER;
  }
  return s;
});

/** One or more model ids, comma-separated (the CLI tries them in order). */
const models = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (s === "") return "";
  const parts = s.split(",").map((p) => p.trim());
  const bad = parts.map((p) => [p, p === "" ? "an empty entry" : modelProblem(p)] as const).find(([, why]) => why);
  if (bad) {
    ctx.addIssue({ code: "custom", message: `expected model ids separated by commas: ${show(bad[0])}: ${bad[1]}, got ${show(v)}` });
    return z.NEVER;
  }
  return parts.join(",");
});

const login = (what: string) =>
  z.string().transform((v, ctx) => {
    const s = v.trim().replace(/^@/, "");
    if (s === "") return "";
    const list = /[\s,;]/.test(s);
    const why = list ? "it holds more than one name (one login is matched)" : loginProblem(s);
    if (why) {
      ctx.addIssue({ code: "custom", message: `expected ${what}: ${why}, got ${show(v)}` });
      return z.NEVER;
    }
    return s;
  });

const email = z.string().transform((v, ctx) => {
  const s = v.trim();
  const why = s === "" ? "it is empty" : hasControl(s) || /\s/.test(s) ? "it contains a blank or line break" : emailProblem(s);
  if (why) {
    ctx.addIssue({ code: "custom", message: `expected a git author e-mail address such as 'claude@anthropic.com': ${why}, got ${show(v)}` });
    return z.NEVER;
  }
  return s;
});

const gitName = z.string().transform((v, ctx) => {
  const s = v.trim();
  const why =
    s === "" ? "it is empty" : hasControl(s) ? "it contains a line break or control character" : /[<>]/.test(s) ? "git refuses '<' and '>' in names" : s.length > 100 ? "it is longer than 100 characters" : undefined;
  if (why) {
    ctx.addIssue({ code: "custom", message: `expected a git author name such as 'Claude': ${why}, got ${show(v)}` });
    return z.NEVER;
  }
  return s;
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
    const [name, value, ...rest] = line.split(":").map((s) => s.trim());
    if (!name || !value || rest.length || !/^[a-z][a-z-]*$/.test(name) || !["read", "write", "none"].includes(value)) {
      ctx.addIssue({ code: "custom", message: `expected 'name: value' lines such as 'actions: read' (value read, write or none), got ${show(line)}` });
      return z.NEVER;
    }
    out[name] = value;
  }
  return out;
});

const publicUrl = z.string().transform((v, ctx) => {
  const s = v.trim().replace(/\/+$/, "");
  if (s === "") return "";
  const why = publicUrlProblem(s);
  if (why) {
    // The value may hold a password: show it only without user info.
    const shown = s.replace(/\/\/[^/@]*@/, "//***@");
    ctx.addIssue({ code: "custom", message: `expected the public http(s) URL of your Gitea, e.g. https://gitea.example.com: ${why}, got ${show(shown)}` });
    return z.NEVER;
  }
  return s;
});

/** Domain patterns of the v0.0.63 network allow-list (`example.com`, `.example.com`, `*.example.com`). */
const domainList = z.string().transform((v, ctx) => {
  const items = splitList(v);
  const bad = items.filter((d) => !/^(\*\.|\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d+)?$/.test(d));
  if (bad.length) {
    ctx.addIssue({ code: "custom", message: `expected domain names such as api.example.com or *.example.com, got ${bad.map(show).join(", ")}` });
    return z.NEVER;
  }
  return items;
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
    if (typeof token === "string" && token && !secretProblem(token)) return { accessToken: token };
  } catch {
    // fall through to the issue below; the value is a secret and is not shown
  }
  ctx.addIssue({
    code: "custom",
    message: "expected the JSON of ~/.claude/.credentials.json, with claudeAiOauth.accessToken a single word (value not shown)",
  });
  return z.NEVER;
});

const schema = z.object({
  trigger_phrase: oneLine("a trigger phrase such as '@claude' on one line", 100, true),
  assignee_trigger: login("one Gitea login (with or without '@') whose assignment starts Claude"),
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
  progress_secret: secret(`a shared secret of at least ${PROGRESS_SECRET_MIN_LENGTH} characters (e.g. openssl rand -hex 32)`, PROGRESS_SECRET_MIN_LENGTH),
  progress_audience: oneLine("an OIDC audience such as https://api.example.com", 512),
  progress_allowed_hosts: hostList,
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
  if (Object.keys(inputs.additional_permissions).length) {
    notes.push(
      `additional_permissions (${Object.entries(inputs.additional_permissions)
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ")}) has no effect on Gitea: there is no CI-status API for Claude to read.`,
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
