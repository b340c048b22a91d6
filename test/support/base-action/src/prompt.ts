// prompt / prompt_file rules (the pin's src/prepare-prompt.ts).
import { existsSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export interface PromptConfig {
  type: "file" | "inline";
  path: string;
}

/** Where an inline prompt is written (fixed path, as in the pin). */
export const INLINE_PROMPT_PATH = "/tmp/claude-action/prompt.txt";

export async function preparePrompt(input: { prompt: string; promptFile: string }): Promise<PromptConfig> {
  if (!input.prompt && !input.promptFile) {
    throw new Error("Neither 'prompt' nor 'prompt_file' was provided. At least one is required.");
  }
  if (input.prompt && input.promptFile) {
    throw new Error("Both 'prompt' and 'prompt_file' were provided. Please specify only one.");
  }
  if (input.promptFile) {
    if (!existsSync(input.promptFile)) throw new Error(`Prompt file '${input.promptFile}' does not exist.`);
    if (statSync(input.promptFile).size === 0) {
      throw new Error("Prompt file is empty. Please provide a non-empty prompt.");
    }
    return { type: "file", path: input.promptFile };
  }
  if (input.prompt.trim().length === 0) throw new Error("Prompt is empty. Please provide a non-empty prompt.");
  await mkdir(dirname(INLINE_PROMPT_PATH), { recursive: true });
  await writeFile(INLINE_PROMPT_PATH, input.prompt);
  return { type: "inline", path: INLINE_PROMPT_PATH };
}
