/** The gitea MCP server: configuration, tools, server. */
export * from "./names";
export { ConfigError, GITEA_MCP_ENV, SECRET_ENV_NAMES, TOKEN_ENV, giteaMcpEnv, parseConfig, type GiteaMcpConfig, type GiteaMcpSettings } from "./config";
export { ToolError, defineTool, type GiteaApi, type GiteaTool, type ToolDeps, type ToolResult } from "./tool";
export { availableGiteaTools, createGiteaMcpServer, runTool } from "./server";
export { GITEA_TOOL_DEFINITIONS } from "./tools/index";
