/**
 * headAtComment: which pull request head a comment's author saw, from the
 * pushes Gitea recorded on the timeline after the comment.
 */
import { describe, expect, it } from "vitest";
import { headAtComment } from "../../../src/gitea/trigger-head";
import type { GiteaTimelineEvent } from "../../../src/gitea/types";

const T = "2026-03-01T12:00:00Z";
const at = (s: number) => new Date(Date.parse(T) + s * 1000).toISOString().replace(".000Z", "Z");
const sha = (c: string) => c.repeat(40);
let id = 100;
const push = (seconds: number, commits: string[], force = false): GiteaTimelineEvent => ({
  id: id++,
  type: "pull_push",
  created_at: at(seconds),
  body: JSON.stringify({ is_force_push: force, commit_ids: commits }),
});
const other = (seconds: number): GiteaTimelineEvent => ({ id: id++, type: "comment", created_at: at(seconds), body: "hi" });

describe("headAtComment", () => {
  it("no push after the comment: the current head", () => {
    expect(headAtComment([push(-60, [sha("a")]), other(30)], T)).toEqual({ kind: "current" });
  });

  it("a push after the comment: the parent of its first new commit", () => {
    expect(headAtComment([push(-60, [sha("a")]), push(30, [sha("b"), sha("c")]), push(90, [sha("d")])], T)).toEqual({ kind: "parent-of", sha: sha("b"), pushedAt: at(30) });
  });

  it("a force push after the comment: the old head it names", () => {
    expect(headAtComment([push(30, [sha("a"), sha("b")], true), push(60, [sha("c")])], T)).toEqual({ kind: "sha", sha: sha("a"), pushedAt: at(30) });
  });

  it("a push in the comment's own second counts as after it", () => {
    expect(headAtComment([push(0, [sha("e")])], T)).toMatchObject({ kind: "parent-of", sha: sha("e") });
  });

  it("orders pushes by time, then by id", () => {
    const later = push(30, [sha("2")]);
    const earlier = push(30, [sha("1")]);
    earlier.id = later.id - 10;
    expect(headAtComment([later, earlier], T)).toMatchObject({ sha: sha("1") });
  });

  it("a push whose commits Gitea did not list: unknown, never a guess", () => {
    expect(headAtComment([push(30, [])], T)).toEqual({ kind: "unknown", pushedAt: at(30) });
    expect(headAtComment([push(30, [sha("a")], true)], T)).toEqual({ kind: "unknown", pushedAt: at(30) });
    expect(headAtComment([{ id: 1, type: "pull_push", created_at: at(30), body: "not json" }], T)).toEqual({ kind: "unknown", pushedAt: at(30) });
  });
});
