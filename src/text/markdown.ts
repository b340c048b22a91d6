/**
 * Untrusted markdown read the way Gitea renders it: a CommonMark + GFM
 * parser (micromark, through mdast-util-from-markdown: the reference
 * CommonMark implementation in JavaScript; Gitea renders with goldmark, also
 * CommonMark + GFM) finds what a reader of the rendered page never sees, by
 * position in the source:
 *
 * - link reference definitions, in every form and position (multi-line, in a
 *   blockquote, in a list item): they render as nothing; one a link uses is
 *   kept as `[label]: url` (the target is visible), its title dropped;
 * - HTML comments, and the content of the elements Gitea's sanitizer
 *   (bluemonday) drops with their content: script, style, noscript,
 *   noembed, noframes, iframe, object, template, title, head, frameset,
 *   nostyle — across markdown blocks until the closing tag;
 * - image alt text and link or image titles (shown only as tooltips).
 *
 * Text inside code spans and code blocks is what a reader sees and is left
 * alone. Blockquotes are available separately (quoted text is not the
 * sender's own words, for trigger detection).
 */
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";

type Point = { offset?: number };
type Node = {
  type: string;
  children?: Node[];
  position?: { start: Point; end: Point };
  value?: string;
  identifier?: string;
  label?: string;
  url?: string;
  title?: string | null;
  alt?: string | null;
};

export type Edit = { start: number; end: number; text: string };

/** Elements whose content the sanitizer drops along with the tags. */
const SKIP_CONTENT = ["script", "style", "noscript", "noembed", "noframes", "iframe", "object", "template", "title", "head", "frameset", "nostyle", "xmp", "plaintext"];
const OPEN_SKIP = new RegExp(`<(${SKIP_CONTENT.join("|")})(?=[\\s/>])`, "i");

function parse(text: string): Node {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as unknown as Node;
}

function walk(node: Node, visit: (node: Node, ancestors: Node[]) => void, ancestors: Node[] = []): void {
  visit(node, ancestors);
  for (const child of node.children ?? []) walk(child, visit, [...ancestors, node]);
}

const span = (n: Node): [number, number] | undefined => {
  const s = n.position?.start.offset;
  const e = n.position?.end.offset;
  return s === undefined || e === undefined ? undefined : [s, e];
};

/** Applies non-overlapping edits (later ones first). Overlaps keep the outer edit. */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Edit[] = [];
  for (const e of sorted) {
    const last = kept.at(-1);
    if (last && e.start < last.end) continue;
    kept.push(e);
  }
  let out = text;
  for (const e of kept.reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The edits that remove what a reader of the rendered page does not see. */
export function hiddenEdits(text: string): Edit[] {
  const tree = parse(text);
  const edits: Edit[] = [];
  const used = new Set<string>();
  walk(tree, (n) => {
    if ((n.type === "linkReference" || n.type === "imageReference") && n.identifier) used.add(n.identifier);
  });
  const htmls: Node[] = [];
  walk(tree, (n) => {
    const at = span(n);
    if (!at) return;
    switch (n.type) {
      case "definition":
        edits.push({ start: at[0], end: at[1], text: n.identifier && used.has(n.identifier) ? `[${n.label ?? n.identifier}]: ${n.url ?? ""}` : "" });
        break;
      case "html":
        htmls.push(n);
        break;
      case "image":
        edits.push({ start: at[0], end: at[1], text: `![](${n.url ?? ""})` });
        break;
      case "link":
        if (n.title) {
          // Keep the visible text (children) and the target; drop only the tooltip.
          const inner = n.children?.length ? text.slice(span(n.children[0]!)![0], span(n.children.at(-1)!)![1]) : "";
          edits.push({ start: at[0], end: at[1], text: `[${inner}](${n.url ?? ""})` });
        }
        break;
      case "imageReference":
        edits.push({ start: at[0], end: at[1], text: `![][${n.label ?? n.identifier ?? ""}]` });
        break;
    }
  });
  edits.push(...htmlEdits(text, htmls));
  return edits;
}

/** HTML comments, and skip-content elements from their opening tag to their closing tag (or the end). */
function htmlEdits(text: string, nodes: Node[]): Edit[] {
  const edits: Edit[] = [];
  const ordered = nodes.map((n) => ({ n, at: span(n)! })).sort((a, b) => a.at[0] - b.at[0]);
  for (let i = 0; i < ordered.length; i++) {
    const { n, at } = ordered[i]!;
    const value = n.value ?? text.slice(at[0], at[1]);
    const comment = /<!--[\s\S]*?(-->|$)/g;
    for (let m = comment.exec(value); m; m = comment.exec(value)) {
      edits.push({ start: at[0] + m.index, end: at[0] + m.index + m[0].length, text: "" });
      if (m[0].length === 0) comment.lastIndex++;
    }
    const open = OPEN_SKIP.exec(value);
    if (!open) {
      edits.push(...attributeEdits(value, at[0]));
      continue;
    }
    const name = open[1]!.toLowerCase();
    const closeTag = new RegExp(`</${name}\\s*>`, "i");
    const start = at[0] + open.index;
    const sameNode = closeTag.exec(value.slice(open.index));
    if (sameNode) {
      edits.push({ start, end: start + sameNode.index + sameNode[0].length, text: "" });
      continue;
    }
    // The element runs on through the markdown that follows, until the html node that closes it.
    let end = text.length;
    for (let j = i + 1; j < ordered.length; j++) {
      const later = ordered[j]!;
      const close = closeTag.exec(later.n.value ?? text.slice(later.at[0], later.at[1]));
      if (close) {
        end = later.at[0] + close.index + close[0].length;
        i = j;
        break;
      }
    }
    edits.push({ start, end, text: "" });
  }
  return edits;
}

/** Attributes that carry text a reader never sees. */
const HIDDEN_ATTRIBUTES = /\s(?:alt|title|aria-label|aria-description|data-[\w-]+|placeholder|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;

function attributeEdits(value: string, offset: number): Edit[] {
  const edits: Edit[] = [];
  const tag = /<[a-z][^>]*>/gi;
  for (let m = tag.exec(value); m; m = tag.exec(value)) {
    const cleaned = m[0].replace(HIDDEN_ATTRIBUTES, "");
    if (cleaned !== m[0]) edits.push({ start: offset + m.index, end: offset + m.index + m[0].length, text: cleaned });
  }
  return edits;
}

/** The text without its blockquotes (what the author quoted is not what they wrote). */
export function withoutQuotes(text: string): string {
  const edits: Edit[] = [];
  walk(parse(text), (n) => {
    const at = span(n);
    if (n.type === "blockquote" && at) edits.push({ start: at[0], end: at[1], text: "" });
  });
  return applyEdits(text, edits);
}

/**
 * Replaces code spans and code blocks with placeholders (their text is shown
 * as written: no entity decoding, no HTML), so text-level cleaning can run on
 * the rest; `restore` puts them back, passed through `clean`.
 */
export function maskCode(text: string): { masked: string; restore: (s: string, clean: (code: string) => string) => string } {
  const input = text.replace(/\0/g, "");
  const codes: string[] = [];
  const edits: Edit[] = [];
  walk(parse(input), (n) => {
    const at = span(n);
    if ((n.type === "code" || n.type === "inlineCode") && at) {
      edits.push({ start: at[0], end: at[1], text: `\0${codes.length}\0` });
      codes.push(input.slice(at[0], at[1]));
    }
  });
  return {
    masked: applyEdits(input, edits),
    restore: (s, clean) => s.replace(/\0(\d+)\0/g, (_m, i: string) => clean(codes[Number(i)] ?? "")),
  };
}
