/**
 * `claude_args` text → words, with the quoting a YAML author expects from a
 * shell, minus everything a shell would run.
 *
 * Actions does not run a shell on inputs, and shell-quote (which the pinned
 * base action uses) silently turns `$VAR` into nothing. So before shell-quote
 * sees the text, a quote-aware pre-scan:
 * - resolves `$(cat FILE)` (quoted or bare, FILE possibly quoted) to the
 *   file's content, trailing newlines removed, as ONE word (no word splitting
 *   or globbing, unlike a shell: the content is the value the author meant);
 *   the file must be inside the workspace (checked by the caller's reader);
 * - rejects any other `$(…)`, `$((…))`, backticks, `$NAME`, `${…}`, special
 *   parameters (`$1`, `$@`, …), `$'…'` and `$"…"` outside single quotes;
 * - treats an unquoted `#` at the start of a word as a comment to the end of
 *   the line (so lines whose first non-blank character is `#` are dropped),
 *   and a `#` inside a word as a literal character;
 * - joins lines ended by an unquoted backslash (line continuation);
 * - rejects unbalanced quotes.
 * Then shell-quote splits the words, with `( ) | & ; < >` kept literal.
 */
import { parse as shellParse } from "shell-quote";
import { inputError, shown } from "./problems";

const INPUT = "claude_args" as const;

// Private-use characters this module uses while parsing; input containing
// them is refused (their meaning would be ambiguous).
const META = "()|&;<>";
const META_BASE = 0xe010;
const PLACEHOLDER_OPEN = "\uE0F0";
const PLACEHOLDER_CLOSE = "\uE0F1";
const RESERVED = /[\uE010-\uE016\uE0F0\uE0F1]/;

const hideMeta = (s: string) =>
  s.replace(/[()|&;<>]/g, (c) => String.fromCharCode(META_BASE + META.indexOf(c)));
const revealMeta = (s: string) =>
  s.replace(/[\uE010-\uE016]/g, (c) => META[c.charCodeAt(0) - META_BASE]!);

const NO_SHELL =
  "GitHub/Gitea Actions do not run a shell on action inputs (and the base action would silently replace it with nothing): use a ${{ }} expression, or single quotes for a literal '$'";

/** Reads the file named in `$(cat FILE)`; the caller enforces the workspace rule. */
export type CatFileReader = (path: string) => Promise<string>;

export interface PreScan {
  /** The text for shell-quote: comments removed, literal `$`/`#` escaped, `$(cat …)` replaced by placeholders. */
  text: string;
  /** FILE of each `$(cat FILE)`, by placeholder index. */
  files: string[];
}

/** Snippet of the input around a problem, for messages. */
const around = (raw: string, from: number, to = from + 40) => shown(raw.slice(from, Math.min(raw.length, to)), 50);

/** Parses `cat FILE)` after `$(`; returns FILE and the index after `)`, or undefined when it is anything else. */
function parseCat(raw: string, start: number): { file: string; end: number } | undefined {
  let i = start;
  const skipBlanks = () => {
    while (raw[i] === " " || raw[i] === "\t") i++;
  };
  skipBlanks();
  if (raw.slice(i, i + 3) !== "cat" || (raw[i + 3] !== " " && raw[i + 3] !== "\t")) return undefined;
  i += 3;
  skipBlanks();
  let file = "";
  let sawWord = false;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === " " || c === "\t" || c === ")") break;
    sawWord = true;
    if (c === "'") {
      const close = raw.indexOf("'", i + 1);
      if (close === -1) return undefined;
      file += raw.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        const d = raw[i];
        if (d === undefined) return undefined;
        if (d === '"') break;
        if (d === "$" || d === "`") return undefined;
        if (d === "\\" && ['"', "\\", "$", "`"].includes(raw[i + 1] ?? "")) {
          file += raw[i + 1];
          i += 2;
          continue;
        }
        file += d;
        i++;
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 >= raw.length || raw[i + 1] === "\n") return undefined;
      file += raw[i + 1];
      i += 2;
    } else if ("$`(|&;<>\n".includes(c)) {
      return undefined;
    } else {
      file += c;
      i++;
    }
  }
  skipBlanks();
  if (raw[i] !== ")" || !sawWord || file === "") return undefined;
  return { file, end: i + 1 };
}

