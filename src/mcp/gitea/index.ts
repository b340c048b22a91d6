/** The gitea MCP server: configuration, tools, server. */
export * from "./names";
export type { GiteaMcpConfig } from "./config";
export { ToolError, defineTool, type GiteaApi, type GiteaTool, type ToolDeps, type ToolResult } from "./tool";
export { availableGiteaTools, createGiteaMcpServer, runTool } from "./server";
export { GITEA_TOOL_DEFINITIONS } from "./tools/index";
