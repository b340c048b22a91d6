/**
 * The context budget: which parts of an issue or pull request go into the
 * prompt when all of it would not fit. Pure and deterministic (data in, a
 * smaller copy of the data and a record of what was left out, out).
 *
 * Always in: the trigger, the title and description, the event facts and the
 * instructions (the description and the trigger are cut only when they alone
 * would take most of the budget). The rest of the budget is shared between
 * comments, reviews and changed files by their need, up to these shares, and
 * what one of them does not use goes to the others:
 *
 * - comments (45%): the trigger's thread (earlier comments it quotes or links
 *   to), then the most recent ones, then the most relevant earlier ones
 *   (scored below), shown in their order with the gaps marked;
 * - reviews (25%): the most recent first, each with its inline comments on
 *   changed lines (outdated inline comments are left out first);
 * - changed files (30%): counts per directory, then one line per file, the
 *   files the trigger, the description or a shown review mentions first.
 */
import type { CommentData, EntityData, EntityTotals, ReviewData } from "../gitea/data";
import { estimateTokens, truncateToTokens } from "./tokens";

/** How many comments, reviews, files and commits there are (the lists' lengths when the data does not say). */
export function totalsOf(data: Pick<EntityData, "comments" | "reviews" | "files" | "commits" | "totals">): EntityTotals {
  return data.totals ?? { comments: data.comments.length, reviews: data.reviews.length, files: data.files.length, commits: data.commits.length };
}

export type CommentRange = [first: number, last: number];

export type DirectoryCount = { dir: string; files: number; additions: number; deletions: number };

/** What the fitted prompt leaves out, for the prompt to say exactly that. */
export type Omitted = {
  budget: number;
  /** Comments before the trigger: how many, which positions (1 = oldest) are left out. */
  comments: { total: number; shown: number; left: CommentRange[] };
  reviews: { total: number; shown: number; inlineTotal: number; inlineShown: number; leftIds: number[] };
  files: { total: number; read: number; listed: number; directories: DirectoryCount[] };
  commits: { total: number };
  /** Characters shown and in all, when the description was cut. */
  body?: { shown: number; total: number };
  trigger?: { shown: number; total: number };
};

export type Fitted = {
  /** The data to render (a subset; positions of the comments in `positions`). */
  data: EntityData;
  /** 1-based position of each shown comment among all comments before the trigger. */
  positions: number[];
  omitted?: Omitted;
};

export type Shares = { comments: number; reviews: number; files: number };
export const SHARES: Shares = { comments: 0.45, reviews: 0.25, files: 0.3 };

/** Tokens a changed file's line takes at least (`- a/b.ts (modified, +1 −0)`). */
export const MIN_FILE_LINE_TOKENS = 8;

/**
 * How many changed files prepare reads, out of `total`: all of them when the
 * whole list could fit in the budget, else as many as the files' share can
 * list (the rest are counted, and reachable through the paging tool).
 */
export function filesToRead(budget: number, total: number): number {
  if (total * MIN_FILE_LINE_TOKENS <= budget) return total;
  return Math.ceil((budget * SHARES.files) / MIN_FILE_LINE_TOKENS);
}

/** Comments always shown when any are (newest first), before relevance decides. */
export const RECENT_COMMENTS = 10;
/** No single comment or review may take more than this part of its share (it is cut, with a note). */
const ITEM_SHARE = 0.25;

export type Renderers = {
  comment(c: CommentData, position: number): string;
  review(r: ReviewData): string;
  file(f: EntityData["files"][number]): string;
};

/** Tokens of the rendered items, each alone (with one separator). */
const cost = (text: string) => estimateTokens(text) + 1;

// ── Comments ─────────────────────────────────────────────────────────────

const STOPWORDS = new Set(
  "this that with from have what when where which would could should there their about into been were will your they them then than also just only some more most very does done make made like please claude".split(" "),
);

function terms(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[a-z][a-z0-9_./-]{3,}/g) ?? []).filter((w) => !STOPWORDS.has(w)));
}

