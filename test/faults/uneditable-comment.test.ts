/**
 * A tracking comment that can no longer be edited when finish writes its
 * final state: deleted during the run, or every edit failing. finish posts a
 * new comment in the final state (and removes the old one when it is still
 * there), so no comment is left saying Claude is working; when even that is
 * impossible, the job fails naming each call.
 */
import { afterAll, describe, expect, it } from "vitest";
import { FINISH_OUTPUTS } from "../../src/steps";
import { issueCommentPayload } from "../support/gitea/payloads";
import { FAST_RETRY, answerInComment, defaultMessages, runInProcess } from "../support/inprocess";
import { REPO, USERS, World } from "../support/scenario";

const world = await World.start({ publicUrl: "https://gitea.example.com" });
afterAll(() => world.close());

let n = 0;
async function issueComment() {
  const issue = world.gitea.createIssue(REPO, { title: `Uneditable ${++n}`, body: "Question.", user: USERS.alice });
  const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude what does greet() do?" });
  return { index: issue.index, event: await issueCommentPayload(world.gitea, REPO, issue.index, c.id) };
}

const byBot = (index: number) => world.gitea.listComments(REPO, index).filter((c) => c.user === USERS.actions);
const errors = (log: string) => log.split("\n").filter((l) => l.startsWith("::error::"));

describe("a tracking comment that can no longer be edited", () => {
  it("deleted during the run: a new comment holds the final state", async () => {
    const { index, event } = await issueComment();
    const answer = "greet() says hello.";
    const result = await runInProcess(world, {
      eventName: "issue_comment",
      event,
      retry: FAST_RETRY,
      run: {
        messages: defaultMessages(answer),
        work: async (ctx) => {
          await answerInComment(world, answer)(ctx);
          // Someone deletes the tracking comment while Claude works.
          world.gitea.core.store.comments.delete(ctx.commentId!);
        },
      },
    });
    expect(result.finish?.code, result.log).toBe(0);
    const comments = byBot(index);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^\*\*Claude finished @alice's task/m);
    // Claude's answer comes from the execution log when the comment is gone.
    expect(comments[0]!.body).toContain(answer);
    expect(comments[0]!.body).toContain("which could not be updated: it was deleted");
    expect(comments[0]!.body).not.toContain("Claude is working");
    expect(result.finish?.io.outputs[FINISH_OUTPUTS.commentId]).toBe(String(comments[0]!.id));
    expect(result.finish?.io.outputs[FINISH_OUTPUTS.conclusion]).toBe("success");
    expect(errors(result.log)).toEqual([]);
  });

  it("every edit fails: a new comment holds the final state and the old one is removed", async () => {
    const { index, event } = await issueComment();
    const answer = "It greets.";
    const result = await runInProcess(world, {
      eventName: "issue_comment",
      event,
      retry: { ...FAST_RETRY, attempts: 2 },
      run: { messages: defaultMessages(answer), work: answerInComment(world, answer) },
      beforeFinish: () => void world.gitea.faults.add({ route: "PATCH /repos/{owner}/{repo}/issues/comments/{id}", status: 500 }),
    });
    world.gitea.faults.clear();
    expect(result.finish?.code, result.log).toBe(0);
    const comments = byBot(index);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^\*\*Claude finished/m);
    expect(comments[0]!.body).toContain(answer);
    expect(comments[0]!.body).not.toContain("Claude is working");
    expect(result.log).toMatch(/::warning::The tracking comment \d+ could not be updated \(editing it failed: Gitea PATCH \/repos\/acme\/app\/issues\/comments\/\d+ failed: HTTP 500/);
  });

  it("an edit and a removal that both keep failing: the final state is posted, and the job fails naming both calls", async () => {
    const { index, event } = await issueComment();
    const result = await runInProcess(world, {
      eventName: "issue_comment",
      event,
      retry: { ...FAST_RETRY, attempts: 2 },
      run: { messages: defaultMessages("Done."), work: answerInComment(world, "Done.") },
      beforeFinish: () => {
        world.gitea.faults.add({ route: "PATCH /repos/{owner}/{repo}/issues/comments/{id}", status: 500 });
        world.gitea.faults.add({ route: "DELETE /repos/{owner}/{repo}/issues/comments/{id}", status: 500 });
      },
    });
    world.gitea.faults.clear();
    expect(result.finish?.code).toBe(1);
    const comments = byBot(index);
    expect(comments).toHaveLength(2);
    // The replacement holds the final state; the old comment could not be taken away, and the job says so.
    expect(comments[1]!.body).toMatch(/^\*\*Claude finished/m);
    expect(comments[1]!.body).not.toContain("Claude is working");
    expect(result.log).toMatch(/::error::finish: .*still says Claude is working/);
    expect(errors(result.log).some((l) => /PATCH \/repos\/acme\/app\/issues\/comments\/\d+/.test(l) && /DELETE \/repos\/acme\/app\/issues\/comments\/\d+/.test(l))).toBe(true);
    expect(result.finish?.io.outputs[FINISH_OUTPUTS.conclusion]).toBe("failure");
  });
});
