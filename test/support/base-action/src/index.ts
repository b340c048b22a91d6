// Entry of the base-action stand-in: the flow of the pin's src/index.ts,
// run with tsx instead of bun.
import * as core from "@actions/core";
import { buildSdkOptions } from "./claude-args";
import { setExecutionFileOutputIfPresent } from "./execution-file";
import { installPlugins } from "./plugins";
import { preparePrompt } from "./prompt";
import { runClaudeWithSdk } from "./run-sdk";
import { setupClaudeCodeSettings } from "./settings";
import { validateEnvironmentVariables } from "./validate-env";
import { setupWorkloadIdentity, type WorkloadIdentityHandle } from "./workload-identity";

async function run(): Promise<void> {
  let identity: WorkloadIdentityHandle | undefined;
  try {
    identity = await setupWorkloadIdentity();
    validateEnvironmentVariables();

    // The install step puts the CLI at ~/.local/bin/claude unless a path is given.
    const claudeExecutable = process.env.INPUT_PATH_TO_CLAUDE_CODE_EXECUTABLE || `${process.env.HOME}/.local/bin/claude`;

    await setupClaudeCodeSettings(process.env.INPUT_SETTINGS, undefined);
    await installPlugins(process.env.INPUT_PLUGIN_MARKETPLACES, process.env.INPUT_PLUGINS, claudeExecutable);

    const prompt = await preparePrompt({
      prompt: process.env.INPUT_PROMPT || "",
      promptFile: process.env.INPUT_PROMPT_FILE || "",
    });

    const parsed = buildSdkOptions({
      claudeArgs: process.env.INPUT_CLAUDE_ARGS,
      allowedTools: process.env.INPUT_ALLOWED_TOOLS,
      disallowedTools: process.env.INPUT_DISALLOWED_TOOLS,
      maxTurns: process.env.INPUT_MAX_TURNS,
      mcpConfig: process.env.INPUT_MCP_CONFIG,
      systemPrompt: process.env.INPUT_SYSTEM_PROMPT,
      appendSystemPrompt: process.env.INPUT_APPEND_SYSTEM_PROMPT,
      fallbackModel: process.env.INPUT_FALLBACK_MODEL,
      model: process.env.ANTHROPIC_MODEL,
      pathToClaudeCodeExecutable: claudeExecutable,
      showFullOutput: process.env.INPUT_SHOW_FULL_OUTPUT,
    });
    const result = await runClaudeWithSdk(prompt.path, parsed);

    core.setOutput("conclusion", result.conclusion);
    if (result.executionFile) core.setOutput("execution_file", result.executionFile);
    if (result.sessionId) core.setOutput("session_id", result.sessionId);
    if (result.structuredOutput) core.setOutput("structured_output", result.structuredOutput);
  } catch (error) {
    setExecutionFileOutputIfPresent();
    core.setFailed(`Action failed with error: ${error}`);
    core.setOutput("conclusion", "failure");
    process.exit(1);
  } finally {
    identity?.stop();
  }
}

void run();
