import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommentPayload } from "../support/gitea/payloads";
import { text, toolUse } from "../support/model/index";
import { REPO, USERS, World, cwdOf, step } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start({ publicUrl: "https://gitea.example.com" });
});
afterAll(async () => world?.close());

describe("@claude on an issue", () => {
  it("creates a branch, pushes Claude's commit and leaves the comment final", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Add a greeting file", body: "We need GREETING.md", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude please add GREETING.md saying hello" });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, c.id);

    world.script([
      { reply: [toolUse("mcp__gitea__update_claude_comment", { body: "- [ ] Add GREETING.md" })] },
      { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/GREETING.md`, content: "Hello from Claude\n" })] },
      { reply: [toolUse("Bash", { command: "git add GREETING.md" })] },
      { reply: [toolUse("Bash", { command: 'git commit -m "Add GREETING.md"' })] },
      { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
      { reply: [toolUse("mcp__gitea__update_claude_comment", { body: "- [x] Add GREETING.md\n\nAdded the file." })] },
      { reply: [text("Done.")] },
    ]);

    const result = await world.runAction({ eventName: "issue_comment", event, with: { claude_env: "DEPLOY_KEY: not-for-the-next-job" } });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    world.model.assertDone();

    const branch = result.outputs.branch_name!;
    expect(branch).toMatch(/^claude\/issue-\d+-\d{8}-\d{4}-r\d+$/);
    expect(await world.gitea.readFile(REPO, branch, "GREETING.md")).toBe("Hello from Claude\n");
    const commits = await world.gitea.commitsOn(REPO, branch);
    expect(commits[0]!.subject).toBe("Add GREETING.md");
    expect(commits[0]!.author.name).toBe("Claude");

    const comment = world.gitea.getComment(Number(result.outputs.comment_id))!;
    expect(comment.body).toContain("**Claude finished @alice's task");
    expect(comment.body).toContain("Added the file.");
    expect(comment.body).toContain(`https://gitea.example.com/${REPO}/compare/main...${branch}`);
    expect(comment.body).toContain(`https://gitea.example.com/${REPO}/actions/runs/17`);
    expect(comment.body).not.toContain("working");
    expect(result.outputs.conclusion).toBe("success");
    expect(step(result, "finish")?.outcome).toBe("success");
    expect(world.gitea.violations).toEqual([]);
    // The base action merged claude_env into ~/.claude/settings.json; finish removed it again.
    expect(existsSync(path.join(result.dirs.home, ".claude", "settings.json"))).toBe(false);
  });
});
