/**
 * What Gitea does not let the Actions job token do, end to end, and the
 * messages that name the limit and the fix (`gitea_token`): opening a pull
 * request on a private repository (404), pushing to a protected branch, and
 * signed commits (use_commit_signing).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommentPayload, workflowDispatchPayload } from "../support/gitea/payloads";
import { lastToolResults, text, toolUse } from "../support/model/index";
import { REPO, USERS, World, cwdOf, step } from "../support/scenario";

const notices = (r: { annotations: { level: string; message: string }[] }) => r.annotations.filter((a) => a.level === "notice").map((a) => a.message);

describe("a private repository", () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ private: true });
  });
  afterAll(async () => world?.close());

  it("create_pull_request with the job token: the tool says Gitea refuses it (404) and that gitea_token fixes it", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Add a NOTICE", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude add a NOTICE and open a pull request" });
    let toolText = "";
    world.script([
      { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/NOTICE`, content: "Acme\n" })] },
      { reply: [toolUse("Bash", { command: "git add NOTICE" })] },
      { reply: [toolUse("Bash", { command: 'git commit -m "Add NOTICE"' })] },
      { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
      { reply: [toolUse("mcp__gitea__create_pull_request", { title: "Add NOTICE", body: "Fixes #1" })] },
      {
        check: (req) => {
          const r = lastToolResults(req)[0]!;
          toolText = r.text;
          expect(r.is_error).toBe(true);
        },
        reply: [text("The branch is pushed; Gitea did not let me open the pull request.")],
      },
    ]);
    const result = await world.runAction({
      eventName: "issue_comment",
      event: await issueCommentPayload(world.gitea, REPO, issue.index, c.id),
      with: { allowed_tools: "mcp__gitea__create_pull_request" },
    });
    if (!result.success) console.log(result.log);
    world.model.assertDone();
    expect(toolText).toContain("Gitea does not let the Actions job token open pull requests on a private repository");
    expect(toolText).toContain("`gitea_token`");
    expect(world.gitea.pulls(REPO)).toEqual([]);
    expect(world.gitea.apiRequests("POST /repos/{owner}/{repo}/pulls").map((r) => r.status)).toEqual([404]);
    // The work itself is on Gitea.
    expect(await world.gitea.readFile(REPO, result.outputs.branch_name!, "NOTICE")).toBe("Acme\n");
  });
});

describe("a protected branch and commit signing", () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ giteaVersion: "1.24.7", gitea: { signing: { crudActions: ["pubkey", "twofa", "parentsigned"] } } });
    world.gitea.protectBranch(REPO, "main");
  });
  afterAll(async () => world?.close());

  it("an agent run on main: the refused push names the limit and the fix, and the run fails", async () => {
    const event = await workflowDispatchPayload(world.gitea, REPO, { workflow: "nightly.yml", sender: USERS.alice });
    world.script([
      { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/REPORT.md`, content: "ok\n" })] },
      { reply: [toolUse("Bash", { command: "git add REPORT.md" })] },
      { reply: [toolUse("Bash", { command: 'git commit -m "Nightly report"' })] },
      { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
      {
        check: (req) => expect(JSON.stringify(lastToolResults(req))).toContain("Gitea does not let the Actions job token push to the protected branch main"),
        reply: [text("The push was refused.")],
      },
    ]);
    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { direct_prompt: "Write the nightly report and push it.", mode: "agent" } });
    world.model.assertDone();
    expect(result.success).toBe(false);
    expect(result.outputs.conclusion).toBe("failure");
    const finish = step(result, "finish")!.log;
    expect(finish).toContain("Gitea does not let the Actions job token push to the protected branch main");
    expect(finish).toContain("`gitea_token`");
    expect(result.summary).toContain("protected branch main");
    expect(await world.gitea.readFile(REPO, "main", "REPORT.md")).toBeNull();
  });

  it("use_commit_signing with the job token says the commits will not be signed (and they are not)", async () => {
    const issue = world.gitea.createIssue(REPO, { title: "Docs", user: USERS.alice });
    const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude add DOCS.md" });
    world.script([
      { reply: (req) => [toolUse("Write", { file_path: `${cwdOf(req)}/DOCS.md`, content: "docs\n" })] },
      { reply: [toolUse("mcp__gitea__commit_files", { files: ["DOCS.md"], message: "Add DOCS.md" })] },
      { reply: [text("Committed.")] },
    ]);
    const result = await world.runAction({
      eventName: "issue_comment",
      event: await issueCommentPayload(world.gitea, REPO, issue.index, c.id),
      with: { use_commit_signing: "true" },
    });
    if (!result.success) console.log(result.log);
    expect(result.success).toBe(true);
    expect(notices(result).some((n) => n.startsWith("use_commit_signing: commits made with the Actions job token will not be signed"))).toBe(true);
    const [commit] = await world.gitea.commitsOn(REPO, result.outputs.branch_name!);
    expect(commit!.subject).toBe("Add DOCS.md");
    expect(world.gitea.isSigned(commit!.sha)).toBe(false);
  });
});
