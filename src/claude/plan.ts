/**
 * The claude domain's API for prepare:
 *
 *   planClaude(inputs, {workspace, fs})   everything parsed and checked, nothing written;
 *                                         throws InputError (all problems at once). Call it
 *                                         BEFORE creating any Gitea comment.
 *   writeClaudeFiles(plan, {dir, …})      the MCP config, settings and prompt files, and the
 *                                         final claude_args for the pinned base action.
 *   prepareExecutable(…)                  (executable.ts) the real claude and its timeout wrapper.
 */
import { basename, dirname, join, resolve } from "node:path";
import type { Inputs } from "../inputs";
import { classifyFlags, emitClaudeArgs, readFlags, type EmittedFlag, type PassFlag } from "./args";
import { flagSpec } from "./flags";
import { nodeFs, readWorkspaceFile, workspacePath, type ClaudeFs, type WorkspaceFileContext } from "./fs";
import { loadJsonSchemaInput, type CheckedSchema } from "./json-schema";
import { legacyValues, type PromptSource } from "./legacy";
import { addServers, loadMcpConfig, mergeWithForkServers, writeMcpConfigFile, type McpServer, type McpServers } from "./mcp-config";
import { Notices, Problems, inputError, shown } from "./problems";
import { pinSafeJson, pinUnsafe } from "./quote";
import { loadSettingsInput, mergeClaudeEnv, readSettings, writeSettingsFile, type Settings } from "./settings";
import { finalToolLists, toolRulesFromInput, unionTools, WEB_TOOLS } from "./tools";
import { tokenize } from "./tokenize";

export type ClaudeInputs = Pick<
  Inputs,
  | "claude_args"
  | "json_schema"
  | "mcp_config"
  | "settings"
  | "claude_env"
  | "allowed_tools"
  | "disallowed_tools"
  | "max_turns"
  | "model"
  | "anthropic_model"
  | "fallback_model"
  | "system_prompt"
  | "append_system_prompt"
>;

export interface PlanContext {
  /** The checked-out repository (GITHUB_WORKSPACE); relative paths start here. */
  workspace: string;
  fs?: ClaudeFs;
  /** Directories besides the workspace whose files inputs may name (e.g. RUNNER_TEMP). Default: none. */
  allowedRoots?: readonly string[];
  /** The runner's temporary directory (RUNNER_TEMP): files the CLI writes (--debug-file) may go there too. */
  tempDir?: string;
  /**
   * What becomes of one tool rule (old tool names of earlier forks, tools
   * that do not exist): given by the caller, who knows the MCP servers' tools.
   */
  toolRule?: (
    rule: string,
    list: "allowed" | "disallowed",
    userServers: readonly string[],
  ) => { rules: string[]; notice?: string; warning?: string; error?: string };
  /**
   * Files are read through `fs` and their content carried in the plan (never
   * their path): for pull-request runs, whose workspace holds the PR's files
   * while `fs` reads the base branch's.
   */
  contentOnly?: boolean;
}

export interface ClaudePlan {
  /** The model for `--model` and ANTHROPIC_MODEL ("" = the CLI's default). */
  model: string;
  fallbackModel?: string;
  maxTurns?: number;
  systemPrompt?: PromptSource;
  appendSystemPrompt?: PromptSource;
  jsonSchema?: CheckedSchema & { source: "json_schema" | "claude_args" };
  /** The user's tool rules (allowed_tools/disallowed_tools inputs, then claude_args). */
  allowedTools: string[];
  disallowedTools: string[];
  addDirs: string[];
  /** The user's MCP servers (mcp_config, then each --mcp-config), merged. */
  mcpServers: McpServers;
  /** settings with claude_env merged into env. */
  settings: Settings;
  /** The user's other flags, emitted after the action's. */
  passthrough: PassFlag[];
  notices: string[];
  /** Things that are probably mistakes but do not stop the run (e.g. a tool rule that matches no tool). */
  warnings: string[];
}

