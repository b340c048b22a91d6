/**
 * The `progress` MCP server (dispatch runs only): one tool,
 * update_claude_progress. Transport-free: the entrypoint connects it to stdio,
 * tests to an in-memory transport.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  UPDATE_CLAUDE_PROGRESS,
  updateClaudeProgress,
  updateClaudeProgressDescription,
  updateClaudeProgressInput,
  type UpdateDeps,
} from "./update-claude-progress";

export const PROGRESS_SERVER_NAME = "progress";

export function createProgressServer(deps: UpdateDeps, version = "1.0.0"): McpServer {
  const server = new McpServer({ name: PROGRESS_SERVER_NAME, version });
  server.registerTool(
    UPDATE_CLAUDE_PROGRESS,
    {
      title: "Report progress",
      description: updateClaudeProgressDescription,
      inputSchema: updateClaudeProgressInput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args) => ({
      content: [{ type: "text" as const, text: await updateClaudeProgress(args, deps) }],
    }),
  );
  return server;
}
