/**
 * The gitea MCP server: registers the tools this run offers and turns every
 * outcome into a tool result. Refusals and Gitea errors come back with
 * `isError: true` and a message the model can act on; nothing a tool does
 * can crash the server. Every text leaving the server is redacted.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import { GiteaError } from "../../gitea/client";
import { GitError } from "../../gitea/git";
import { GITEA_MCP_SERVER } from "./names";
import { ToolError, type GiteaTool, type ToolDeps } from "./tool";
import { GITEA_TOOL_DEFINITIONS } from "./tools/index";

export const SERVER_VERSION = "1.0.0";

/** The tools this configuration offers (e.g. update_claude_comment only with a comment id). */
export function availableGiteaTools(deps: Pick<ToolDeps, "config">, tools: readonly GiteaTool[] = GITEA_TOOL_DEFINITIONS): GiteaTool[] {
  return tools.filter((t) => !t.available || t.available(deps.config));
}

export function errorMessage(tool: string, error: unknown): string {
  if (error instanceof ToolError) return error.message;
  if (error instanceof GiteaError) return `${tool}: ${error.message}`;
  if (error instanceof GitError) return `${tool}: ${error.message}`;
  if (error instanceof Error) return `${tool} failed: ${error.message}`;
  return `${tool} failed: ${String(error)}`;
}

/** Runs one tool call; never throws. */
export async function runTool(tool: GiteaTool, args: unknown, deps: ToolDeps): Promise<CallToolResult> {
  const redact = (s: string) => deps.redactor.redact(s);
  try {
    const out = await tool.handler(args as never, deps);
    const result = typeof out === "string" ? { text: out } : out;
    deps.log(`${tool.name}: ${result.isError ? "refused" : "ok"}`);
    return { content: [{ type: "text", text: redact(result.text) }], ...(result.isError ? { isError: true } : {}) };
  } catch (error) {
    const message = redact(errorMessage(tool.name, error));
    deps.log(`${tool.name}: ${error instanceof ToolError ? "refused" : "error"}: ${message}`);
    return { content: [{ type: "text", text: message }], isError: true };
  }
}

export function createGiteaMcpServer(deps: ToolDeps, tools: readonly GiteaTool[] = GITEA_TOOL_DEFINITIONS): McpServer {
  const server = new McpServer({ name: GITEA_MCP_SERVER, version: SERVER_VERSION });
  for (const tool of availableGiteaTools(deps, tools)) {
    server.registerTool(
      tool.name,
      {
        description: tool.description,
        inputSchema: z.object(tool.inputSchema),
        annotations: tool.annotations,
      },
      (args: unknown) => runTool(tool, args, deps),
    );
  }
  return server;
}
