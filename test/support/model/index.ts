// Scripted Anthropic Messages API for running the real claude CLI in tests.
// See README.md in this directory for what the CLI sends and why.

export {
  startModel,
  type ApiError,
  type CapturedRequest,
  type Problem,
  type ScriptedModel,
  type StartModelOptions,
  type Turn,
  type Usage,
} from "./server";
export {
  mcpToolName,
  structuredOutput,
  text,
  thinking,
  toolSearch,
  toolUse,
  STRUCTURED_OUTPUT_TOOL,
  TOOL_SEARCH_TOOL,
  type Block,
  type TextReply,
  type ThinkingReply,
  type ToolUseReply,
} from "./blocks";
export {
  allToolResults,
  allToolUses,
  blocksOf,
  deferredToolNames,
  firstUserText,
  isSystemReminder,
  lastToolResults,
  lastUserText,
  messageText,
  offersTool,
  referencedToolNames,
  systemText,
  toolDefinition,
  toolNames,
  DEFERRED_PLACEHOLDER_TOOL,
  type ContentBlock,
  type Message,
  type MessagesRequest,
  type SystemBlock,
  type ToolDefinition,
  type ToolResult,
} from "./request";
export { classifyRequest, type Classification, type RequestClass, type RequestKind } from "./classify";
export {
  claudeBin,
  claudeEnv,
  runClaude,
  sandbox,
  spawnClaude,
  tempDir,
  DUMMY_API_KEY,
  REPO_ROOT,
  type ClaudeEnvOptions,
  type ClaudeRun,
  type RunClaudeOptions,
  type Sandbox,
  type SpawnClaudeOptions,
  type SpawnedClaude,
  type StreamMessage,
} from "./cli";
export { echoMcpConfig, tsNodeCommand, ECHO_MCP_SERVER, type EchoMcp } from "./mcp";
