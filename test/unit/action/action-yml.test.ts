import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INPUT_NAMES, InputError, envNameOf, readInputs } from "../../../src/inputs";
import { PINS } from "../../../src/pins";
import { FINISH_ENV, FINISH_OUTPUTS, PREPARE_OUTPUTS, RUN_ENV } from "../../../src/steps";
import { actionYml, actionYmlText, fromRoot } from "../../support/repo";

const action = actionYml();
const steps = action.runs.steps;
const prepare = steps.find((s) => s.id === "prepare")!;
const run = steps.find((s) => s.id === "run")!;
const finish = steps.find((s) => s.id === "finish")!;

/** Every input a v0.0.63-era workflow of the pre-v1 fork may pass. */
const LEGACY = {
  trigger_phrase: "@claude",
  assignee_trigger: "",
  label_trigger: "claude",
  base_branch: "",
  branch_prefix: "claude/",
  mode: "tag",
  model: "",
  anthropic_model: "",
  fallback_model: "",
  allowed_tools: "",
  disallowed_tools: "",
  custom_instructions: "",
  direct_prompt: "",
  override_prompt: "",
  mcp_config: "",
  additional_permissions: "",
  claude_env: "",
  settings: "",
  anthropic_api_key: "",
  claude_code_oauth_token: "",
  claude_credentials: "",
  gitea_token: "",
  github_token: "",
  use_bedrock: "false",
  use_vertex: "false",
  max_turns: "",
  timeout_minutes: "30",
  use_sticky_comment: "false",
  use_commit_signing: "false",
  experimental_allowed_domains: "",
  allowed_bots: "",
  claude_git_name: "Claude",
  claude_git_email: "claude@anthropic.com",
};
const NEW = ["claude_args", "json_schema", "gitea_server_url", "path_to_claude_code_executable", "show_full_output", "progress_secret", "progress_audience", "progress_allowed_hosts", "subprocess_sandbox"];
const OUTPUTS = ["execution_file", "structured_output", "conclusion", "session_id", "branch_name", "comment_id"];

