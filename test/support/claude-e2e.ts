/**
 * Small helpers shared by the claude_args / legacy inputs / structured output
 * end-to-end scenarios: an @claude comment to trigger on, the model requests
 * of one run, and the result message of an execution log.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { issueCommentPayload } from "./gitea/payloads";
import { tsNodeCommand, type CapturedRequest } from "./model/index";
import { REPO, USERS, type World } from "./scenario";

/** A new issue with an "@claude …" comment by alice; the issue_comment payload Gitea sends for it. */
export async function claudeComment(world: World, title: string, body = "@claude please take a look") {
  const issue = world.gitea.createIssue(REPO, { title, body: `${title}.`, user: USERS.alice });
  const comment = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body });
  const event = await issueCommentPayload(world.gitea, REPO, issue.index, comment.id);
  return { issue: issue.index, event, comments: () => world.gitea.listComments(REPO, issue.index) };
}

/** Marks where a run starts in the model's request log; `since()` gives that run's requests. */
export function requestMark(world: World) {
  const start = world.model.requests.length;
  return {
    since: (): CapturedRequest[] => world.model.requests.slice(start),
    main: (): CapturedRequest[] => world.model.requests.slice(start).filter((r) => r.kind === "main"),
  };
}

export type ResultMessage = { type: "result"; subtype: string; is_error?: boolean; num_turns?: number; structured_output?: unknown; errors?: string[] };

/** The `result` message of an execution log (the base action's execution_file), if any. */
export async function resultMessage(executionFile: string | undefined): Promise<ResultMessage | undefined> {
  if (!executionFile) return undefined;
  const messages = JSON.parse(await readFile(executionFile, "utf8")) as Array<{ type?: string }>;
  return messages.find((m) => m.type === "result") as ResultMessage | undefined;
}

/** Error annotations' messages. */
export const errorsOf = (r: { annotations: Array<{ level: string; message: string }> }) =>
  r.annotations.filter((a) => a.level === "error").map((a) => a.message);

/** `{command, args}` of the env MCP server (env-mcp-server.ts): tool `mcp__<name>__getenv {name}`. */
export function envMcpServer(): { type: "stdio"; command: string; args: string[] } {
  return { type: "stdio", ...tsNodeCommand(fileURLToPath(new URL("./env-mcp-server.ts", import.meta.url))) };
}
