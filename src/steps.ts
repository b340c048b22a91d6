/**
 * Names of the data that travels between the composite steps of action.yml.
 * Step-to-step data is only ever these named step outputs and the env that
 * action.yml maps from them; a test checks action.yml against this file.
 */

/** Outputs of the prepare step (`steps.prepare.outputs.*`). */
export const PREPARE_OUTPUTS = {
  containsTrigger: "contains_trigger",
  /** "true" once prepare has begun work that finish must bring to a final state. */
  started: "started",
  promptFile: "prompt_file",
  claudeArgs: "claude_args",
  settingsFile: "settings_file",
  claudeExecutable: "claude_executable",
  model: "model",
  commentId: "comment_id",
  stateFile: "state_file",
  branchName: "branch_name",
} as const;

/** Outputs of the finish step. */
export const FINISH_OUTPUTS = {
  conclusion: "conclusion",
  sessionId: "session_id",
  branchName: "branch_name",
  /** Set only when a new comment replaced a tracking comment that could not be edited. */
  commentId: "comment_id",
} as const;

/** Env action.yml gives the finish step, mapped from prepare's and the run step's outputs. */
export const FINISH_ENV = {
  stateFile: "STATE_FILE",
  prepareOutcome: "PREPARE_OUTCOME",
  runOutcome: "RUN_OUTCOME",
  runConclusion: "RUN_CONCLUSION",
  executionFile: "RUN_EXECUTION_FILE",
  structuredOutput: "RUN_STRUCTURED_OUTPUT",
  sessionId: "RUN_SESSION_ID",
} as const;

/**
 * Env action.yml sets on the run step (the Claude process and the MCP servers
 * it starts inherit it): secrets reach our MCP servers this way, never through
 * a file.
 */
export const RUN_ENV = {
  giteaToken: "GITEA_TOKEN",
  /** The job token, for redaction by value (gitea_token may be another token). */
  jobToken: "GITHUB_TOKEN",
  progressSecret: "CLAUDE_PROGRESS_SECRET",
  model: "ANTHROPIC_MODEL",
} as const;