/** Earlier comments the trigger quotes (`> text`) or links to (`#issuecomment-<id>`). */
export function threadOf(trigger: string, comments: readonly CommentData[]): Set<number> {
  const ids = new Set<number>();
  for (const m of trigger.matchAll(/issuecomment-(\d+)/g)) ids.add(Number(m[1]));
  const quotes = trigger
    .split("\n")
    .filter((l) => /^\s*>/.test(l))
    .map((l) => l.replace(/^(\s*>)+\s?/, "").trim())
    .filter((l) => l.length >= 12);
  for (const q of quotes) {
    for (let i = comments.length - 1; i >= 0; i--) {
      if (comments[i]!.body.includes(q)) {
        ids.add(comments[i]!.id);
        break;
      }
    }
  }
  return new Set([...ids].filter((id) => comments.some((c) => c.id === id)));
}

/**
 * How relevant an earlier comment is to this request: written by the person
 * asking (+3) or the author (+2), addressed to Claude (+2), an earlier answer
 * of Claude's (+2), and one point per word it shares with the request and the
 * title (at most 5). Ties go to the more recent comment.
 */
export function relevance(c: CommentData, ctx: { triggerAuthor: string; entityAuthor: string; phrase: string; words: Set<string> }): number {
  let score = 0;
  if (c.author === ctx.triggerAuthor) score += 3;
  if (c.author === ctx.entityAuthor) score += 2;
  if (ctx.phrase && c.body.toLowerCase().includes(ctx.phrase.toLowerCase())) score += 2;
  if (/^\s*\*\*Claude (finished|encountered|timed out)/m.test(c.body)) score += 2;
  let shared = 0;
  for (const w of terms(c.body)) if (ctx.words.has(w) && ++shared >= 5) break;
  return score + shared;
}

function cutItem(text: string, maxTokens: number, what: string): string {
  const cut = truncateToTokens(text, maxTokens);
  return cut === text ? text : `${cut}\n[… cut here: ${cut.length} of ${text.length} characters shown; ${what}]`;
}

function chooseComments(data: EntityData, allowance: number, r: Renderers, phrase: string): { shown: Array<{ c: CommentData; position: number }>; used: number } {
  const all = data.comments;
  if (!all.length || allowance <= 0) return { shown: [], used: 0 };
  const positions = new Map(all.map((c, i) => [c.id, i + 1]));
  const words = terms(`${data.triggerBody}\n${data.title}`);
  const ctx = { triggerAuthor: data.triggerAuthor, entityAuthor: data.entity.author.login, phrase, words };
  const thread = threadOf(data.triggerBody, all);
  const recent = all.slice(-RECENT_COMMENTS).reverse();
  const rest = all
    .map((c) => ({ c, score: relevance(c, ctx) }))
    .sort((a, b) => b.score - a.score || b.c.id - a.c.id)
    .map((x) => x.c);
  const order = [...all.filter((c) => thread.has(c.id)), ...recent, ...rest];
  const chosen = new Map<number, CommentData>();
  let used = 0;
  const maxItem = Math.max(200, Math.floor(allowance * ITEM_SHARE));
  for (const c of order) {
    if (chosen.has(c.id)) continue;
    const position = positions.get(c.id)!;
    let item = c;
    let tokens = cost(r.comment(c, position));
    if (tokens > maxItem) {
      item = { ...c, body: cutItem(c.body, maxItem - 60, `read it whole with list_comments (position ${position})`) };
      tokens = cost(r.comment(item, position));
    }
    if (used + tokens > allowance) continue;
    chosen.set(c.id, item);
    used += tokens;
  }
  const shown = all.filter((c) => chosen.has(c.id)).map((c) => ({ c: chosen.get(c.id)!, position: positions.get(c.id)! }));
  return { shown, used };
}

/** 1-based positions not in `shown`, as ranges. */
export function leftRanges(total: number, shown: readonly number[]): CommentRange[] {
  const set = new Set(shown);
  const out: CommentRange[] = [];
  for (let p = 1; p <= total; p++) {
    if (set.has(p)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === p - 1) last[1] = p;
    else out.push([p, p]);
  }
  return out;
}

