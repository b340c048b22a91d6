/**
 * Untrusted text (issue bodies, comments, reviews, commit messages) is cleaned
 * before it can reach a prompt, so that nothing a reader of the rendered page
 * cannot see reaches the model:
 *
 * 1. a CommonMark + GFM parse of the text as written (src/text/markdown.ts)
 *    removes reference definitions in every form and position, HTML comments,
 *    the content of elements Gitea's sanitizer drops (style, script,
 *    noscript…), alt text and titles;
 * 2. outside code spans and blocks (shown as written), HTML entities are
 *    decoded (so an encoded comment cannot slip through), the parse runs
 *    again on the decoded text, and then HTML comments, hidden elements,
 *    hidden HTML attributes, image alt text and link titles go, repeated
 *    until nothing changes;
 * 3. invisible and bidi control characters go everywhere, code included.
 *
 * Step 2 may remove text a reader did see (an encoded `&lt;!-- … --&gt;`):
 * erring on the side of the model seeing less, never in code.
 */
import { applyEdits, hiddenEdits, maskCode } from "./markdown";

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  shy: "\u00ad",
  zwj: "\u200d",
  zwnj: "\u200c",
  lrm: "\u200e",
  rlm: "\u200f",
};

/** Decodes numeric and common named entities, repeatedly, so `&amp;lt;` cannot hide a `<`. */
export function decodeEntities(text: string): string {
  let current = text;
  for (let i = 0; i < 3; i++) {
    const next = current.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, ref: string) => {
      if (ref[0] === "#") {
        const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
      }
      return NAMED_ENTITIES[ref.toLowerCase()] ?? match;
    });
    if (next === current) break;
    current = next;
  }
  return current;
}

export function stripHtmlComments(text: string): string {
  // An unterminated comment hides everything after it in rendered markdown: drop it too.
  return text.replace(/<!--[\s\S]*?(-->|$)/g, "");
}

/**
 * Zero-width and formatting characters, bidi controls, soft hyphen, Unicode
 * tag characters and variation selectors: invisible in the rendered page but
 * read by a model.
 */
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]|\udb40[\udc00-\udc7f]|\udb40[\udd00-\uddef]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, "");
}

/** Attributes that carry text a reader never sees. */
const HIDDEN_ATTRIBUTES = /\s(?:alt|title|aria-label|aria-description|data-[\w-]+|placeholder|hidden|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;

export function stripHiddenAttributes(text: string): string {
  return text.replace(/<[a-z][^>]*>/gi, (tag) => tag.replace(HIDDEN_ATTRIBUTES, "").replace(/\s(?:hidden)(?=[\s>/])/gi, ""));
}

/** A link reference definition on its own line: `[label]: url "title"` (the title may also be '…' or (…)). */
const REFERENCE_DEFINITION = /^ {0,3}\[([^\]\n]+)\]:[ \t]*(\S+)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$/gm;

const normalLabel = (label: string) => label.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * `![hidden words](url)` → `![](url)`; `[text](url "hidden words")` → `[text](url)`; a reference
 * definition keeps only `[label]: url`, and goes entirely when nothing refers to its label (it renders
 * as nothing, so `[//]: # (…)` and `[any words]: #` are hidden text).
 */
export function stripMarkdownHiddenText(text: string): string {
  const rest = text.replace(REFERENCE_DEFINITION, "").toLowerCase().replace(/\s+/g, " ");
  return text
    .replace(REFERENCE_DEFINITION, (_line, label: string, url: string) => (rest.includes(`[${normalLabel(label)}]`) ? `[${label}]: ${url}` : ""))
    .replace(/!\[[^\]]*\]\(/g, "![](")
    .replace(/!\[[^\]]*\]\[/g, "![][")
    .replace(/(\[[^\]]*\]\(\s*[^\s)]+)\s+(?:"[^"]*"|'[^']*'|\([^)]*\))\s*\)/g, "$1)");
}

/** Elements whose content Gitea's sanitizer drops with the tags (their text never shows). */
const SKIP_CONTENT_ELEMENT = /<(script|style|noscript|noembed|noframes|iframe|object|template|title|head|frameset|nostyle|xmp|plaintext)(?=[\s/>])[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi;

export function stripSkipContentElements(text: string): string {
  return text.replace(SKIP_CONTENT_ELEMENT, "");
}

/** What the markdown parser finds hidden, removed. */
export function stripParsedHidden(text: string): string {
  return applyEdits(text, hiddenEdits(text));
}

export function sanitizeUntrusted(text: string): string {
  if (!text) return "";
  const { masked, restore } = maskCode(stripParsedHidden(text));
  let out = stripParsedHidden(decodeEntities(masked));
  // Removing one piece can assemble another (`<!<!-- x -->-- y -->`, `<!\u200b-- y -->`): repeat a few
  // times, then defuse any comment opener still left (deep nesting), so no comment survives in linear time.
  for (let pass = 0; pass < 8; pass++) {
    const next = stripMarkdownHiddenText(stripHiddenAttributes(stripInvisible(stripSkipContentElements(stripHtmlComments(out)))));
    if (next === out) break;
    out = next;
  }
  return restore(out.replace(/<!--/g, "&lt;!--"), stripInvisible).trim();
}
