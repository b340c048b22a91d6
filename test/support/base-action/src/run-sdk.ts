// Running Claude through the Agent SDK with the pin's result rules
// (src/run-claude-sdk.ts at 53ab25a).
import * as core from "@actions/core";
import { access, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { query, type SDKMessage, type SDKUserMessage } from "@anthropic-ai/claude-agent-sdk";
import type { ParsedSdkOptions } from "./claude-args";
import { writeExecutionFile } from "./execution-file";

export interface ClaudeRunResult {
  executionFile?: string;
  sessionId?: string;
  conclusion: "success" | "failure";
  structuredOutput?: string;
}

/** A file with this name next to the prompt file is sent as a second text block. */
export const USER_REQUEST_FILENAME = "claude-user-request.txt";

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The prompt as a string, or — when claude-user-request.txt sits beside the
 * prompt file — one user message with two text blocks (prompt, then the
 * request), so the CLI can see a slash command in the request.
 */
export async function promptFor(
  promptPath: string,
  showFullOutput: boolean,
): Promise<string | AsyncIterable<SDKUserMessage>> {
  const prompt = await readFile(promptPath, "utf8");
  const requestPath = join(dirname(promptPath), USER_REQUEST_FILENAME);
  if (!(await exists(requestPath))) return prompt;
  const request = await readFile(requestPath, "utf8");
  if (showFullOutput) console.log("Using multi-block message with user request:", request);
  else console.log("Using multi-block message with user request (content hidden)");
  const message = {
    type: "user",
    session_id: "",
    message: {
      role: "user",
      content: [
        { type: "text", text: prompt },
        { type: "text", text: request },
      ],
    },
    parent_tool_use_id: null,
  } as unknown as SDKUserMessage;
  return (async function* () {
    yield message;
  })();
}

interface ResultLike {
  type: "result";
  subtype: string;
  is_error?: boolean;
  duration_ms?: number;
  num_turns: number;
  total_cost_usd?: number;
  permission_denials?: unknown[];
  modelUsage?: Record<string, { contextWindow?: number; maxOutputTokens?: number }>;
  structured_output?: unknown;
  errors?: string[];
}

/** What the log shows of a message when show_full_output is off: init and result summaries only. */
export function sanitizeMessage(message: SDKMessage, showFullOutput: boolean): string | null {
  if (showFullOutput) return JSON.stringify(message, null, 2);
  const m = message as { type?: string; subtype?: string; model?: unknown };
  if (m.type === "system" && m.subtype === "init") {
    return JSON.stringify(
      {
        type: "system",
        subtype: "init",
        message: "Claude Code initialized",
        model: "model" in m ? m.model : "unknown",
      },
      null,
      2,
    );
  }
  if (m.type === "result") {
    const r = message as unknown as ResultLike;
    const modelUsage = r.modelUsage
      ? Object.fromEntries(
          Object.entries(r.modelUsage).map(([model, u]) => [
            model,
            { contextWindow: u.contextWindow, maxOutputTokens: u.maxOutputTokens },
          ]),
        )
      : undefined;
    return JSON.stringify(
      {
        type: "result",
        subtype: r.subtype,
        is_error: r.is_error,
        duration_ms: r.duration_ms,
        num_turns: r.num_turns,
        total_cost_usd: r.total_cost_usd,
        permission_denials_count: r.permission_denials?.length ?? 0,
        modelUsage,
      },
      null,
      2,
    );
  }
  return null;
}

export async function runClaudeWithSdk(
  promptPath: string,
  { sdkOptions, showFullOutput, hasJsonSchema }: ParsedSdkOptions,
): Promise<ClaudeRunResult> {
  const prompt = await promptFor(promptPath, showFullOutput);
  if (!showFullOutput) {
    console.log("Running Claude Code via SDK (full output hidden for security)...");
    console.log("Rerun in debug mode or enable `show_full_output: true` in your workflow file for full output.");
  }
  console.log(`Running Claude with prompt from file: ${promptPath}`);
  const { env: _env, extraArgs: _extraArgs, ...loggable } = sdkOptions;
  console.log("SDK options:", JSON.stringify(loggable, null, 2));

  const messages: SDKMessage[] = [];
  let result: ResultLike | undefined;
  try {
    for await (const message of query({ prompt, options: sdkOptions })) {
      messages.push(message);
      const shown = sanitizeMessage(message, showFullOutput);
      if (shown) console.log(shown);
      if ((message as { type?: string }).type === "result") {
        result = message as unknown as ResultLike;
        // Nothing follows a result; stop reading (the pin does the same).
        break;
      }
    }
  } catch (error) {
    console.error("SDK execution error:", error);
    await writeExecutionFile(messages);
    throw new Error(`SDK execution error: ${error}`);
  }

  const out: ClaudeRunResult = { conclusion: "failure" };
  const executionFile = await writeExecutionFile(messages);
  if (executionFile) out.executionFile = executionFile;

  const init = messages.find((m) => {
    const x = m as { type?: string; subtype?: string };
    return x.type === "system" && x.subtype === "init";
  }) as { session_id?: string } | undefined;
  if (init && init.session_id) {
    out.sessionId = init.session_id;
    core.info(`Set session_id: ${out.sessionId}`);
  }

  if (!result) {
    core.error("No result message received from Claude");
    throw new Error("No result message received from Claude");
  }

  if (
    result.subtype === "success" &&
    !result.is_error &&
    sdkOptions.maxTurns !== undefined &&
    result.num_turns > sdkOptions.maxTurns
  ) {
    const msg = `Claude reported a successful result after ${result.num_turns} turns, exceeding the configured maximum of ${sdkOptions.maxTurns}`;
    core.error(msg);
    throw new Error(msg);
  }

  const isSuccess = result.subtype === "success" && !result.is_error;
  out.conclusion = isSuccess ? "success" : "failure";

  if (hasJsonSchema) {
    if (isSuccess && result.structured_output) {
      out.structuredOutput = JSON.stringify(result.structured_output);
      core.info(`Set structured_output with ${Object.keys(result.structured_output as object).length} field(s)`);
    } else {
      const msg = `--json-schema was provided but Claude did not return structured_output. Result subtype: ${result.subtype}`;
      core.setFailed(msg);
      out.conclusion = "failure";
      throw new Error(msg);
    }
  }

  if (!isSuccess) {
    const isErrorSuccess = result.subtype === "success" && result.is_error;
    if (isErrorSuccess) {
      core.error("Claude result reported subtype success with is_error:true (run did not complete successfully)");
    }
    if (result.errors) core.error(`Execution failed: ${result.errors.join(", ")}`);
    throw new Error(
      `Claude execution failed: ${
        isErrorSuccess ? "result is_error:true" : result.errors ? result.errors.join(", ") : "unknown error"
      }`,
    );
  }
  return out;
}
