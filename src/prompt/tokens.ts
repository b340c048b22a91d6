/**
 * A token count estimate without a tokenizer, for the context budget and the
 * benchmark's prompt-size figures.
 *
 * Claude's tokenizer is not published, and counting through the API would
 * cost a request (and a key the run may not have) before every run, so the
 * estimate is made from the text alone, and it errs high on purpose: the
 * budget is a promise about the first model request, so an estimate that is
 * too low breaks the promise, one that is too high only leaves a little more
 * out. English prose averages 3.5 to 4.5 characters per token; source code,
 * paths, markdown, hashes and numbers are denser, about 3. So: one token per
 * 3 ASCII characters, and one per other character (CJK and symbols are often
 * one token or more; accented Latin is over-counted). It is never below the
 * common `bytes / 4` rule, and over-counts English prose by about a quarter.
 */
export const ASCII_CHARS_PER_TOKEN = 3;

export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) ascii++;
    // A surrogate pair is one character: count its high half only.
    else if (code < 0xdc00 || code > 0xdfff) other++;
  }
  return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN + other);
}

/**
 * The longest prefix of `text` whose estimate is at most `tokens`, cut at a
 * line or word boundary when one is near.
 */
export function truncateToTokens(text: string, tokens: number): string {
  if (estimateTokens(text) <= tokens) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateTokens(text.slice(0, mid)) <= tokens) lo = mid;
    else hi = mid - 1;
  }
  const cut = text.slice(0, lo);
  const boundary = Math.max(cut.lastIndexOf("\n"), cut.lastIndexOf(" "));
  return boundary > lo * 0.8 ? cut.slice(0, boundary) : cut;
}
