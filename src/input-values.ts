/**
 * The value parsers of the input schema (src/inputs.ts): one zod transform per
 * kind of value, each refusing what breaks its rule with a message saying what
 * was expected (never a secret's value). The rules themselves are in
 * input-rules.ts; docs/inputs.md says them in words (input-docs.ts).
 */
import * as z from "zod";
import {
  MAX_TURNS_LIMIT,
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

export const show = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);

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

export const text = z.string();
export const trimmed = z.string().transform((v) => v.trim());

export const bool = z.string().transform((v, ctx) => {
  const s = v.trim().toLowerCase();
  if (s === "" || s === "false") return false;
  if (s === "true") return true;
  ctx.addIssue({ code: "custom", message: `expected 'true' or 'false', got ${show(v)}` });
  return z.NEVER;
});

export const list = z.string().transform(splitList);

/** A branch name git accepts (git check-ref-format), or empty. */
export const branchName = z.string().transform((v, ctx) => {
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
export const branchPrefix = z.string().transform((v, ctx) => {
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

export const positiveInt = z.string().transform((v, ctx) => {
  const s = v.trim();
  if (s === "") return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_TURNS_LIMIT) {
    ctx.addIssue({ code: "custom", message: `expected a whole number from 1 to ${MAX_TURNS_LIMIT}, got ${show(v)}` });
    return z.NEVER;
  }
  return Number(s);
});

/** The smallest context budget: the instructions alone take about 2,000 tokens. */
export const MIN_CONTEXT_BUDGET = 4000;

export const budgetTokens = z.string().transform((v, ctx) => {
  const s = v.trim().replace(/[_,]/g, "");
  if (!/^\d+$/.test(s) || Number(s) < MIN_CONTEXT_BUDGET) {
    ctx.addIssue({ code: "custom", message: `expected a whole number of tokens of at least ${MIN_CONTEXT_BUDGET} (action.yml's default is 60000), got ${show(v)}` });
    return z.NEVER;
  }
  return Number(s);
});

export const minutes = z.string().transform((v, ctx) => {
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
export const oneLine = (what: string, max: number, required = false) =>
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
export const secret = (what: string, minLength = 0) =>
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

export const model = z.string().transform((v, ctx) => {
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
export const models = z.string().transform((v, ctx) => {
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

export const login = (what: string) =>
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

export const email = z.string().transform((v, ctx) => {
  const s = v.trim();
  const why = s === "" ? "it is empty" : hasControl(s) || /\s/.test(s) ? "it contains a blank or line break" : emailProblem(s);
  if (why) {
    ctx.addIssue({ code: "custom", message: `expected a git author e-mail address such as 'claude@anthropic.com': ${why}, got ${show(v)}` });
    return z.NEVER;
  }
  return s;
});

export const gitName = z.string().transform((v, ctx) => {
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
export const envLines = z.string().transform((v, ctx) => {
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
export const permissionLines = z.string().transform((v, ctx) => {
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

export const publicUrl = z.string().transform((v, ctx) => {
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
export const domainList = z.string().transform((v, ctx) => {
  const items = splitList(v);
  const bad = items.filter((d) => !/^(\*\.|\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d+)?$/.test(d));
  if (bad.length) {
    ctx.addIssue({ code: "custom", message: `expected domain names such as api.example.com or *.example.com, got ${bad.map(show).join(", ")}` });
    return z.NEVER;
  }
  return items;
});

export const hostList = z.string().transform((v, ctx) => {
  const hosts = splitList(v).map((h) => h.toLowerCase());
  const bad = hosts.filter((h) => !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d+)?$/.test(h));
  if (bad.length) {
    ctx.addIssue({ code: "custom", message: `expected host names such as api.example.com, got ${bad.map(show).join(", ")}` });
    return z.NEVER;
  }
  return hosts;
});

export const credentials = z.string().transform((v, ctx) => {
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

