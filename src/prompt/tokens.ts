/**
 * A token count estimate for the benchmark's prompt-size figures, without a
 * tokenizer: about 4 characters per token for ASCII text (English prose and
 * source code average 3.5 to 4.5 characters per token) and one token per
 * non-ASCII character (CJK and symbols are often one token or more; accented
 * Latin is over-counted). Good to about ±20% for English prompts: use it to
 * compare sizes, not to bill.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other);
}
