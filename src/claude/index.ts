/**
 * The claude domain: claude_args passthrough, v0.0.63 inputs at the pinned
 * base action, structured output, CLI preflight and timeout, execution log
 * and step summary. It does not import src/gitea (DESIGN.md).
 */
export { planClaude, writeClaudeFiles, FILE_NAMES } from "./plan";
export type { ClaudeInputs, ClaudePlan, ClaudeFiles, PlanContext, WriteOptions } from "./plan";
export {
  prepareExecutable,
  readTimeoutMarker,
  officialInstaller,
  parseCliVersion,
  compareVersions,
  timeoutSeconds,
  defaultWrapperDir,
  defaultMarkerFile,
  WRAPPER_MARKER,
} from "./executable";
export type { PrepareExecutableOptions, PreparedExecutable, Installer } from "./executable";
export { actionToolLists, finalToolLists, WEB_TOOLS } from "./tools";

export type { McpServer, McpServers, McpStdioServer, McpRemoteServer } from "./mcp-config";
export { readExecutionLog, summarizeExecutionLog, JsonElementScanner, SummaryBuilder } from "./log";
export type { ExecutionSummary } from "./log";
export { renderStepSummary, conclusionOf, formatDuration } from "./summary";
export type { StepSummaryOptions, Conclusion } from "./summary";
export { nodeFs } from "./fs";
export type { ClaudeFs } from "./fs";
export { spawnRunner } from "./process";
export type { ProcessRunner, RunResult } from "./process";
