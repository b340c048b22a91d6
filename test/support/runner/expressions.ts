// `${{ }}` evaluation for the local runner. Parsing and evaluation of the
// expression language itself is done by @actions/expressions; this module
// only splits templates into literal text and expressions, builds the context
// dictionaries and supplies the runner-provided functions (status functions
// and hashFiles) that the library leaves to the host.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { TokenType } from "@actions/expressions/lexer";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";

/** Names of the contexts every expression may reference. */
export const CONTEXT_NAMES = [
  "github",
  "env",
  "inputs",
  "steps",
  "runner",
  "secrets",
  "vars",
  "job",
  "jobs",
  "matrix",
  "strategy",
  "needs",
] as const;

const STATUS_FUNCTIONS = new Set(["success", "failure", "always", "cancelled"]);

/** Status of the scope (job or composite action) a step runs in. */
export interface ScopeStatus {
  failed: boolean;
  cancelled: boolean;
}

export type ContextName = (typeof CONTEXT_NAMES)[number];

export interface EvalScope {
  /** Plain JS values for each context name (missing ones become empty objects). */
  contexts: Partial<Record<ContextName, unknown>>;
  /**
   * Context names an expression may reference here (default: all). A name
   * outside the list is an "Unrecognized named-value" error, as on the runners
   * (e.g. `secrets` inside a composite action).
   */
  names?: readonly ContextName[];
  status: ScopeStatus;
  /** Directory hashFiles() patterns are relative to. */
  workspace: string;
}

/** Converts plain JSON-like data into the library's data model. */
export function toData(value: unknown): data.ExpressionData {
  if (value === undefined) return new data.Null();
  return JSON.parse(JSON.stringify(value), data.reviver) as data.ExpressionData;
}

/** Converts the library's data model back into plain JSON-like data. */
export function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

/** String form of a value as the runners render it inside templates. */
export function coerceToString(value: data.ExpressionData): string {
  if (value.kind === data.Kind.Null) return "";
  return value.coerceString();
}

export function isTruthy(value: data.ExpressionData): boolean {
  switch (value.kind) {
    case data.Kind.Null:
      return false;
    case data.Kind.Boolean:
      return (value as data.BooleanData).value;
    case data.Kind.Number: {
      const n = value.number();
      return !(n === 0 || Number.isNaN(n));
    }
    case data.Kind.String:
      return value.coerceString().length > 0;
    default:
      return true;
  }
}

const contextCache = new WeakMap<EvalScope, data.Dictionary>();

function buildContext(scope: EvalScope): data.Dictionary {
  const cached = contextCache.get(scope);
  if (cached) return cached;
  const dict = new data.Dictionary();
  for (const name of scope.names ?? CONTEXT_NAMES) {
    const v = scope.contexts[name];
    dict.add(name, toData(v ?? {}));
  }
  contextCache.set(scope, dict);
  return dict;
}

function fn(
  name: string,
  minArgs: number,
  maxArgs: number,
  call: (...args: data.ExpressionData[]) => data.ExpressionData,
): FunctionDefinition {
  return { name, minArgs, maxArgs, call };
}

const EXTENSION_FUNCTIONS = [
  { name: "success", minArgs: 0, maxArgs: 0 },
  { name: "failure", minArgs: 0, maxArgs: 0 },
  { name: "always", minArgs: 0, maxArgs: 0 },
  { name: "cancelled", minArgs: 0, maxArgs: 0 },
  { name: "hashFiles", minArgs: 1, maxArgs: 255 },
];

function functionsFor(scope: EvalScope): Map<string, FunctionDefinition> {
  const m = new Map<string, FunctionDefinition>();
  m.set(
    "success",
    fn("success", 0, 0, () => new data.BooleanData(!scope.status.failed && !scope.status.cancelled)),
  );
  m.set(
    "failure",
    fn("failure", 0, 0, () => new data.BooleanData(scope.status.failed && !scope.status.cancelled)),
  );
  m.set("always", fn("always", 0, 0, () => new data.BooleanData(true)));
  m.set("cancelled", fn("cancelled", 0, 0, () => new data.BooleanData(scope.status.cancelled)));
  m.set(
    "hashfiles",
    fn("hashFiles", 1, 255, (...args) =>
      new data.StringData(hashFiles(scope.workspace, args.map((a) => a.coerceString()))),
    ),
  );
  return m;
}