describe("action.yml contract", () => {
  it("is a composite action: prepare → run → finish", () => {
    expect(action.runs.using).toBe("composite");
    expect(steps.map((s) => s.id)).toEqual(["prepare", "run", "finish"]);
    expect(prepare.run).toMatch(/ && node "\$GITHUB_ACTION_PATH\/dist\/prepare\.js"$/);
    expect(finish.run).toMatch(/ && node "\$GITHUB_ACTION_PATH\/dist\/finish\.js"$/);
    expect(finish.if).toBe(`always() && steps.prepare.outputs.${PREPARE_OUTPUTS.started} == 'true'`);
    expect(run.if).toBe(`steps.prepare.outputs.${PREPARE_OUTPUTS.containsTrigger} == 'true'`);
  });

  it("runs only the bundles this release ships: each step checks the SHA-256 of the dist files it runs first", () => {
    const pinned = (text: string) => Object.fromEntries([...text.matchAll(/\b([a-z-]+\.js) ([0-9a-f]{64})\b/g)].map((m) => [m[1]!, m[2]!]));
    const sha = (file: string) => createHash("sha256").update(readFileSync(fromRoot("dist", file))).digest("hex");
    const forPrepare = pinned(prepare.run!);
    expect(Object.keys(forPrepare).sort()).toEqual(["broker.js", "claude-launcher.js", "git-guard.js", "prepare.js"]);
    expect(Object.keys(pinned(finish.run!))).toEqual(["finish.js"]);
    for (const [file, hash] of Object.entries({ ...forPrepare, ...pinned(finish.run!) })) expect(hash, file).toBe(sha(file));
    // The check comes first and stops the step: nothing runs after a mismatch.
    expect(prepare.run!.indexOf("process.exit(1)")).toBeLessThan(prepare.run!.indexOf('&& node "$GITHUB_ACTION_PATH/dist/prepare.js"'));
  });

  it("declares every legacy input with its v0.0.63 default, and the new ones", () => {
    for (const [name, def] of Object.entries(LEGACY)) {
      expect(action.inputs[name], name).toBeDefined();
      expect(action.inputs[name]!.default ?? "", name).toBe(def);
    }
    for (const name of NEW) expect(action.inputs[name], name).toBeDefined();
  });

  it("describes every input and output so a user can act on it", () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description?.length ?? 0, name).toBeGreaterThan(30);
      expect(input.required ?? false, name).toBe(false);
    }
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUTS].sort());
    for (const [name, output] of Object.entries(action.outputs)) expect(output.description?.length ?? 0, name).toBeGreaterThan(20);
  });

  it("parses every input in src/inputs.ts, and only those", () => {
    expect([...INPUT_NAMES].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it("maps every input to the prepare step as INPUT_<NAME>", () => {
    for (const name of INPUT_NAMES) {
      expect(prepare.env?.[envNameOf(name)], name).toBe(`\${{ inputs.${name} }}`);
    }
  });

  it("keeps defaults only in action.yml: an empty input never becomes the default", () => {
    const defaults = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [envNameOf(k), v.default ?? ""]));
    const parsed = readInputs({ ...defaults, INPUT_ANTHROPIC_API_KEY: "k" });
    expect(parsed.trigger_phrase).toBe("@claude");
    expect(parsed.timeout_minutes).toBe(30);
    for (const [name, input] of Object.entries(action.inputs)) {
      if (!input.default || input.default === "false") continue;
      const env = { ...defaults, INPUT_ANTHROPIC_API_KEY: "k", [envNameOf(name)]: "" };
      let value: unknown;
      try {
        value = (readInputs(env) as Record<string, unknown>)[name];
      } catch (e) {
        expect(e, name).toBeInstanceOf(InputError);
        expect((e as InputError).problems.map((p) => p.input)).toContain(name);
        continue;
      }
      expect(value, name).not.toEqual(input.default);
      expect(String(value ?? ""), name).not.toBe(input.default);
    }
  });

  it("runs the base action pinned to the full SHA of PINS, with a dated comment", () => {
    expect(run.uses).toBe(`anthropics/claude-code-base-action@${PINS.baseActionSha}`);
    expect(actionYmlText()).toMatch(new RegExp(`uses: anthropics/claude-code-base-action@${PINS.baseActionSha} # \\d{4}-\\d{2}-\\d{2}`));
  });

  it("passes the base action only inputs it declares, fed from prepare's outputs and the auth inputs", () => {
    const pinInputs = ["prompt", "prompt_file", "settings", "claude_args", "anthropic_api_key", "claude_code_oauth_token", "use_bedrock", "use_vertex", "use_foundry", "path_to_claude_code_executable", "show_full_output", "plugins", "plugin_marketplaces", "path_to_bun_executable", "use_node_cache", "anthropic_federation_rule_id", "anthropic_organization_id", "anthropic_service_account_id", "anthropic_workspace_id", "anthropic_oidc_audience"];
    for (const key of Object.keys(run.with ?? {})) expect(pinInputs, key).toContain(key);
    expect(run.with).toMatchObject({
      prompt_file: `\${{ steps.prepare.outputs.${PREPARE_OUTPUTS.promptFile} }}`,
      claude_args: `\${{ steps.prepare.outputs.${PREPARE_OUTPUTS.claudeArgs} }}`,
      settings: `\${{ steps.prepare.outputs.${PREPARE_OUTPUTS.settingsFile} }}`,
      path_to_claude_code_executable: `\${{ steps.prepare.outputs.${PREPARE_OUTPUTS.claudeExecutable} }}`,
      anthropic_api_key: "${{ inputs.anthropic_api_key }}",
    });
    expect(run.with?.claude_code_oauth_token).toContain("inputs.claude_code_oauth_token");
    expect(run.env?.[RUN_ENV.model]).toBe(`\${{ steps.prepare.outputs.${PREPARE_OUTPUTS.model} }}`);
    // Nothing secret reaches the run step's environment: the broker holds the tokens (SECURITY.md).
    expect(Object.keys(run.env ?? {})).toEqual(Object.values(RUN_ENV));
    expect(JSON.stringify(run.env)).not.toMatch(/token|secret|github\.token/i);
  });

  it("gives finish the step data it reads, by the names in src/steps.ts", () => {
    expect(finish.env?.[FINISH_ENV.stateFile]).toBe(`\${{ steps.prepare.outputs.${PREPARE_OUTPUTS.stateFile} }}`);
    expect(finish.env?.[FINISH_ENV.prepareOutcome]).toBe("${{ steps.prepare.outcome }}");
    expect(finish.env?.[FINISH_ENV.runOutcome]).toBe("${{ steps.run.outcome }}");
    for (const [key, output] of [
      [FINISH_ENV.runConclusion, "conclusion"],
      [FINISH_ENV.executionFile, "execution_file"],
      [FINISH_ENV.structuredOutput, "structured_output"],
      [FINISH_ENV.sessionId, "session_id"],
    ] as const) {
      expect(finish.env?.[key]).toBe(`\${{ steps.run.outputs.${output} }}`);
    }
    expect(action.outputs.structured_output!.value).toBe("${{ steps.run.outputs.structured_output }}");
    expect(action.outputs.branch_name!.value).toBe(`\${{ steps.finish.outputs.${FINISH_OUTPUTS.branchName} }}`);
    // finish names the replacement when it had to post a new comment in the final state.
    expect(action.outputs.comment_id!.value).toBe(`\${{ steps.finish.outputs.${FINISH_OUTPUTS.commentId} || steps.prepare.outputs.${PREPARE_OUTPUTS.commentId} }}`);
    expect(action.outputs.conclusion!.value).toContain(`steps.finish.outputs.${FINISH_OUTPUTS.conclusion}`);
  });
});
