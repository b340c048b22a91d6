/**
 * What the run step downloads, end to end through action.yml (with the
 * stand-in of the pinned base action, or the real one with BASE_ACTION_DIR):
 * path_to_bun_executable reaches the base action, which then skips its Bun
 * download (setup-bun) and puts that bun on PATH; without it (and with no bun
 * of the base action's version on PATH) prepare says the base action will
 * download Bun, and it does.
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PINS } from "../../src/pins";
import { issueCommentPayload } from "../support/gitea/payloads";
import { text } from "../support/model/index";
import { ROOT } from "../support/repo";
import { REPO, USERS, World, step } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

async function run(withInputs: Record<string, string>) {
  const issue = world.gitea.createIssue(REPO, { title: "Bun", body: "Which bun?", user: USERS.alice });
  const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude which bun?" });
  world.script([{ reply: [text("This one.")] }]);
  const result = await world.runAction({ eventName: "issue_comment", event: await issueCommentPayload(world.gitea, REPO, issue.index, c.id), with: withInputs });
  expect(result.success, result.log).toBe(true);
  const inner = step(result, "run")?.steps ?? [];
  return { result, outcome: (name: string) => inner.find((s) => s.name === name)?.outcome, log: (name: string) => inner.find((s) => s.name === name)?.log ?? "" };
}

it("path_to_bun_executable reaches the base action: no Bun download, that bun on PATH", { timeout: 180_000 }, async () => {
  // A real bun (the repository's), so the real base action can install its dependencies with it too.
  const bun = join(ROOT, "node_modules", ".bin", "bun");
  const r = await run({ path_to_bun_executable: bun });
  expect(r.outcome("Install Bun")).toBe("skipped");
  expect(r.outcome("Setup Custom Bun Path")).toBe("success");
  expect(r.log("Setup Custom Bun Path")).toContain(`Using custom Bun executable: ${bun}`);
  expect(step(r.result, "prepare")?.log).toMatch(/Bun \S+ at .*node_modules\/\.bin\/bun \(path_to_bun_executable\): the base action does not download Bun/);
  expect(r.result.outputs.conclusion).toBe("success");
});

it("without it, prepare says the base action downloads Bun, and setup-bun runs", { timeout: 180_000 }, async () => {
  const r = await run({});
  expect(r.outcome("Install Bun")).toBe("success");
  expect(r.outcome("Setup Custom Bun Path")).toBe("skipped");
  expect(step(r.result, "prepare")?.log).toMatch(new RegExp(`The base action downloads Bun ${PINS.baseActionBunVersion.replace(/\./g, "\\.")} \\(setup-bun\\)`));
});
