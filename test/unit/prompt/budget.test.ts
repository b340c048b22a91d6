/** The context budget: nothing changes below it; above it, a deterministic choice that fits and says what it left out. */
import { describe, expect, it } from "vitest";
import type { EntityData } from "../../../src/gitea/data";
import { buildPrompt, estimateTokens } from "../../../src/prompt";
import { allocate, filesToRead, leftRanges, relevance, threadOf } from "../../../src/prompt/budget";
import { truncateToTokens } from "../../../src/prompt/tokens";
import { issueCommentInput, prCommentInput, prData } from "./fixtures";

const BUDGET = 60_000;
const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua".split(" ");

/** About `bytes` of prose, different for each seed. */
function prose(bytes: number, seed: number): string {
  let out = "";
  for (let i = 0; out.length < bytes; i++) out += `${words[(seed * 7 + i * 3) % words.length]}${i % 12 === 11 ? ".\n" : " "}`;
  return out.slice(0, bytes);
}

/** A pull request with `files` changed files and `comments` comments of about `size` bytes (the data as prepare reads it). */
export function bigPR(o: { files: number; comments: number; size: number; filesRead?: number }): EntityData {
  const base = prData();
  const read = Math.min(o.files, o.filesRead ?? o.files);
  const files = Array.from({ length: read }, (_, i) => ({
    path: `src/${["core", "ui", "api", "db"][i % 4]}/module-${String(i + 1).padStart(5, "0")}.ts`,
    status: "modified",
    additions: (i % 9) + 1,
    deletions: i % 3,
  }));
  const comments = Array.from({ length: o.comments }, (_, i) => ({
    id: 1000 + i,
    author: ["bob", "carol", "erin"][i % 3]!,
    createdAt: `2026-01-0${1 + (i % 9)}T10:00:00Z`,
    body: `Comment ${i + 1}: ${prose(o.size, i)}`,
  }));
  if (comments[41]) comments[41].body = `The parser rejects negative years entirely, which is the real bug here. ${prose(200, 1)}`;
  return {
    ...base,
    comments,
    files,
    reviews: [
      ...base.reviews,
      {
        id: 40,
        author: "carol",
        state: "COMMENT",
        body: "Inline notes.",
        comments: [
          { id: 401, author: "carol", path: "src/core/module-00001.ts", line: 3, body: "Off by one here." },
          { id: 402, author: "carol", path: "src/core/module-00001.ts", body: "Outdated note." },
        ],
      },
    ],
    totals: { comments: o.comments, reviews: 2, files: o.files, commits: 250 },
    triggerBody: "@claude please fix this.\n\n> The parser rejects negative years entirely, which is the real bug here.",
  };
}

describe("below the budget", () => {
  it("changes nothing: the prompt is the one without a budget", () => {
    for (const input of [issueCommentInput(), prCommentInput()]) {
      expect(buildPrompt({ ...input, contextBudget: BUDGET }).text).toBe(buildPrompt(input).text);
    }
  });

  it("a PR of 300 files and 200 short comments keeps every comment, file and review", () => {
    const data = bigPR({ files: 300, comments: 200, size: 30 });
    const text = buildPrompt(prCommentInput({ data, contextBudget: BUDGET })).text;
    expect(text).toBe(buildPrompt(prCommentInput({ data })).text);
    for (const c of data.comments) expect(text).toContain(c.body);
    for (const f of data.files) expect(text).toContain(f.path);
    expect(text).toContain("Outdated note.");
    expect(text).not.toContain("<omitted_context>");
  });
});

