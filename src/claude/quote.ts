/**
 * Quoting for the `claude_args` string the pinned base action parses.
 *
 * The pin (anthropics/claude-code-base-action@53ab25a, src/parse-sdk-options.ts)
 * drops every line whose first non-blank character is `#`, swaps
 * `( ) | & ; < >` for U+E000..U+E006, splits the rest with shell-quote
 * (1.8.4 in its lockfile), swaps the metacharacters back, and reads
 * `--flag value` pairs: a word is a flag's value only when it is non-empty and
 * does not start with `--`.
 *
 * We emit every word POSIX single-quoted (`'` → `'\''`) on one line. Inside
 * single quotes shell-quote keeps every character literally (`$`, `#`, `*`,
 * spaces, JSON), with one exception in 1.8.4: its tokenizer reads a backslash
 * right before a `'` as an escaped quote, so a value containing `\'` or
 * ending in `\` would run into the next word. Such values, and the ones the
 * pin's value rule or line filter cannot carry, are refused by `pinUnsafe`;
 * callers choose another route (a file, re-serialized JSON) or report them.
 */

/** The pin's private-use stand-ins for shell metacharacters. */
const PIN_PRIVATE_USE = /[\uE000-\uE006]/;

/** POSIX single-quoting of one word. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One line of single-quoted words. */
export function joinQuoted(words: readonly string[]): string {
  return words.map(shQuote).join(" ");
}

/**
 * Why a flag's value cannot reach the CLI intact through the pin, or
 * undefined when it can.
 */
export function pinUnsafe(value: string): string | undefined {
  if (value === "") return "it is empty (the base action reads an empty value as a flag without value)";
  if (value.startsWith("--")) return "it starts with '--' (the base action reads it as the next flag)";
  if (/[\r\n]/.test(value)) return "it spans several lines (the base action's claude_args is read line by line)";
  if (value.includes("\0")) return "it contains a NUL character";
  if (PIN_PRIVATE_USE.test(value)) return "it contains a character in U+E000..U+E006, which the base action turns into a shell metacharacter";
  if (value.endsWith("\\") || value.includes("\\'")) {
    return "it contains a backslash followed by a quote, or ends with a backslash (the base action's shell-quote 1.8.4 mis-reads that)";
  }
  return undefined;
}

/**
 * Compact JSON that survives the pin: JSON.stringify, and when that text
 * holds a backslash before a quote, every escaped backslash written as
 * `\u005c` instead (the same JSON value).
 */
export function pinSafeJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!pinUnsafe(text)) return text;
  // Escapes in JSON text are `\x` pairs read left to right, so each `\\`
  // found this way is one escaped backslash. U+E000..U+E006 can only be
  // inside strings, where `\uXXXX` means the same character.
  return text
    .replace(/\\\\/g, "\\u005c")
    .replace(/[\uE000-\uE006]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
