/**
 * The v0.0.63 inputs the pinned base action no longer has, mapped to the CLI
 * flags that give them the same effect (DESIGN.md §2). At v0.0.63 the base
 * action spawned `claude -p --verbose --output-format stream-json
 * --allowedTools … --disallowedTools … --max-turns … --mcp-config …
 * --system-prompt … --append-system-prompt … --fallback-model … --model …`
 * with claude_env as the process environment. Here:
 *
 * | input                        | becomes                                                     |
 * |------------------------------|-------------------------------------------------------------|
 * | model / anthropic_model      | `--model` (and ANTHROPIC_MODEL, set by prepare to the same) |
 * | fallback_model               | `--fallback-model`                                          |
 * | max_turns                    | `--max-turns`                                               |
 * | system_prompt                | a file, `--system-prompt-file`                              |
 * | append_system_prompt         | a file, `--append-system-prompt-file`                       |
 * | allowed_tools / disallowed_… | merged into one `--allowedTools` / `--disallowedTools`      |
 * | mcp_config                   | merged into one `--mcp-config <file>`                       |
 * | claude_env, settings         | one settings file (`settings` input of the base action)     |
 * | timeout_minutes              | the `claude` wrapper (executable.ts)                        |
 *
 * A flag given in claude_args wins over the input (with a notice when they differ).
 */
import { chosenModel, type Inputs } from "../inputs";
import type { ManagedFlag } from "./args";
import { inputError, shown, type ClaudeInputName } from "./problems";
import { pinUnsafe } from "./quote";

/** A system prompt (or appended text) as text, or as a file the user names. */
export type PromptSource = { kind: "text"; text: string; from: "claude_args" | "input" } | { kind: "file"; path: string };

export interface LegacyValues {
  model: string;
  fallbackModel?: string;
  maxTurns?: number;
  systemPrompt?: PromptSource;
  appendSystemPrompt?: PromptSource;
}

export type LegacyInputs = Pick<
  Inputs,
  "model" | "anthropic_model" | "fallback_model" | "max_turns" | "system_prompt" | "append_system_prompt"
>;

function safeInput(input: ClaudeInputName, value: string): string {
  const why = pinUnsafe(value);
  if (why) throw inputError(input, `${shown(value)} cannot reach the CLI through the base action: ${why}`);
  return value;
}

/**
 * The managed values from the inputs and the user's claude_args (`managed`).
 * As at v0.0.63, a job-level ANTHROPIC_MODEL is not a model input: the run
 * step sets ANTHROPIC_MODEL to the plan's model (empty: the CLI's default).
 */
export function legacyValues(
  inputs: LegacyInputs,
  managed: Partial<Record<ManagedFlag, string>>,
  notice: (m: string) => void,
): LegacyValues {
  const differ = (flag: string, input: string, a: string | number | undefined, b: string | number | undefined) => {
    if (a !== undefined && b !== undefined && String(a) !== String(b)) {
      notice(`claude_args ${flag} wins over the ${input} input.`);
    }
  };

  const inputModel = chosenModel(inputs);
  if (inputs.model && inputs.anthropic_model && inputs.model !== inputs.anthropic_model) {
    notice("model wins over the deprecated anthropic_model input.");
  }
  differ("--model", inputs.model ? "model" : "anthropic_model", managed.model, inputModel || undefined);
  const model = managed.model ?? (inputModel ? safeInput(inputs.model ? "model" : "anthropic_model", inputModel) : "");

  differ("--fallback-model", "fallback_model", managed["fallback-model"], inputs.fallback_model || undefined);
  const fallbackModel = managed["fallback-model"] ?? (inputs.fallback_model ? safeInput("fallback_model", inputs.fallback_model) : undefined);

  differ("--max-turns", "max_turns", managed["max-turns"], inputs.max_turns);
  const maxTurns = managed["max-turns"] !== undefined ? Number(managed["max-turns"]) : inputs.max_turns;

  const prompt = (
    flag: "system-prompt" | "append-system-prompt",
    input: "system_prompt" | "append_system_prompt",
  ): PromptSource | undefined => {
    const text = managed[flag];
    const file = managed[`${flag}-file`];
    const fromInput = inputs[input];
    if ((text !== undefined || file !== undefined) && fromInput) {
      notice(`claude_args --${flag}${file !== undefined ? "-file" : ""} wins over the ${input} input.`);
    }
    if (file !== undefined) return { kind: "file", path: file };
    if (text !== undefined) return { kind: "text", text, from: "claude_args" };
    if (fromInput) return { kind: "text", text: fromInput, from: "input" };
    return undefined;
  };

  return {
    model,
    ...(fallbackModel !== undefined ? { fallbackModel } : {}),
    ...(maxTurns !== undefined ? { maxTurns } : {}),
    ...optional("systemPrompt", prompt("system-prompt", "system_prompt")),
    ...optional("appendSystemPrompt", prompt("append-system-prompt", "append_system_prompt")),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
