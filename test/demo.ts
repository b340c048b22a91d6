/**
 * `npm run demo`: the main job, on the built-in local setup, with no
 * credentials. A Gitea emulator and a scripted Messages API start on
 * loopback; action.yml runs (prepare → the pinned base action's local
 * stand-in with the real claude CLI → finish) on an `issue_comment` event
 * "@claude …", and the demo prints what a user would see. It exits non-zero
 * when any of it is missing.
 */
import { DEMO, setUpDemo } from "./support/demo-scenario";
import { REPO, USERS, World } from "./support/scenario";

const out = (line = "") => process.stdout.write(`${line}\n`);
const rule = (title: string) => out(`\n── ${title} ${"─".repeat(Math.max(0, 66 - title.length))}`);

async function main(): Promise<number> {
  const world = await World.start({ publicUrl: "https://gitea.example.com" });
  try {
    out(`Gitea emulator: ${world.gitea.url} (public URL ${world.gitea.publicUrl})`);
    out(`Scripted model: ${world.model.url}`);

    const { issueIndex, commentBody, event } = await setUpDemo(world);
    out(`\n${USERS.alice} on ${REPO}#${issueIndex}: "${commentBody}"`);

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
      if (!commit || commit.subject !== DEMO.commitSubject) problems.push("Claude's commit is not on the branch");
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
