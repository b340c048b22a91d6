/** One file's part of a pull request's diff, read from the stream of the whole diff. */
import { describe, expect, it } from "vitest";
import { headerPaths, sectionOf } from "../../../src/gitea/pull-diff";

async function* chunks(text: string, size = 5) {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe("headerPaths", () => {
  it("reads plain, spaced, renamed and quoted (C-escaped) paths", () => {
    expect(headerPaths("diff --git a/src/a.ts b/src/a.ts")).toEqual(["src/a.ts", "src/a.ts"]);
    expect(headerPaths("diff --git a/a b/c.ts a/a b/c.ts")).toEqual(["a b/c.ts", "a b/c.ts"]);
    expect(headerPaths("diff --git a/old.ts b/new.ts")).toEqual(["old.ts", "new.ts"]);
    expect(headerPaths('diff --git "a/src/\\303\\251.ts" "b/src/\\303\\251.ts"')).toEqual(["src/é.ts", "src/é.ts"]);
    expect(headerPaths('diff --git "a/tab\\there" "b/tab\\there"')).toEqual(["tab\there", "tab\there"]);
  });
});

describe("sectionOf", () => {
  const diff = ["diff --git a/x b/x", "+x", 'diff --git "a/\\303\\251" "b/\\303\\251"', "+é", "diff --git a/y b/y", "+y1", "+y2", ""].join("\n");
  it("keeps only the asked file's section, across chunk boundaries, and stops reading after it", async () => {
    let stopped = false;
    const s = await sectionOf(chunks(diff), "é", 1000, async () => void (stopped = true));
    expect(s?.text).toBe('diff --git "a/\\303\\251" "b/\\303\\251"\n+é\n');
    expect(stopped).toBe(true);
    expect((await sectionOf(chunks(diff), "y", 1000, async () => {}))?.text).toBe("diff --git a/y b/y\n+y1\n+y2\n");
    expect(await sectionOf(chunks(diff), "zzz", 1000, async () => {})).toBeUndefined();
  });
  it("gives a long section in parts of whole lines", async () => {
    const first = await sectionOf(chunks(diff), "y", 22, async () => {});
    expect(first).toMatchObject({ text: "diff --git a/y b/y\n", offset: 0, next: 19 });
    const second = await sectionOf(chunks(diff), "y", 22, async () => {}, 19);
    expect(second).toMatchObject({ text: "+y1\n+y2\n", offset: 19 });
    expect(second?.next).toBeUndefined();
  });
});
