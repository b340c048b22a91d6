/**
 * The demo's scenario (`npm run demo`, and the secrets scan runs it too):
 * alice asks "@claude" on an issue to document greet(); Claude plans in the
 * tracking comment, reads the code, edits the README, commits, pushes and
 * answers in the comment.
 */
import { issueCommentPayload } from "./gitea/payloads";
import { text, toolUse } from "./model/index";
import { REPO, USERS, cwdOf, type World } from "./scenario";

export const DEMO = {
  request: "@claude please document greet() in the README",
  commitSubject: "Document greet() in the README",
  answer: "I added a **Usage** section to the README showing `greet(\"Ada\")`.",
} as const;

/** Creates the issue and the comment, scripts the model, and returns the `issue_comment` event to run. */
export async function setUpDemo(world: World): Promise<{ issueIndex: number; commentBody: string; event: Awaited<ReturnType<typeof issueCommentPayload>> }> {
  const issue = world.gitea.createIssue(REPO, {
    title: "Greet people by name",
    body: "src/greet.js says hello; the README should say how to use it.",
    user: USERS.alice,
  });
  const comment = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: DEMO.request });
  const event = await issueCommentPayload(world.gitea, REPO, issue.index, comment.id);
  world.script([
    { reply: [toolUse("mcp__gitea__update_claude_comment", { body: "- [ ] Read src/greet.js\n- [ ] Document greet() in README.md" })] },
    { reply: (req) => [toolUse("Read", { file_path: `${cwdOf(req)}/src/greet.js` })] },
    {
      reply: (req) => [
        toolUse("Edit", {
          file_path: `${cwdOf(req)}/README.md`,
          old_string: "A small app.\n",
          new_string: 'A small app.\n\n## Usage\n\n```js\nimport { greet } from "./src/greet.js";\ngreet("Ada"); // "Hello Ada"\n```\n',
        }),
      ],
    },
    { reply: (req) => [toolUse("Read", { file_path: `${cwdOf(req)}/README.md` })] },
    { reply: [toolUse("Bash", { command: "git add README.md" })] },
    { reply: [toolUse("Bash", { command: `git commit -m "${DEMO.commitSubject}"` })] },
    { reply: [toolUse("Bash", { command: "git push origin HEAD" })] },
    { reply: [toolUse("mcp__gitea__update_claude_comment", { body: `- [x] Read src/greet.js\n- [x] Document greet() in README.md\n\n${DEMO.answer}` })] },
    { reply: [text("Documented greet() in the README and pushed the change.")] },
  ]);
  return { issueIndex: issue.index, commentBody: comment.body, event };
}
