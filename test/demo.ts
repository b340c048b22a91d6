/**
 * `npm run demo`: the main job, on the built-in local setup, with no
 * credentials. A Gitea emulator and a scripted Messages API start on
 * loopback; action.yml runs (prepare → the pinned base action's local
 * stand-in with the real claude CLI → finish) on an `issue_comment` event
 * "@claude …", and the demo prints what a user would see. It exits non-zero
 * when any of it is missing.
 */
import { issueCommentPayload } from "./support/gitea/payloads";
import { text, toolUse } from "./support/model/index";
import { REPO, USERS, World, cwdOf } from "./support/scenario";

const out = (line = "") => process.stdout.write(`${line}\n`);
const rule = (title: string) => out(`\n── ${title} ${"─".repeat(Math.max(0, 66 - title.length))}`);

async function main(): Promise<number> {
  const world = await World.start({ publicUrl: "https://gitea.example.com" });
  try {
    out(`Gitea emulator: ${world.gitea.url} (public URL ${world.gitea.publicUrl})`);
    out(`Scripted model: ${world.model.url}`);

    const issue = world.gitea.createIssue(REPO, {
      title: "Greet people by name",
      body: "src/greet.js says hello; the README should say how to use it.",
      user: USERS.alice,
    });
    const comment = world.gitea.addComment(REPO, issue.index, {
      user: USERS.alice,
      body: "@claude please document greet() in the README",
    });
    const event = await issueCommentPayload(world.gitea, REPO, issue.index, comment.id);
    out(`\n${USERS.alice} on ${REPO}#${issue.index}: "${comment.body}"`);

    world.script([
      { reply: [toolUse("mcp__gitea__update_claude_comment", { body: "- [ ] Read src/greet.js\n- [ ] Document greet() in README.md" })] },
      { reply: (req) => [toolUse("Read", { file_path: `${cwdOf(req)}/src/greet.js` })] },
      {
        reply: (req) => [
          toolUse("Edit", {
            file_path: `${cwdOf(req)}/README.md`,
            old_string: "A small app.\n",
            new_string: "A small app.\n\n## Usage\n\n```js\nimport { greet } from \"./src/greet.js\";\ngreet(\"Ada\"); // \"Hello Ada\"\n```\n",
          }),
        ],
      },
      { reply: (req) => [toolUse("Read", { file_path: `${cwdOf(req)}/README.md` })] },
      { reply: [toolUse("Bash", { command: "git add README.md" })] },
      { reply: [toolUse("Bash", { command: 'git commit -m "Document greet() in the README"' })] },
      { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
      {
        reply: [
          toolUse("mcp__gitea__update_claude_comment", {
            body: "- [x] Read src/greet.js\n- [x] Document greet() in README.md\n\nI added a **Usage** section to the README showing `greet(\"Ada\")`.",
          }),
        ],
      },
      { reply: [text("Documented greet() in the README and pushed the change.")] },
    ]);

    const result = await world.runAction({ eventName: "issue_comment", event });
    const problems: string[] = [];

    rule("Tracking comment (final)");
    const tracking = result.outputs.comment_id ? world.gitea.getComment(Number(result.outputs.comment_id)) : undefined;
    if (tracking) out(tracking.body.replace(/<!--[^>]*-->\n?/g, ""));
    else problems.push("no tracking comment");
    if (tracking && !/\*\*Claude finished/.test(tracking.body)) problems.push("the tracking comment is not in its final state");

    rule("Branch and commit Claude pushed");
    const branch = result.outputs.branch_name ?? "";
    if (branch) {
      const [commit] = await world.gitea.commitsOn(REPO, branch);
      out(`branch: ${branch}`);
      if (commit) out(`commit: ${commit.sha.slice(0, 10)} ${commit.subject} (${commit.author.name} <${commit.author.email}>)`);
      const readme = await world.gitea.readFile(REPO, branch, "README.md");
      out("README.md on the branch:");
      out(readme ?? "(missing)");
      if (!commit || commit.subject !== "Document greet() in the README") problems.push("Claude's commit is not on the branch");
    } else problems.push("no branch_name output");

    rule("Action outputs");
    for (const [name, value] of Object.entries(result.outputs)) out(`${name}: ${value}`);
    if (result.outputs.conclusion !== "success") problems.push(`conclusion is ${result.outputs.conclusion ?? "missing"}`);

    try {
      world.model.assertDone();
    } catch (error) {
      problems.push((error as Error).message);
    }
    if (!result.success) {
      rule("Job log");
      out(result.log);
    }
    if (problems.length) {
      rule("Demo FAILED");
      for (const p of problems) out(`- ${p}`);
      return 1;
    }
    out("\nDemo OK: the tracking comment is final, the branch holds Claude's commit, and the outputs are set.");
    return 0;
  } finally {
    await world.close();
  }
}

process.exitCode = await main();
