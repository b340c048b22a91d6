/**
 * Value rules shared by the input schema (src/inputs.ts) and the claude_args
 * checks: git ref names, Gitea logins, e-mail addresses, model names,
 * secrets, URLs and bounded numbers. Pure functions: each returns undefined
 * when the value is fine, or what was expected (a phrase for "expected …").
 */

/** Control characters (C0, DEL, C1) and the line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const hasControl = (v: string) => CONTROL.test(v);

/**
 * git check-ref-format for `refs/heads/<name>` (git-check-ref-format(1)):
 * no component starting with `.` or ending with `.lock`, no `..`, no control
 * character, space, `~ ^ : ? * [ \`, no `//`, no leading or trailing `/`, no
 * trailing `.`, no `@{`, not `@`; and not starting with `-` (git branch refuses it).
 * Returns the first rule broken, or undefined.
 */
export function refNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (CONTROL.test(name)) return "it contains a control character or line break";
  const bad = /[ ~^:?*[\\]/.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])}`;
  if (name.includes("..")) return "it contains '..'";
  if (name.includes("@{")) return "it contains '@{'";
  if (name === "@") return "it is '@'";
  if (name.startsWith("/") || name.endsWith("/")) return "it starts or ends with '/'";
  if (name.includes("//")) return "it contains '//'";
  if (name.startsWith("-")) return "it starts with '-'";
  if (name.endsWith(".")) return "it ends with '.'";
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return `its part ${JSON.stringify(part)} starts with '.'`;
    if (part.endsWith(".lock")) return `its part ${JSON.stringify(part)} ends with '.lock'`;
  }
  return undefined;
}

/** A sample of what prepare appends to branch_prefix (the longest kind, `task-<correlation>-YYYYMMDD-HHMM`). */
export const SAMPLE_BRANCH_SUFFIX = "issue-1-20260101-1200";

/**
 * Gitea and Forgejo user names (models/user: IsValidUsername): letters,
 * digits, `-`, `_`, `.`; starting and ending with a letter or digit; no two
 * of `-_.` in a row; at most 40 characters.
 */
export function loginProblem(login: string): string | undefined {
  if (login.length === 0) return "it is empty";
  if (login.length > 40) return "it is longer than 40 characters";
  if (!/^[A-Za-z0-9._-]+$/.test(login)) return "only letters, digits, '-', '_' and '.' are allowed";
  if (!/^[A-Za-z0-9]/.test(login) || !/[A-Za-z0-9]$/.test(login)) return "it must start and end with a letter or digit";
  if (/[-._]{2}/.test(login)) return "two of '-', '_', '.' in a row";
  return undefined;
}

/**
 * An e-mail address git and Gitea accept for an author: `local@domain`, the
 * local part without blanks, quotes, `<`, `>`, `,` or `;`, the domain made of
 * letters, digits and hyphens separated by dots.
 */
export function emailProblem(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return "it is not local@domain";
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return "its part before '@' has characters an address cannot have";
  }
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(domain)) {
    return "its domain is not a host name";
  }
  if (email.length > 254) return "it is longer than 254 characters";
  return undefined;
}

/**
 * A model id for --model / --fallback-model: an alias (`sonnet`), an API id
 * (`claude-sonnet-4-5-20250929`, `claude-opus-4-1[1m]`), a Vertex id
 * (`claude-sonnet-4-5@20250929`) or a Bedrock id or ARN
 * (`arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-…`).
 */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+[\]-]*$/;

export function modelProblem(model: string): string | undefined {
  if (model.length > 256) return "it is longer than 256 characters";
  if (CONTROL.test(model)) return "it contains a line break or control character";
  if (/\s/.test(model)) return "it contains a blank";
  if (!MODEL_PATTERN.test(model)) return "only letters, digits and . _ : / @ + [ ] - are allowed, starting with a letter or digit";
  return undefined;
}

/**
 * A credential (API key, OAuth token, Gitea token, progress secret): no
 * blank, no line break, no control character (a secret pasted with its
 * newline breaks every HTTP header it goes into).
 */
export function secretProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return "it contains a line break or control character";
  if (/\s/.test(value)) return "it contains a blank";
  return undefined;
}

/** The shortest progress_secret accepted (HMAC-SHA256 key). */
export const PROGRESS_SECRET_MIN_LENGTH = 24;

/** max_turns and --max-turns: 1 to this. */
export const MAX_TURNS_LIMIT = 10_000;
/** timeout_minutes: more than 0, at most this (24 hours). */
export const TIMEOUT_MINUTES_LIMIT = 1440;

/** A public http(s) base URL: no user info, no query, no fragment. */
export function publicUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "it is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `its scheme is ${JSON.stringify(url.protocol.replace(/:$/, ""))}, not http or https`;
  if (url.username || url.password) return "it contains a user name or password (they would be published in every link)";
  if (url.search || value.includes("?")) return "it has a query string";
  if (url.hash || value.includes("#")) return "it has a fragment";
  if (!url.hostname) return "it has no host";
  if (/\s/.test(value) || CONTROL.test(value)) return "it contains a blank or control character";
  return undefined;
}
