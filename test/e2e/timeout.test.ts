/**
 * timeout_minutes at the pin (DESIGN.md §2): composite steps cannot take
 * `timeout-minutes`, so the action passes the base action a wrapper executable
 * that stops the real CLI after N minutes. A model that never answers must end
 * the run — by that wrapper, long before the runner's own job timeout — with
 * conclusion failure and a tracking comment that says it timed out.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeComment, requestMark } from "../support/claude-e2e";
import { cliRecorder } from "../support/cli-recorder";
import { text } from "../support/model/index";
import { World, step } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => world?.close());

describe("timeout_minutes", () => {
  it("stops a hung Claude after the given minutes: the run fails and the comment says it timed out", { timeout: 300_000 }, async () => {
    const recorder = await cliRecorder(path.join(world.dir, "recorder-timeout"));
    const trigger = await claudeComment(world, "Hangs forever");
    const mark = requestMark(world);
    // The CLI's own API timeout is 600 s; only the action's wrapper can end this run in seconds.
    world.script([{ hang: true, reply: [text("never sent")] }]);
    const result = await world.runAction({
      eventName: "issue_comment",
      event: trigger.event,
      // 0.2 minutes = 12 s (room for a loaded machine to start the CLI). The runner's own limit is far away: reaching it would cancel the step instead.
      with: { timeout_minutes: "0.2", path_to_claude_code_executable: recorder.executable },
      timeoutMs: 240_000,
    });

    const requests = mark.main();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.hung).toBe(true);
    world.model.assertDone();
    // The CLI was started through the action's wrapper (passed as the base action's executable), which starts the real one.
    expect(await recorder.starts()).toHaveLength(1);

    expect(result.success).toBe(false);
    expect(step(result, "run")?.outcome).toBe("failure");
    expect(step(result, "finish")?.outcome).toBe("success");
    expect(result.outputs.conclusion).toBe("failure");
    const comment = trigger.comments().find((c) => c.id === Number(result.outputs.comment_id))!;
    expect(comment.body).toContain("Claude timed out after 0.2 minutes");
    expect(comment.body).toContain("timeout_minutes");
    expect(comment.body).not.toContain("⏳");
    expect(result.summary).toContain("timeout_minutes");
  });
});