export class ExpressionEvalError extends Error {
  constructor(
    readonly expression: string,
    cause: unknown,
  ) {
    super(
      `The expression '${expression}' could not be evaluated: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
    this.name = "ExpressionEvalError";
  }
}

/** Evaluates one expression (without the `${{ }}` markers). */
export function evaluateExpression(expression: string, scope: EvalScope): data.ExpressionData {
  try {
    const { tokens } = new Lexer(expression).lex();
    const ast = new Parser(tokens, [...(scope.names ?? CONTEXT_NAMES)], EXTENSION_FUNCTIONS).parse();
    return new Evaluator(ast, buildContext(scope), functionsFor(scope)).evaluate();
  } catch (e) {
    throw new ExpressionEvalError(expression, e);
  }
}

export type TemplatePart = { literal: string } | { expression: string };

/**
 * Splits a string into literal text and `${{ ... }}` expressions. The end of
 * an expression is the first `}}` outside a single-quoted string literal.
 */
export function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf("${{", i);
    if (start < 0) {
      parts.push({ literal: text.slice(i) });
      break;
    }
    if (start > i) parts.push({ literal: text.slice(i, start) });
    let j = start + 3;
    let inString = false;
    let end = -1;
    while (j < text.length) {
      const c = text[j];
      if (inString) {
        if (c === "'") {
          if (text[j + 1] === "'") j++;
          else inString = false;
        }
      } else if (c === "'") {
        inString = true;
      } else if (c === "}" && text[j + 1] === "}") {
        end = j;
        break;
      }
      j++;
    }
    if (end < 0) {
      throw new Error(`Unclosed expression in: ${text.slice(start, start + 80)}`);
    }
    parts.push({ expression: text.slice(start + 3, end).trim() });
    i = end + 2;
  }
  return parts;
}

export function hasExpression(text: string): boolean {
  return text.includes("${{");
}

/** Replaces every `${{ }}` in `text` by the string form of its value. */
export function evaluateTemplate(text: string, scope: EvalScope): string {
  if (!hasExpression(text)) return text;
  return splitTemplate(text)
    .map((p) => ("literal" in p ? p.literal : coerceToString(evaluateExpression(p.expression, scope))))
    .join("");
}

/** Evaluates a template to a value: a lone `${{ x }}` keeps its type. */
export function evaluateTemplateValue(text: string, scope: EvalScope): data.ExpressionData {
  const parts = splitTemplate(text);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && "expression" in only) return evaluateExpression(only.expression, scope);
  return new data.StringData(evaluateTemplate(text, scope));
}

/** Does the expression call success(), failure(), always() or cancelled()? */
export function usesStatusFunction(expression: string): boolean {
  let tokens;
  try {
    tokens = new Lexer(expression).lex().tokens;
  } catch {
    return false;
  }
  for (let k = 0; k < tokens.length - 1; k++) {
    const t = tokens[k]!;
    if (
      t.type === TokenType.IDENTIFIER &&
      STATUS_FUNCTIONS.has(t.lexeme.toLowerCase()) &&
      tokens[k + 1]!.type === TokenType.LEFT_PAREN
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Evaluates an `if:` condition the way the runners do: empty means
 * `success()`; a condition without a status function is implicitly
 * `success() && (condition)`; `${{ }}` around the whole condition is allowed.
 */
export function evaluateCondition(condition: unknown, scope: EvalScope): boolean {
  if (condition === undefined || condition === null) {
    return isTruthy(evaluateExpression("success()", scope));
  }
  if (typeof condition === "boolean" || typeof condition === "number") {
    return isTruthy(evaluateExpression(`success() && (${String(condition)})`, scope));
  }
  let expr = String(condition).trim();
  if (expr === "") return isTruthy(evaluateExpression("success()", scope));
  if (hasExpression(expr)) {
    const parts = splitTemplate(expr);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only && "expression" in only) {
      expr = only.expression;
    } else {
      // Mixed literal text and expressions: the result is a string.
      const s = evaluateTemplate(expr, scope);
      return isTruthy(evaluateExpression("success()", scope)) && s.length > 0;
    }
  }
  if (!usesStatusFunction(expr)) expr = `success() && (${expr})`;
  return isTruthy(evaluateExpression(expr, scope));
}

// ── hashFiles ────────────────────────────────────────────────────────────────

function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        // `**/` matches zero or more directories, `**` anything.
        if (pattern[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if ("\\^$+.()|{}[]".includes(c)) {
      re += `\\${c}`;
    } else {
      re += c;
    }
  }
  return new RegExp(`^${re}$`);
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === ".git") continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Simple hashFiles(): glob patterns relative to the workspace (`*`, `**`,
 * `?`, leading `!` excludes); SHA-256 over the SHA-256 of each matched file,
 * in path order; '' when nothing matches.
 */
export function hashFiles(workspace: string, patterns: string[]): string {
  const includes: RegExp[] = [];
  const excludes: RegExp[] = [];
  for (const raw of patterns.flatMap((p) => p.split("\n"))) {
    const p = raw.trim().replace(/^\.\//, "");
    if (!p) continue;
    if (p.startsWith("!")) excludes.push(globToRegExp(p.slice(1).replace(/^\.\//, "")));
    else includes.push(globToRegExp(p));
  }
  const files = listFiles(workspace).filter((f) => {
    const rel = relative(workspace, f).split(sep).join("/");
    return includes.some((r) => r.test(rel)) && !excludes.some((r) => r.test(rel));
  });
  if (files.length === 0) return "";
  const outer = createHash("sha256");
  for (const f of files) {
    try {
      if (!statSync(f).isFile()) continue;
      outer.update(createHash("sha256").update(readFileSync(f)).digest());
    } catch {
      // unreadable files are skipped
    }
  }
  return outer.digest("hex");
}
