/**
 * Any size: @claude on a pull request of 3,000 changed files and 2,000
 * comments of 2 KB runs with a first request under the context budget, the
 * prompt saying what it left out, and Claude pages through the rest with the
 * gitea tools (comments, files, one file's patch, reviews); a pull request of
 * 300 files and 200 comments keeps every comment and file, as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/prompt/tokens";
import { issueCommentPayload } from "../support/gitea/payloads";
import { allToolResults, firstUserText, text, toolUse } from "../support/model/index";
import { REPO, USERS, World } from "../support/scenario";
import { commentsBy, expectSuccess, mainRequestsFrom, promptOf } from "../support/tag";

const BUDGET = 60_000;
let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

const words = "the parser reads each line and keeps what it needs while the rest of the file waits for its turn".split(" ");
const prose = (bytes: number, seed: number) => {
  let out = "";
  for (let i = 0; out.length < bytes; i++) out += `${words[(seed + i * 7) % words.length]} `;
  return out.slice(0, bytes);
};

let prs = 0;
async function bigPullRequest(o: { files: number; comments: number; commentBytes: number }) {
  const files: Record<string, string> = {};
  for (let i = 1; i <= o.files; i++) files[`pkg/${String(i % 7)}/file-${String(i).padStart(5, "0")}.txt`] = `line ${i}\n`;
  const head = `feature/scale-${++prs}`;
  await world.gitea.commitFiles(REPO, head, files, `Add ${o.files} files`, USERS.alice);
  const pr = await world.gitea.createPullRequest(REPO, { title: `Scale ${prs}`, body: `Adds ${o.files} files. The description is always shown.`, user: USERS.alice, head, base: "main" });
  for (let i = 1; i <= o.comments; i++) {
    const body = o.commentBytes > 40 ? `Comment ${i}: ${prose(o.commentBytes, i)}` : `Comment ${i}: looks fine.`;
    world.gitea.addComment(REPO, pr.index, { user: i % 2 ? USERS.alice : USERS.bob, body });
  }
  return pr;
}

describe("a pull request of 3,000 files and 2,000 comments of 2 KB", () => {
  it("runs with the first request under the budget, says what it left out, and Claude reads the rest through the tools", async () => {
    const pr = await bigPullRequest({ files: 3000, comments: 2000, commentBytes: 2048 });
    await world.gitea.addReview(REPO, pr.index, {
      user: USERS.bob,
      type: "COMMENT",
      body: "One inline note.",
      comments: [{ path: "pkg/1/file-00001.txt", body: "Why line 1?", new_position: 1 }],
    });
    const quoted = world.gitea.listComments(REPO, pr.index)[41]!;
    const trigger = world.gitea.addComment(REPO, pr.index, {
      user: USERS.alice,
      body: `@claude please summarise.\n\n> ${quoted.body.slice(0, 60)}`,
    });
    const event = await issueCommentPayload(world.gitea, REPO, pr.index, trigger.id);

    world.script([
      { reply: [toolUse("mcp__gitea__list_comments", { page: 1 })] },
      { reply: [toolUse("mcp__gitea__list_pull_request_files", { page: 60 })] },
      { reply: [toolUse("mcp__gitea__get_pull_request_file_diff", { path: "pkg/3/file-02999.txt" })] },
      { reply: [toolUse("mcp__gitea__list_review_comments", {})] },
      { reply: [toolUse("mcp__gitea__update_claude_comment", { body: "Read what I needed." })] },
      { reply: [text("Done.")] },
    ]);
    const main = mainRequestsFrom(world);
    const result = await world.runAction({ eventName: "issue_comment", event, timeoutMs: 300_000 });
    expectSuccess(result);
    world.model.assertDone();

    const requests = main();
    const prompt = promptOf(requests);
    expect(estimateTokens(prompt)).toBeLessThanOrEqual(BUDGET);
    // The whole first request (the CLI's system prompt and tools included) stays far below a model's context window.
    expect(Buffer.byteLength(requests[0]!.rawBody)).toBeLessThan((BUDGET + 40_000) * 4);
    expect(prompt).toContain("The description is always shown.");
    expect(prompt).toContain("@claude please summarise.");
    expect(prompt).toContain(quoted.body);
    const comments = world.gitea.listComments(REPO, pr.index);
    expect(prompt).toContain(comments[1999]!.body);
    expect(prompt).toContain("Why line 1?");
    expect(prompt).toMatch(/Listed: [\d,]+ of 3,000 changed files/);
    expect(prompt).toMatch(/Comments: [\d,]+ of the 2,000 before the request are shown/);
    expect(prompt).toContain('mcp__gitea__list_comments {"page": P}');

    // Nothing is out of reach: each tool answered with the pages the prompt left out.
    const results = allToolResults(requests[requests.length - 1]!.body).map((r) => r.text);
    expect(JSON.parse(results[0]!)).toMatchObject({ page: 1, total: 2002, positions: "1-50" });
    expect(JSON.parse(results[1]!)).toMatchObject({ page: 60, total: 3000, positions: "2951-3000" });
    expect(results[2]).toContain("+line 2999");
    expect(results[3]).toContain("Why line 1?");

    const [tracking] = commentsBy(world, pr.index);
    expect(tracking!.body).toContain("Read what I needed.");
    expect(world.gitea.violations.filter((v) => v.kind !== "unknown-query")).toEqual([]);
  }, 400_000);
});

describe("a pull request of 300 files and 200 comments", () => {
  it("keeps every comment and every file, and says nothing is left out", async () => {
    const pr = await bigPullRequest({ files: 300, comments: 200, commentBytes: 0 });
    const trigger = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude review this" });
    world.script([{ reply: [text("Done.")] }]);
    const main = mainRequestsFrom(world);
    const result = await world.runAction({ eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, pr.index, trigger.id) });
    expectSuccess(result);
    const prompt = firstUserText(main()[0]!.body);
    for (let i = 1; i <= 200; i++) expect(prompt).toContain(`Comment ${i}: looks fine.`);
    for (let i = 1; i <= 300; i++) expect(prompt).toContain(`file-${String(i).padStart(5, "0")}.txt`);
    expect(prompt).not.toContain("<omitted_context>");
    expect(prompt).toContain("300 changed files");
  }, 200_000);
});
