/** finish's final comment: edited in place, or replaced when it can no longer be edited, never left "working". */
import { describe, expect, it } from "vitest";
import { writeFinalComment } from "../../../src/app/final-comment";
import { GiteaError } from "../../../src/gitea/client";
import type { GiteaComment } from "../../../src/gitea/types";

const fail = (call: string, status?: number) => new GiteaError(call, status, status ? `HTTP ${status}` : "no answer (after 4 attempts)");

function fakeClient(o: { edit?: Error; create?: Error; del?: Error } = {}) {
  const calls: string[] = [];
  const comment = (id: number, body: string): GiteaComment => ({ id, body, user: { id: 1, login: "bot" }, created_at: "", html_url: `https://g/x#issuecomment-${id}` });
  return {
    calls,
    client: {
      editComment: async (id: number, body: string) => {
        calls.push(`edit ${id}`);
        if (o.edit) throw o.edit;
        return comment(id, body);
      },
      createComment: async (index: number, body: string) => {
        calls.push(`create on ${index}: ${body.split("\n").pop()}`);
        if (o.create) throw o.create;
        return comment(77, body);
      },
      deleteComment: async (id: number) => {
        calls.push(`delete ${id}`);
        if (o.del) throw o.del;
        return true;
      },
    },
  };
}

describe("writeFinalComment", () => {
  it("edits the tracking comment when it can", async () => {
    const { client, calls } = fakeClient();
    expect(await writeFinalComment(client, { id: 5, index: 3, body: "final" })).toEqual({ id: 5, url: "https://g/x#issuecomment-5", problems: [], warnings: [] });
    expect(calls).toEqual(["edit 5"]);
  });

  it("a deleted comment (404) is replaced by a new one in the final state", async () => {
    const { client, calls } = fakeClient({ edit: fail("PATCH /repos/o/r/issues/comments/5", 404) });
    const r = await writeFinalComment(client, { id: 5, index: 3, body: "final" });
    expect(r).toMatchObject({ id: 77, replaced: { oldId: 5 }, problems: [] });
    expect(r.warnings[0]).toContain("posted comment 77 in its final state instead");
    expect(calls).toEqual(["edit 5", "create on 3: <sub>This replaces the tracking comment 5, which could not be updated: it was deleted.</sub>"]);
  });

  it("an edit that keeps failing: replaced, and the old comment (still 'working') removed", async () => {
    const { client, calls } = fakeClient({ edit: fail("PATCH /repos/o/r/issues/comments/5", 500) });
    const r = await writeFinalComment(client, { id: 5, index: 3, body: "final" });
    expect(r).toMatchObject({ id: 77, problems: [] });
    expect(calls).toEqual(["edit 5", expect.stringContaining("editing it kept failing"), "delete 5"]);
  });

  it("when the old comment cannot be removed either, it says so loudly, naming both calls", async () => {
    const { client } = fakeClient({ edit: fail("PATCH /repos/o/r/issues/comments/5", 500), del: fail("DELETE /repos/o/r/issues/comments/5", 500) });
    const r = await writeFinalComment(client, { id: 5, index: 3, body: "final" });
    expect(r.id).toBe(77);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/PATCH \/repos\/o\/r\/issues\/comments\/5.*still says Claude is working.*DELETE \/repos\/o\/r\/issues\/comments\/5/);
  });

  it("when nothing can be posted, both failures are problems", async () => {
    const { client } = fakeClient({ edit: fail("PATCH /x", 500), create: fail("POST /y", 500) });
    const r = await writeFinalComment(client, { id: 5, index: 3, body: "final" });
    expect(r.id).toBeUndefined();
    expect(r.problems).toEqual([expect.stringContaining("PATCH /x"), expect.stringContaining("POST /y")]);
  });

  it("a comment that could not be read back and verified is left alone; a new one holds the final state", async () => {
    const { client, calls } = fakeClient();
    const r = await writeFinalComment(client, { id: 5, index: 3, body: "final", unreadable: "unverified" });
    expect(r).toMatchObject({ id: 77, problems: [] });
    expect(calls).toEqual(["create on 3: <sub>This replaces the tracking comment 5, which could not be updated: it could not be read back.</sub>"]);
  });
});