// ── Reviews ──────────────────────────────────────────────────────────────

function chooseReviews(data: EntityData, allowance: number, r: Renderers): { shown: ReviewData[]; used: number } {
  const changed = new Set(data.files.map((f) => f.path));
  const complete = totalsOf(data).files === data.files.length;
  const maxItem = Math.max(200, Math.floor(allowance * ITEM_SHARE));
  const chosen = new Map<number, ReviewData>();
  let used = 0;
  for (const review of [...data.reviews].reverse()) {
    // Inline comments on changed lines: with a line, on a file of the diff (when the whole file list was read).
    const onChanged = review.comments.filter((c) => c.line !== undefined && (!complete || changed.has(c.path)));
    let item: ReviewData = { ...review, comments: onChanged };
    if (!item.body && !item.comments.length) continue;
    let tokens = cost(r.review(item));
    if (tokens > maxItem) {
      item = { ...item, body: cutItem(item.body, Math.floor(maxItem / 3), `read it whole with list_pull_request_reviews`) };
      while (item.comments.length && cost(r.review(item)) > maxItem) item = { ...item, comments: item.comments.slice(0, -1) };
      tokens = cost(r.review(item));
    }
    if (used + tokens > allowance) continue;
    chosen.set(review.id, item);
    used += tokens;
  }
  return { shown: data.reviews.filter((x) => chosen.has(x.id)).map((x) => chosen.get(x.id)!), used };
}

// ── Files ────────────────────────────────────────────────────────────────

/** Changed files counted by directory (the first two levels), largest first. */
export function directoryCounts(files: EntityData["files"], max = 30): DirectoryCount[] {
  const by = new Map<string, DirectoryCount>();
  for (const f of files) {
    const parts = f.path.split("/");
    const dir = parts.length > 2 ? `${parts.slice(0, 2).join("/")}/` : parts.length === 2 ? `${parts[0]}/` : "(top level)";
    const d = by.get(dir) ?? { dir, files: 0, additions: 0, deletions: 0 };
    d.files++;
    d.additions += f.additions;
    d.deletions += f.deletions;
    by.set(dir, d);
  }
  return [...by.values()].sort((a, b) => b.files - a.files || a.dir.localeCompare(b.dir)).slice(0, max);
}

const directoryCost = (directories: DirectoryCount[]) =>
  directories.reduce((n, d) => n + cost(`- ${d.dir}: ${d.files.toLocaleString("en-US")} files (+${d.additions} −${d.deletions})`), 0) + 40;

function chooseFiles(data: EntityData, allowance: number, r: Renderers, mentioned: string): { listed: EntityData["files"]; used: number; directories: DirectoryCount[] } {
  const directories = directoryCounts(data.files);
  let used = directoryCost(directories);
  if (used > allowance / 2) return { listed: [], used: 0, directories: [] };
  const first = data.files.filter((f) => mentioned.includes(f.path));
  const chosen = new Set<string>();
  for (const f of [...first, ...data.files]) {
    if (chosen.has(f.path)) continue;
    const tokens = cost(r.file(f));
    if (used + tokens > allowance) break;
    chosen.add(f.path);
    used += tokens;
  }
  return { listed: data.files.filter((f) => chosen.has(f.path)), used, directories };
}

// ── Sharing the budget ───────────────────────────────────────────────────

/** Splits `room` by need: nobody gets more than it needs, the shares decide between the rest. */
export function allocate(room: number, need: Shares, shares: Shares = SHARES): Shares {
  const keys = ["comments", "reviews", "files"] as const;
  const got: Shares = { comments: 0, reviews: 0, files: 0 };
  let left = Math.max(0, room);
  let open = keys.filter((k) => need[k] > 0);
  while (left > 0.5 && open.length) {
    const weight = open.reduce((n, k) => n + shares[k], 0);
    const spend = left;
    for (const k of open) got[k] += (spend * shares[k]) / weight;
    left = 0;
    for (const k of open) {
      if (got[k] > need[k]) {
        left += got[k] - need[k];
        got[k] = need[k];
      }
    }
    open = open.filter((k) => got[k] < need[k]);
  }
  return { comments: Math.floor(got.comments), reviews: Math.floor(got.reviews), files: Math.floor(got.files) };
}