const deepEqual = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** Parses and checks every Claude-related input. Nothing is written. */
export async function planClaude(inputs: ClaudeInputs, context: PlanContext): Promise<ClaudePlan> {
  const fs = context.fs ?? nodeFs();
  const ctx = { workspace: context.workspace, fs, ...(context.allowedRoots ? { allowedRoots: context.allowedRoots } : {}) };
  const problems = new Problems();
  const notices = new Notices();
  const notice = (m: string) => notices.add(m);

  // claude_args
  const user = await problems.attempt(async () => {
    const words = await tokenize(inputs.claude_args, async (file) => (await readWorkspaceFile(file, ctx, "claude_args", "$(cat FILE):")).content);
    return classifyFlags(readFlags(words));
  });
  if (user) notices.addAll(user.notices);

  // MCP servers: mcp_config, then --mcp-config values.
  const mcpServers: McpServers = {};
  const owners = new Map<string, string>();
  const sources: Array<{ value: string; input: "mcp_config" | "claude_args"; what: string }> = [];
  if (inputs.mcp_config.trim()) sources.push({ value: inputs.mcp_config, input: "mcp_config", what: "mcp_config" });
  const userConfigs = user?.mcpConfigs ?? [];
  userConfigs.forEach((value, i) =>
    sources.push({ value, input: "claude_args", what: userConfigs.length > 1 ? `--mcp-config value ${i + 1}` : "--mcp-config" }),
  );
  for (const source of sources) {
    const loaded = await problems.attempt(() => loadMcpConfig(source.value, ctx, source.input, source.what));
    if (!loaded) continue;
    for (const key of loaded.ignored) notice(`${loaded.source}: top-level key '${key}' is ignored (only "mcpServers" is read).`);
    addServers(mcpServers, owners, loaded.servers, loaded.source, notice);
  }

  // Structured output: json_schema input and/or --json-schema.
  const inputSchema = await problems.attempt(() => loadJsonSchemaInput(inputs.json_schema, ctx));
  let jsonSchema: ClaudePlan["jsonSchema"];
  if (inputSchema && user?.jsonSchema) {
    if (deepEqual(inputSchema.schema, user.jsonSchema.schema)) {
      notice("json_schema and --json-schema in claude_args give the same schema; it is used once.");
      jsonSchema = { ...inputSchema, source: "json_schema" };
    } else {
      problems.add(
        "json_schema",
        "json_schema and --json-schema in claude_args are both given and differ; expected one of them (json_schema is the tidy way; remove --json-schema from claude_args)",
      );
    }
  } else if (inputSchema) {
    jsonSchema = { ...inputSchema, source: "json_schema" };
  } else if (user?.jsonSchema) {
    jsonSchema = { ...user.jsonSchema, source: "claude_args" };
  }

  // Settings and claude_env.
  const loadedSettings = await problems.attempt(() => loadSettingsInput(inputs.settings, ctx, notice));
  const settings = mergeClaudeEnv(loadedSettings ?? {}, inputs.claude_env, notice);

  // Tool rules.
  const allowedInput = (await problems.attempt(() => toolRulesFromInput(inputs.allowed_tools, "allowed_tools"))) ?? [];
  const disallowedInput = (await problems.attempt(() => toolRulesFromInput(inputs.disallowed_tools, "disallowed_tools"))) ?? [];
  for (const [rules, input] of [
    [allowedInput, "allowed_tools"],
    [disallowedInput, "disallowed_tools"],
  ] as const) {
    for (const rule of rules) {
      const why = pinUnsafe(rule);
      if (why) problems.add(input, `the rule ${shown(rule)} cannot reach the CLI through the base action: ${why}`);
    }
  }
  // Old tool names and tools that do not exist, in every tool list.
  const warnings: string[] = [];
  const rename = (rules: readonly string[], list: "allowed" | "disallowed", input: "allowed_tools" | "disallowed_tools" | "claude_args") =>
    rules.flatMap((rule) => {
      const r = context.toolRule?.(rule, list, Object.keys(mcpServers)) ?? { rules: [rule] };
      if (r.error) problems.add(input, r.error);
      if (r.notice) notice(r.notice);
      if (r.warning && !warnings.includes(r.warning)) warnings.push(r.warning);
      return r.rules;
    });
  const allowedRules = unionTools(rename(allowedInput, "allowed", "allowed_tools"), rename(user?.allowedTools ?? [], "allowed", "claude_args"));
  const disallowedRules = unionTools(rename(disallowedInput, "disallowed", "disallowed_tools"), rename(user?.disallowedTools ?? [], "disallowed", "claude_args"));

  // Model, fallback model, max turns, system prompts.
  const legacy = await problems.attempt(() => legacyValues(inputs, user?.managed ?? {}, notice));
  // Every path claude_args names: inside the workspace, of the right kind, passed on canonical
  // (for a pull request's run, read from its base branch and passed on as content instead).
  for (const key of ["systemPrompt", "appendSystemPrompt"] as const) {
    const source = legacy?.[key];
    if (source?.kind !== "file") continue;
    const flag = key === "systemPrompt" ? "--system-prompt-file" : "--append-system-prompt-file";
    await problems.attempt(async () => {
      const real = await workspacePath(source.path, ctx, "claude_args", flag, "file");
      if (context.contentOnly) {
        const file = await readWorkspaceFile(source.path, ctx, "claude_args", flag);
        legacy![key] = { kind: "text", text: file.content, from: "input" };
      } else legacy![key] = { kind: "file", path: real };
    });
  }
  const addDirs: string[] = [];
  for (const dir of user?.addDirs ?? []) {
    const real = await problems.attempt(() => workspacePath(dir, context.contentOnly ? { ...ctx, fs: nodeFs() } : ctx, "claude_args", "--add-dir", "dir"));
    if (real) addDirs.push(real);
  }
  const passthrough: PassFlag[] = [];
  for (const flag of user?.passthrough ?? []) {
    const checked = await problems.attempt(() => checkPassPath(flag, ctx, context, notice));
    if (checked) passthrough.push(checked);
  }

  problems.throwIfAny();
  const l = legacy!;
  const u = user!;
  return {
    model: l.model,
    ...(l.fallbackModel !== undefined ? { fallbackModel: l.fallbackModel } : {}),
    ...(l.maxTurns !== undefined ? { maxTurns: l.maxTurns } : {}),
    ...(l.systemPrompt ? { systemPrompt: l.systemPrompt } : {}),
    ...(l.appendSystemPrompt ? { appendSystemPrompt: l.appendSystemPrompt } : {}),
    ...(jsonSchema ? { jsonSchema } : {}),
    allowedTools: allowedRules,
    disallowedTools: disallowedRules,
    addDirs: unionTools(addDirs),
    mcpServers,
    settings,
    passthrough,
    notices: notices.list,
    warnings,
  };
}

