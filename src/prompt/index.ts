/**
 * Prompt builders: pure functions from PromptInput to the prompt text.
 *
 * - dispatch mode: the dispatch prompt (override_prompt does not apply: the
 *   task description is the request),
 * - override_prompt set: the user's template with $VARIABLES filled in,
 * - agent mode: the workflow's direct_prompt with the run's context,
 * - tag mode: the full issue/pull request prompt.
 */
import { buildAgentPrompt } from "./agent";
import { buildDispatchPrompt } from "./dispatch";
import { buildOverridePrompt } from "./override";
import { buildTagPrompt } from "./tag";
import type { BuiltPrompt, PromptInput } from "./types";

export function buildPrompt(input: PromptInput): BuiltPrompt {
  const notices: string[] = [];
  if (input.mode === "dispatch") {
    if (input.overridePrompt?.trim()) notices.push("override_prompt is ignored for a dispatched task: the task description is the request.");
    if (input.directPrompt?.trim()) notices.push("direct_prompt is ignored for a dispatched task: the task description is the request.");
    return { text: buildDispatchPrompt(input), kind: "dispatch", notices };
  }
  if (input.overridePrompt?.trim()) {
    if (input.customInstructions?.trim()) notices.push("custom_instructions is not added to override_prompt (it replaces the whole prompt); include it in the template.");
    if (input.directPrompt?.trim()) notices.push("direct_prompt is not used when override_prompt is set.");
    return { text: buildOverridePrompt(input), kind: "override", notices };
  }
  if (input.mode === "agent") return { text: buildAgentPrompt(input), kind: "agent", notices };
  return { text: buildTagPrompt(input), kind: "tag", notices };
}

export { buildAgentPrompt, runContextSection } from "./agent";
export { buildDispatchPrompt, progressSection } from "./dispatch";
export { describeEvent, type EventDescription } from "./event";
export {
  PROMPT_TAGS,
  formatAttachments,
  formatBody,
  formatChangedFiles,
  formatComments,
  formatContext,
  formatReviews,
  guard,
  tag,
} from "./format";
export {
  capabilities,
  coAuthorLine,
  commentToolInfo,
  commitInstructions,
  compareUrl,
  customInstructions,
  pullRequestInstructions,
} from "./instructions";
export {
  PROMPT_VARIABLES,
  PROMPT_VARIABLE_NAMES,
  buildOverridePrompt,
  promptVariableValues,
  substituteVariables,
  type PromptVariable,
} from "./override";
export { branchLine, buildTagPrompt, contextSections, directPromptSection, eventSections, tagInstructions } from "./tag";
export { estimateTokens } from "./tokens";
export { PROGRESS_TOOL, TOOL, availableTools, type Tools } from "./tools";
export { PromptError, type BranchInfo, type BuiltPrompt, type DispatchInfo, type PromptInput, type PromptKind, type PromptMode } from "./types";
