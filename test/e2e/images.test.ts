/**
 * Images for Claude: images attached to or embedded in the issue and its
 * comments are downloaded from this Gitea server only (with the token, never
 * elsewhere), capped and checked by content, into a directory Claude may read;
 * the prompt names each file next to where it appeared, and other attachments
 * are listed with name, type and size. With attachments disabled on the
 * server there is nothing to get, and the run goes on.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_DIR_NAME } from "../../src/gitea/images";
import { issueCommentPayload } from "../support/gitea/payloads";
import { lastToolResults, text, toolUse } from "../support/model/index";
import { REPO, USERS, World, step } from "../support/scenario";
import { expectSuccess, mainRequestsFrom, promptOf } from "../support/tag";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

async function issueWithImages() {
  const pub = world.gitea.publicUrl;
  const issue = world.gitea.createIssue(REPO, { title: "The button is misaligned", body: "See the screenshot attached.", user: USERS.alice });
  const shot = world.gitea.addAttachment(REPO, { index: issue.index, name: "screenshot.png", content: PNG });
  const pdf = world.gitea.addAttachment(REPO, { index: issue.index, name: "spec.pdf", content: Buffer.alloc(3000, 1) });
  const c1 = world.gitea.addComment(REPO, issue.index, { user: USERS.bob, body: "placeholder" });
  const gif = world.gitea.addAttachment(REPO, { index: issue.index, commentId: c1.id, name: "anim.gif", content: GIF });
  const fake = world.gitea.addAttachment(REPO, { index: issue.index, commentId: c1.id, name: "not-really.png", content: Buffer.from("just text") });
  // Someone else's file, readable by the token: a link to it must not make the run fetch it for Claude.
  const privateIssue = world.gitea.createIssue(REPO, { title: "Elsewhere", body: "x", user: USERS.alice });
  const foreign = world.gitea.addAttachment(REPO, { index: privateIssue.index, name: "secret.png", content: PNG });
  world.gitea.editComment(
    c1.id,
    `Same on mobile: ![anim](${pub}/attachments/${gif.uuid}) and <img src="https://elsewhere.example/track.png"> ![x](/attachments/${foreign.uuid})`,
  );
  const trigger = world.gitea.addComment(REPO, issue.index, {
    user: USERS.alice,
    body: `@claude what is wrong here? ![inline](/attachments/${shot.uuid})`,
  });
  return { issue, trigger, shot, pdf, gif, fake, foreign };
}

describe("images attached to or embedded in an issue and its comments", () => {
  it("are downloaded from this server for Claude to read, named next to where they appeared", async () => {
    const { issue, trigger, gif, foreign } = await issueWithImages();
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, trigger.id);
    const main = mainRequestsFrom(world);
    world.script([
      {
        reply: (req) => {
          const file = /saved as (\S+\.png) /.exec(promptOf([{ body: req } as never]))?.[1] ?? "missing";
          return [toolUse("Read", { file_path: file })];
        },
      },
      {
        check: (req) => {
          const [result] = lastToolResults(req);
          expect(result?.is_error).toBe(false);
          expect(JSON.stringify(req.messages.at(-1))).toContain('"type":"image"');
        },
        reply: [toolUse("mcp__gitea__update_claude_comment", { body: "The button has a 1px offset." })],
      },
      { reply: [text("Done.")] },
    ]);
    world.gitea.clearLog();
    const result = await world.runAction({ eventName: "issue_comment", event });
    expectSuccess(result);
    world.model.assertDone();

    const prompt = promptOf(main());
    const dir = path.join(result.dirs.runnerTemp, IMAGE_DIR_NAME);
    // Next to where each appeared: the issue body, the trigger comment, bob's comment.
    // The trigger's inline image and the issue's attachment are one file, downloaded once.
    const shotFile = `${dir}/comment-${trigger.id}-1.png`;
    expect(prompt).toContain(`See the screenshot attached.\n[Image screenshot.png: saved as ${shotFile} (image/png, 70 B); open it with the Read tool]`);
    expect(prompt).toMatch(new RegExp(`<trigger_comment>\\n@claude what is wrong here\\?.*\\n\\[Image /attachments/[0-9a-f-]+: saved as ${shotFile}`));
    expect(prompt).toMatch(new RegExp(`\\[Image anim\\.gif: saved as ${dir}/comment-\\d+-1\\.gif \\(image/gif`));
    expect(prompt).toContain("[Image not-really.png: not downloaded (not a PNG, JPEG, GIF or WebP image by its content)]");
    expect(prompt).toContain("[Image https://elsewhere.example/track.png: not downloaded (not on this Gitea server)]");
    expect(prompt).toContain(`[Image /attachments/${foreign.uuid}: not downloaded (not an attachment of this issue or pull request)]`);
    // Other attachments: name, type and size.
    expect(prompt).toMatch(/- spec\.pdf \(application\/pdf, 3 KB, attached to the issue\)/);
    const saved = readdirSync(dir);
    expect(saved).toHaveLength(2);
    expect(saved).toEqual(expect.arrayContaining([`comment-${trigger.id}-1.png`, expect.stringMatching(/^comment-\d+-1\.gif$/)]));
    // Claude may read the directory: the CLI gets it as an additional directory.
    expect(step(result, "prepare")?.outputs.claude_args).toContain(`'--add-dir' '${dir}'`);
    // Downloads went to this server only, with the token, once per attachment.
    const downloads = world.gitea.requests.filter((r) => r.kind === "web");
    expect(downloads.map((r) => r.path).sort()).toEqual(
      [...new Set(downloads.map((r) => r.path))].sort(),
    );
    expect(downloads.every((r) => r.auth === USERS.actions)).toBe(true);
    expect(downloads.some((r) => r.path === `/attachments/${gif.uuid}`)).toBe(true);
    expect(downloads.some((r) => r.path === `/attachments/${foreign.uuid}`)).toBe(false);
    expect(world.gitea.violations.filter((v) => v.kind !== "unknown-query")).toEqual([]);
  });

  it("with attachments disabled on the server there is nothing to get, and the run goes on", async () => {
    const { issue, trigger } = await issueWithImages();
    world.gitea.setAttachmentsEnabled(false);
    try {
      const main = mainRequestsFrom(world);
      world.script([{ reply: [text("Done.")] }]);
      const result = await world.runAction({ eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, issue.index, trigger.id) });
      expectSuccess(result);
      const prompt = promptOf(main());
      expect(prompt).toContain("not downloaded (not found (404): deleted, or attachments are disabled)");
      expect(existsSync(path.join(result.dirs.runnerTemp, IMAGE_DIR_NAME))).toBe(readdirSync(result.dirs.runnerTemp).includes(IMAGE_DIR_NAME));
      expect(step(result, "prepare")?.outputs.claude_args).not.toContain("--add-dir");
    } finally {
      world.gitea.setAttachmentsEnabled(true);
    }
  });
});