/** A passed-through flag whose value names a path: checked, and passed on as the canonical path. */
async function checkPassPath(flag: PassFlag, ctx: WorkspaceFileContext, context: PlanContext, notice: (m: string) => void): Promise<PassFlag> {
  const spec = flagSpec(flag.name);
  const value = flag.value;
  if (!spec?.path || value === undefined || (spec.jsonOrPath && /^\s*[[{]/.test(value)) || spec.path === "file-spec") return flag;
  const what = `--${flag.name}`;
  // Directories and files the CLI writes are the checkout's own (on a pull request's run, its files are read from the base branch).
  const local = context.contentOnly ? { ...ctx, fs: nodeFs() } : ctx;
  if (spec.path === "output") return { name: flag.name, value: await outputPath(value, { ...local, allowedRoots: context.tempDir ? [context.tempDir] : [] }, what) };
  if (flag.name === "settings") {
    const r = await readSettings(value, ctx, "claude_args", what);
    for (const n of r.notices) notice(n);
    return { name: flag.name, value: context.contentOnly ? pinSafeJson(r.settings) : r.path! };
  }
  if (flag.name === "agents") {
    const file = await readWorkspaceFile(value, ctx, "claude_args", `${what} file`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(file.content);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw inputError("claude_args", `${what} file ${shown(value)} is not a JSON object of agents; expected e.g. {"reviewer": {"description": "…", "prompt": "…"}}`);
    }
    return { name: flag.name, value: context.contentOnly ? pinSafeJson(parsed) : file.path };
  }
  return { name: flag.name, value: await workspacePath(value, spec.path === "file" ? ctx : local, "claude_args", what, spec.path) };
}

/** A file the CLI writes: its directory inside the workspace (or an allowed root); if it exists, a regular file. */
async function outputPath(value: string, ctx: WorkspaceFileContext, what: string): Promise<string> {
  const dir = await workspacePath(dirname(resolve(ctx.workspace, value)), ctx, "claude_args", `the directory of ${what} ${shown(value)}:`, "dir");
  const target = join(dir, basename(resolve(ctx.workspace, value)));
  const kind = await ctx.fs.kind(target);
  if (kind !== undefined) await workspacePath(target, ctx, "claude_args", what, "file");
  return target;
}

export interface WriteOptions {
  /** A directory for the files (created 0700), e.g. under RUNNER_TEMP. */
  dir: string;
  /** The action's MCP servers (gitea, progress, …). */
  forkServers: Record<string, McpServer>;
  /** The action's allowed tools (see actionToolLists). */
  forkAllowedTools: readonly string[];
  /** The action's disallowed tools; default WebSearch, WebFetch. */
  forkDisallowedTools?: readonly string[];
  /** Rules the trust boundary denies: never lifted by the user's lists, and written into the settings file as well. */
  boundaryDisallowedTools?: readonly string[];
  fs?: ClaudeFs;
}

export interface ClaudeFiles {
  /** The `claude_args` input for the base action: one line of single-quoted words. */
  claudeArgs: string;
  /** The `settings` input for the base action. */
  settingsFile: string;
  mcpConfigFile: string;
  /** For ANTHROPIC_MODEL on the run step ("" = the CLI's default). */
  model: string;
  jsonSchema?: Record<string, unknown>;
  /** For the log, each once. */
  notices: string[];
}

export const FILE_NAMES = {
  mcpConfig: "mcp-config.json",
  settings: "settings.json",
  systemPrompt: "system-prompt.md",
  appendSystemPrompt: "append-system-prompt.md",
} as const;

/** The settings with the boundary's deny rules added to `permissions.deny` (the CLI applies deny from every source). */
function withDeniedRules(settings: Settings, denied: readonly string[]): Settings {
  if (!denied.length) return settings;
  const permissions = (settings.permissions ?? {}) as Record<string, unknown>;
  const deny = Array.isArray(permissions.deny) ? (permissions.deny as string[]) : [];
  return { ...settings, permissions: { ...permissions, deny: unionTools(deny, denied) } };
}

/** Writes the files the plan needs and builds the final claude_args. */
export async function writeClaudeFiles(plan: ClaudePlan, options: WriteOptions): Promise<ClaudeFiles> {
  const fs = options.fs ?? nodeFs();
  const notices = new Notices();
  notices.addAll(plan.notices);
  const notice = (m: string) => notices.add(m);
  await fs.mkdir(options.dir, 0o700);

  const mcpConfigFile = join(options.dir, FILE_NAMES.mcpConfig);
  await writeMcpConfigFile(mcpConfigFile, mergeWithForkServers(options.forkServers, plan.mcpServers, notice), fs);
  const settingsFile = join(options.dir, FILE_NAMES.settings);
  await writeSettingsFile(settingsFile, withDeniedRules(plan.settings, options.boundaryDisallowedTools ?? []), fs);

  const tools = finalToolLists(
    {
      forkAllowed: options.forkAllowedTools,
      forkDisallowed: options.forkDisallowedTools ?? WEB_TOOLS,
      ...(options.boundaryDisallowedTools ? { boundaryDenied: options.boundaryDisallowedTools } : {}),
      userAllowed: plan.allowedTools,
      userDisallowed: plan.disallowedTools,
    },
    notice,
  );

  const promptFlag = async (source: PromptSource | undefined, flag: "system-prompt" | "append-system-prompt", file: string): Promise<EmittedFlag[]> => {
    if (!source) return [];
    if (source.kind === "file") return [{ name: `${flag}-file`, values: [source.path] }];
    // Inputs always travel as files (v0.0.63 accepted any text); claude_args text does when the pin cannot carry it.
    if (source.from === "claude_args" && !pinUnsafe(source.text)) return [{ name: flag, values: [source.text] }];
    const path = join(options.dir, file);
    await fs.writeFile(path, source.text, 0o600);
    return [{ name: `${flag}-file`, values: [path] }];
  };

  const flags: EmittedFlag[] = [
    { name: "mcp-config", values: [mcpConfigFile] },
    ...(tools.allowed.length ? [{ name: "allowedTools", values: [tools.allowed.join(",")] }] : []),
    ...(tools.disallowed.length ? [{ name: "disallowedTools", values: [tools.disallowed.join(",")] }] : []),
    ...(plan.addDirs.length ? [{ name: "add-dir", values: plan.addDirs }] : []),
    ...(plan.maxTurns !== undefined ? [{ name: "max-turns", values: [String(plan.maxTurns)] }] : []),
    ...(plan.model ? [{ name: "model", values: [plan.model] }] : []),
    ...(plan.fallbackModel ? [{ name: "fallback-model", values: [plan.fallbackModel] }] : []),
    ...(await promptFlag(plan.systemPrompt, "system-prompt", FILE_NAMES.systemPrompt)),
    ...(await promptFlag(plan.appendSystemPrompt, "append-system-prompt", FILE_NAMES.appendSystemPrompt)),
    ...(plan.jsonSchema ? [{ name: "json-schema", values: [pinSafeJson(plan.jsonSchema.schema)] }] : []),
    ...plan.passthrough.map((p) => ({ name: p.name, values: p.value === undefined ? [] : [p.value] })),
  ];

  return {
    claudeArgs: emitClaudeArgs(flags),
    settingsFile,
    mcpConfigFile,
    model: plan.model,
    ...(plan.jsonSchema ? { jsonSchema: plan.jsonSchema.schema } : {}),
    notices: notices.list,
  };
}