describe("above the budget", () => {
  const data = bigPR({ files: 3000, comments: 2000, size: 2048 });
  const full = buildPrompt(prCommentInput({ data })).text;
  const text = buildPrompt(prCommentInput({ data, contextBudget: BUDGET })).text;

  it("stays under the budget whatever the size", () => {
    expect(estimateTokens(full)).toBeGreaterThan(10 * BUDGET);
    expect(estimateTokens(text)).toBeLessThanOrEqual(BUDGET);
    // Most of the budget is used, not thrown away.
    expect(estimateTokens(text)).toBeGreaterThan(BUDGET * 0.8);
    for (const budget of [8_000, 20_000, 150_000]) {
      expect(estimateTokens(buildPrompt(prCommentInput({ data, contextBudget: budget })).text)).toBeLessThanOrEqual(budget);
    }
  });

  it("is deterministic", () => {
    expect(buildPrompt(prCommentInput({ data, contextBudget: BUDGET })).text).toBe(text);
  });

  it("keeps the trigger, its thread, the description, the most recent comments and review comments on changed lines", () => {
    expect(text).toContain("<trigger_comment>\n@claude please fix this.");
    expect(text).toContain(data.body);
    expect(text).toContain(data.comments[41]!.body);
    for (const c of data.comments.slice(-10)) expect(text).toContain(c.body);
    expect(text).toContain("Off by one here.");
    expect(text).not.toContain("Outdated note.");
    // Not a file of this diff: not on a changed line.
    expect(text).not.toContain("This drops the header row.");
  });

  it("lists the files compactly, with counts by directory", () => {
    expect(text).toMatch(/By directory:\n- src\/api\/: 750 files \(\+\d+ −750\)\n- src\/core\/: 750 files/);
    expect(text).toMatch(/Listed: [\d,]+ of 3,000 changed files:/);
    expect(text).toContain("src/core/module-00001.ts");
  });

  it("states exactly what was left out and how to get it", () => {
    const section = /<omitted_context>\n([\s\S]*?)\n<\/omitted_context>/.exec(text)?.[1] ?? "";
    expect(section).toContain("the prompt's context budget (60,000 tokens)");
    const shown = Number(/Comments: ([\d,]+) of the 2,000/.exec(section)?.[1]?.replace(/,/g, ""));
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(2000);
    expect(section).toMatch(/Left out, by position \(1 = oldest\): 1–\d+/);
    expect(section).toContain('mcp__gitea__list_comments {"page": P}');
    expect(section).toContain("mcp__gitea__list_pull_request_files");
    expect(section).toContain("mcp__gitea__get_pull_request_file_diff");
    expect(section).toContain("Commits: 250 (not listed): mcp__gitea__list_pull_request_commits");
    expect(section).toContain("mcp__gitea__list_review_comments");
    // The shown comments carry their positions, and every gap is marked.
    const positions = [...text.matchAll(/^\(position ([\d,]+)\)/gm)].map((m) => Number(m[1]!.replace(/,/g, "")));
    expect(positions).toHaveLength(shown);
    expect(positions).toContain(2000);
    expect(positions).toContain(42);
    expect(text).toMatch(/\[… [\d,]+ comments left out here \(positions 1–\d+, oldest first\) …\]/);
  });

  it("says so when not every file was read, even when the rest fits", () => {
    const partial = bigPR({ files: 30_000, filesRead: 500, comments: 3, size: 40 });
    const out = buildPrompt(prCommentInput({ data: partial, contextBudget: BUDGET })).text;
    expect(out).toContain("Listed: 500 of 30,000 changed files:");
    expect(out).toContain("the first 500 in Gitea's order were read");
    for (const c of partial.comments) expect(out).toContain(c.body);
  });

  it("cuts a description or request that alone would take the budget, and says where", () => {
    const huge = { ...prData(), body: prose(400_000, 3) };
    const out = buildPrompt(prCommentInput({ data: huge, contextBudget: 20_000 })).text;
    expect(estimateTokens(out)).toBeLessThanOrEqual(20_000);
    expect(out).toMatch(/description was cut after [\d,]+ of 400,000 characters; read it whole with mcp__gitea__get_pull_request/);
  });

  it("applies to override_prompt's list variables too", () => {
    const out = buildPrompt(prCommentInput({ data, contextBudget: BUDGET, overridePrompt: "Review.\n$PR_COMMENTS\n$CHANGED_FILES\n$REVIEW_COMMENTS" })).text;
    expect(estimateTokens(out)).toBeLessThanOrEqual(BUDGET);
    expect(out).toContain("<omitted_context>");
  });
});

describe("the parts", () => {
  it("share the room by need: nobody gets more than it needs", () => {
    expect(allocate(1000, { comments: 100, reviews: 0, files: 5000 })).toEqual({ comments: 100, reviews: 0, files: 900 });
    expect(allocate(1000, { comments: 5000, reviews: 5000, files: 5000 })).toEqual({ comments: 450, reviews: 250, files: 300 });
  });

  it("prepare reads every changed file when the list could fit, else what the files' share can list", () => {
    expect(filesToRead(60_000, 7_000)).toBe(7_000);
    expect(filesToRead(60_000, 30_000)).toBe(2_250);
    expect(filesToRead(60_000, 3_000_000)).toBe(2_250);
  });

  it("left-out positions are ranges", () => {
    expect(leftRanges(10, [3, 4, 9])).toEqual([[1, 2], [5, 8], [10, 10]]);
  });

  it("the thread: comments the trigger quotes or links", () => {
    const comments = [
      { id: 1, author: "a", createdAt: "", body: "First idea: use a lookup table instead." },
      { id: 2, author: "b", createdAt: "", body: "Second." },
    ];
    expect([...threadOf("> First idea: use a lookup table instead.\n@claude do it", comments)]).toEqual([1]);
    expect([...threadOf("see #issuecomment-2", comments)]).toEqual([2]);
  });

  it("relevance favours the asker, the author, requests to Claude and shared words", () => {
    const ctx = { triggerAuthor: "alice", entityAuthor: "dave", phrase: "@claude", words: new Set(["parser"]) };
    const c = (author: string, body: string) => ({ id: 1, author, createdAt: "", body });
    expect(relevance(c("alice", "x"), ctx)).toBeGreaterThan(relevance(c("zed", "x"), ctx));
    expect(relevance(c("zed", "the parser again"), ctx)).toBe(1);
    expect(relevance(c("zed", "@claude try"), ctx)).toBe(2);
  });

  it("truncation never exceeds the tokens asked for", () => {
    const t = prose(10_000, 1);
    expect(estimateTokens(truncateToTokens(t, 500))).toBeLessThanOrEqual(500);
    expect(estimateTokens("abc")).toBe(1);
    expect(estimateTokens("日本語")).toBe(3);
  });
});