export type FitInput = {
  data: EntityData;
  budget: number;
  /** Tokens of everything around the lists (the prompt with empty lists and the left-out note). */
  fixedTokens: number;
  renderers: Renderers;
  phrase: string;
};

/**
 * The data cut to the budget. `fixedTokens` is measured by the caller with
 * the lists empty; the description and trigger are cut when they alone leave
 * less than a quarter of the budget for the lists.
 */
export function fitToBudget(input: FitInput): Fitted {
  const { data, budget, renderers: r } = input;
  const totals = totalsOf(data);
  let room = budget - input.fixedTokens;
  let body = data.body;
  let trigger = data.triggerBody;
  const omitted: Omitted = {
    budget,
    comments: { total: data.comments.length, shown: 0, left: [] },
    reviews: { total: totals.reviews, shown: 0, inlineTotal: data.reviews.reduce((n, x) => n + x.comments.length, 0), inlineShown: 0, leftIds: [] },
    files: { total: totals.files, read: data.files.length, listed: 0, directories: [] },
    commits: { total: totals.commits },
  };
  if (room < budget / 4) {
    // Cut the larger of the two first, each to at most a quarter of the budget.
    const limit = Math.floor(budget / 4);
    for (const which of estimateTokens(body) >= estimateTokens(trigger) ? (["body", "trigger"] as const) : (["trigger", "body"] as const)) {
      if (room >= budget / 4) break;
      const text = which === "body" ? body : trigger;
      const before = estimateTokens(text);
      if (before <= limit) continue;
      const cut = truncateToTokens(text, limit);
      room += before - estimateTokens(cut);
      if (which === "body") {
        body = cut;
        omitted.body = { shown: cut.length, total: data.body.length };
      } else {
        trigger = cut;
        omitted.trigger = { shown: cut.length, total: data.triggerBody.length };
      }
    }
  }

  const need: Shares = {
    comments: data.comments.reduce((n, c, i) => n + cost(r.comment(c, i + 1)), 0),
    reviews: data.reviews.reduce((n, x) => n + cost(r.review(x)), 0),
    files: data.files.reduce((n, f) => n + cost(r.file(f)), 0) + directoryCost(directoryCounts(data.files)),
  };
  const share = allocate(room, need);
  const comments = chooseComments({ ...data, triggerBody: trigger }, share.comments, r, input.phrase);
  const reviews = chooseReviews(data, share.reviews + (share.comments - comments.used), r);
  const mentioned = [trigger, body, ...reviews.shown.flatMap((x) => x.comments.map((c) => c.path))].join("\n");
  const files = chooseFiles(data, share.files + Math.max(0, share.reviews - reviews.used), r, mentioned);

  omitted.comments = { total: data.comments.length, shown: comments.shown.length, left: leftRanges(data.comments.length, comments.shown.map((s) => s.position)) };
  omitted.reviews.shown = reviews.shown.length;
  omitted.reviews.inlineShown = reviews.shown.reduce((n, x) => n + x.comments.length, 0);
  omitted.reviews.leftIds = data.reviews.filter((x) => !reviews.shown.some((s) => s.id === x.id)).map((x) => x.id);
  omitted.files.listed = files.listed.length;
  omitted.files.directories = files.listed.length < totals.files ? files.directories : [];

  return {
    data: {
      ...data,
      body,
      triggerBody: trigger,
      comments: comments.shown.map((s) => s.c),
      reviews: reviews.shown,
      files: files.listed,
    },
    positions: comments.shown.map((s) => s.position),
    omitted,
  };
}

/** Whether the data holds all there is (nothing counted but unread). */
export function completelyRead(data: EntityData): boolean {
  const t = totalsOf(data);
  return t.files <= data.files.length && t.reviews <= data.reviews.length && t.comments <= data.comments.length;
}
