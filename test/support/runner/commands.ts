// Workflow commands (`::name props::message` lines on stdout/stderr), log
// masking, and the file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH).

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  /** Display name of the step that emitted it. */
  step: string;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export function unescapeData(s: string): string {
  return s.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%25/g, "%");
}

export function unescapeProperty(s: string): string {
  return s
    .replace(/%0D/gi, "\r")
    .replace(/%0A/gi, "\n")
    .replace(/%3A/gi, ":")
    .replace(/%2C/gi, ",")
    .replace(/%25/g, "%");
}

/** Parses `::command key=v,key=v::message`; null when the line is not a command. */
export function parseWorkflowCommand(line: string): WorkflowCommand | null {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith("::")) return null;
  const end = trimmed.indexOf("::", 2);
  if (end < 0) return null;
  const head = trimmed.slice(2, end);
  const message = unescapeData(trimmed.slice(end + 2));
  const space = head.indexOf(" ");
  const command = (space < 0 ? head : head.slice(0, space)).trim();
  if (!command) return null;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(",")) {
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { command, properties, message };
}

/** Secret masking: every registered value is replaced by `***`. */
export class Masker {
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  /** `recordOnly`: values are listed but never replaced. */
  constructor(private readonly recordOnly = false) {}

  add(value: string | undefined | null): void {
    if (value === undefined || value === null) return;
    // Multi-line values are also registered line by line (as the runners
    // do), except trivial lines such as "{" that would mask everything.
    const lines = value.includes("\n") ? value.split(/\r?\n/).filter((l) => l.trim().length >= 4) : [];
    let changed = false;
    for (const c of [value, ...lines]) {
      const v = c.trim() === "" ? "" : c;
      if (!v || this.values.has(v)) continue;
      this.values.add(v);
      changed = true;
    }
    if (changed) this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  list(): string[] {
    return [...this.values];
  }

  mask(text: string): string {
    if (this.recordOnly) return text;
    let out = text;
    for (const v of this.sorted) {
      if (out.includes(v)) out = out.split(v).join("***");
    }
    return out;
  }
}

/**
 * Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file: `name=value` lines
 * and `name<<DELIMITER` heredocs (value is every line up to a line equal to
 * DELIMITER). Returns entries in file order.
 */
export function parseKeyValueFile(content: string, label: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = content.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  // A trailing newline produces one empty last element.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (!name) throw new Error(`Invalid format '${line}' in ${label}: empty name`);
      out.push([name, line.slice(eq + 1)]);
    } else if (heredoc > 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!delimiter) throw new Error(`Invalid format '${line}' in ${label}: empty delimiter`);
      const value: string[] = [];
      let closed = false;
      for (i = i + 1; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i]!);
      }
      if (!closed) {
        throw new Error(`Invalid value in ${label}: matching delimiter not found '${delimiter}'`);
      }
      out.push([name, value.join("\n")]);
    } else {
      throw new Error(`Invalid format '${line}' in ${label}`);
    }
  }
  return out;
}

/** GITHUB_PATH: one directory per line. */
export function parsePathFile(content: string): string[] {
  return content
    .split("\n")
    .map((l) => l.replace(/\r$/, "").trim())
    .filter((l) => l.length > 0);
}
