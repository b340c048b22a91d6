// $RUNNER_TEMP/claude-execution-output.json (the pin's src/execution-file.ts):
// every SDK message, as a JSON array indented by two spaces, no trailing newline.
import * as core from "@actions/core";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

export const EXECUTION_FILENAME = "claude-execution-output.json";

export function executionFilePath(): string | undefined {
  return process.env.RUNNER_TEMP ? join(process.env.RUNNER_TEMP, EXECUTION_FILENAME) : undefined;
}

export async function writeExecutionFile(messages: unknown[]): Promise<string | undefined> {
  const file = executionFilePath();
  if (!file) {
    core.warning("Failed to write execution file: RUNNER_TEMP is not set");
    return undefined;
  }
  try {
    await writeFile(file, JSON.stringify(messages, null, 2));
    console.log(`Log saved to ${file}`);
    return file;
  } catch (error) {
    core.warning(`Failed to write execution file: ${error}`);
    return undefined;
  }
}

/** On failure: set the execution_file output when the file exists. */
export function setExecutionFileOutputIfPresent(): string | undefined {
  const file = executionFilePath();
  if (!file || !existsSync(file)) return undefined;
  core.setOutput("execution_file", file);
  return file;
}