/** Handles a `$` at `i`; returns the text for shell-quote and the index after it. */
function dollar(raw: string, i: number, inDouble: boolean, files: string[]): { out: string; next: number } {
  const next = raw[i + 1] ?? "";
  if (next === "(") {
    if (raw[i + 2] === "(") {
      throw inputError(INPUT, `arithmetic expansion ${around(raw, i)} is not evaluated: ${NO_SHELL}`);
    }
    const cat = parseCat(raw, i + 2);
    if (!cat) {
      const close = raw.indexOf(")", i);
      const snippet = shown(raw.slice(i, close === -1 ? i + 40 : close + 1), 50);
      throw inputError(
        INPUT,
        `command substitution ${snippet} is not run: no shell runs on action inputs. Only "$(cat FILE)" is understood (FILE inside the workspace, its content becomes the value); otherwise use a \${{ }} expression`,
      );
    }
    files.push(cat.file);
    return { out: `${PLACEHOLDER_OPEN}${files.length - 1}${PLACEHOLDER_CLOSE}`, next: cat.end };
  }
  if (next === "{" || /[A-Za-z_]/.test(next)) {
    const end = next === "{" ? raw.indexOf("}", i) + 1 || i + 40 : i + 1 + /^[A-Za-z0-9_]*/.exec(raw.slice(i + 1))![0].length;
    throw inputError(INPUT, `variable ${shown(raw.slice(i, end), 50)} is not expanded: ${NO_SHELL}`);
  }
  if (/[0-9@*#?$!-]/.test(next)) {
    throw inputError(INPUT, `shell parameter ${shown(raw.slice(i, i + 2))} is not expanded: ${NO_SHELL}`);
  }
  if (!inDouble && (next === "'" || next === '"')) {
    throw inputError(INPUT, `${shown(raw.slice(i, i + 2))}…${next} quoting is not supported: use plain single quotes`);
  }
  return { out: "\\$", next: i + 1 };
}

/** The quote-aware pre-scan (see the module comment). */
export function preScan(raw: string): PreScan {
  const reserved = RESERVED.exec(raw);
  if (reserved) {
    throw inputError(INPUT, `contains the private-use character U+${reserved[0].charCodeAt(0).toString(16).toUpperCase()}, which the action reserves while parsing; remove it`);
  }
  const files: string[] = [];
  let out = "";
  let i = 0;
  let state: "plain" | "single" | "double" = "plain";
  let quoteStart = 0;
  let wordStart = true;
  while (i < raw.length) {
    const c = raw[i]!;
    if (state === "single") {
      if (c === "'") state = "plain";
      out += c;
      i++;
      continue;
    }
    if (state === "double") {
      if (c === '"') {
        state = "plain";
        out += c;
        i++;
      } else if (c === "\\") {
        const d = raw[i + 1];
        if (d === "\n") i += 2;
        else if (d === "`") (out += "`"), (i += 2);
        else if (d === "$" || d === '"' || d === "\\") (out += `\\${d}`), (i += 2);
        else (out += "\\"), i++;
      } else if (c === "`") {
        throw inputError(INPUT, `backticks ${around(raw, i)} are not run: ${NO_SHELL}`);
      } else if (c === "$") {
        const r = dollar(raw, i, true, files);
        out += r.out;
        i = r.next;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    // Unquoted.
    if (/\s/.test(c)) {
      out += c;
      wordStart = true;
      i++;
      continue;
    }
    if (c === "#" && wordStart) {
      const eol = raw.indexOf("\n", i);
      i = eol === -1 ? raw.length : eol;
      continue;
    }
    wordStart = false;
    if (c === "#") {
      out += "\\#";
      i++;
    } else if (c === "\\") {
      const d = raw[i + 1];
      if (d === undefined) (out += "\\\\"), i++;
      else if (d === "\n") i += 2;
      else (out += `\\${d}`), (i += 2);
    } else if (c === "'" || c === '"') {
      state = c === "'" ? "single" : "double";
      quoteStart = i;
      out += c;
      i++;
    } else if (c === "`") {
      throw inputError(INPUT, `backticks ${around(raw, i)} are not run: ${NO_SHELL}`);
    } else if (c === "$") {
      const r = dollar(raw, i, false, files);
      out += r.out;
      i = r.next;
    } else {
      out += c;
      i++;
    }
  }
  if (state !== "plain") {
    const q = state === "single" ? "'" : '"';
    throw inputError(INPUT, `unbalanced quotes: the ${q} at ${around(raw, quoteStart)} is never closed; expected a closing ${q}`);
  }
  return { text: out, files };
}

/**
 * Splits `claude_args` into words. `readCatFile` supplies the content of
 * each `$(cat FILE)` (trailing newlines are removed here, like a shell does).
 */
export async function tokenize(raw: string, readCatFile: CatFileReader): Promise<string[]> {
  const scan = preScan(raw);
  const contents: string[] = [];
  for (const file of scan.files) contents.push((await readCatFile(file)).replace(/\n+$/, ""));

  const words: string[] = [];
  for (const entry of shellParse(hideMeta(scan.text))) {
    let word: string;
    if (typeof entry === "string") word = entry;
    else if ("op" in entry && entry.op === "glob") word = entry.pattern;
    else throw inputError(INPUT, `could not split into words near ${shown(JSON.stringify(entry), 40)}; quote the value`);
    words.push(
      revealMeta(word).replace(new RegExp(`${PLACEHOLDER_OPEN}(\\d+)${PLACEHOLDER_CLOSE}`, "g"), (_, n: string) => contents[Number(n)] ?? ""),
    );
  }
  return words;
}
