/**
 * Finds the oldest Claude Code CLI that runs this action's run step: each
 * version given is installed from npm into a temporary directory (outside the
 * repository) and run through the REAL pinned base action (BASE_ACTION_DIR, a
 * copy of ../shared/vendor/claude-code-base-action-53ab25a) against the
 * scripted Messages API, with the inputs prepare always gives it: a prompt
 * file, a settings file, and claude_args with one --mcp-config file (an MCP
 * server the model calls), --allowedTools, --disallowedTools and --max-turns
 * (and, with --schema, --json-schema). A version passes when the step
 * succeeds, the model was asked, the MCP tool ran and (with --schema) the
 * structured output arrived.
 *
 *   cp -r ../shared/vendor/claude-code-base-action-53ab25a /tmp/base-action-pin && chmod -R u+w /tmp/base-action-pin
 *   BASE_ACTION_DIR=/tmp/base-action-pin npx tsx scripts/cli-minimum.ts [--schema] [--dir DIR] VERSION…
 *   BASE_ACTION_DIR=/tmp/base-action-pin npx tsx scripts/cli-minimum.ts --bisect FROM TO   (npm versions between, inclusive)
 *
 * Prints one line per version: `pass <version>` or `FAIL <version>: <why>`.
 * Results and the method are recorded in PINS.md ("Minimum CLI").
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { echoMcpConfig } from "../test/support/model/mcp";
import { startModel, structuredOutput, text, toolUse } from "../test/support/model/index";
import { runAction } from "../test/support/runner/index";
import { PINS } from "../src/pins";
import { cmp, install, npmVersions } from "./cli-versions";

type Options = { schema: boolean; allFlags: boolean; dir: string; versions: string[]; keep: boolean };

function parseArgs(argv: string[]): Options & { bisect?: [string, string] } {
  const o: Options & { bisect?: [string, string] } = { schema: false, allFlags: false, dir: join(tmpdir(), "ccga-cli-versions"), versions: [], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--schema") o.schema = true;
    else if (a === "--all-flags") o.allFlags = true;
    else if (a === "--keep") o.keep = true;
    else if (a === "--dir") o.dir = argv[++i]!;
    else if (a === "--bisect") o.bisect = [argv[++i]!, argv[++i]!];
    else o.versions.push(a);
  }
  return o;
}

export type TryResult = { version: string; ok: boolean; why: string; log: string };

export async function tryVersion(cli: string, version: string, schema: boolean, allFlags = false): Promise<TryResult> {
  const baseDir = process.env.BASE_ACTION_DIR;
  if (!baseDir) throw new Error("set BASE_ACTION_DIR to a copy of the pinned base action (see the header of this file)");
  const root = await mkdtemp(join(tmpdir(), "ccga-cli-min-"));
  const model = await startModel();
  try {
    const ws = join(root, "ws");
    const files = join(root, "files");
    await Promise.all([mkdir(ws, { recursive: true }), mkdir(files, { recursive: true })]);
    const echo = await echoMcpConfig(files, "probe");
    const promptFile = join(files, "prompt.md");
    await writeFile(promptFile, "Call the probe tool, then answer.\n");
    const settingsFile = join(files, "settings.json");
    await writeFile(settingsFile, JSON.stringify({ env: { CCGA_PROBE: "1" }, permissions: { allow: ["Read"] } }));
    const schemaText = JSON.stringify({ type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] });
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const claudeArgs = [
      "--mcp-config", echo.configFile,
      "--allowedTools", "Edit,Glob,Grep,Read,Write,mcp__probe__echo",
      "--disallowedTools", "WebSearch,WebFetch",
      "--max-turns", "5",
      ...(schema ? ["--json-schema", schemaText] : []),
      // Every other flag prepare emits from a legacy input (system_prompt, append_system_prompt, model, fallback_model) or --add-dir.
      ...(allFlags
        ? ["--add-dir", files, "--model", "claude-probe-1", "--fallback-model", "claude-probe-2", "--system-prompt-file", promptFile, "--append-system-prompt-file", promptFile]
        : []),
    ].map(q).join(" ");
    model.script([
      { reply: [toolUse("mcp__probe__echo", { text: "ping" })] },
      { reply: [schema ? structuredOutput({ ok: true }) : text("Done.")] },
    ]);
    const caller = join(root, "caller");
    await mkdir(caller, { recursive: true });
    await writeFile(
      join(caller, "action.yml"),
      `inputs:
  api_key:
    required: true
outputs:
  conclusion:
    value: \${{ steps.base.outputs.conclusion }}
  structured_output:
    value: \${{ steps.base.outputs.structured_output }}
runs:
  using: composite
  steps:
    - id: base
      uses: anthropics/claude-code-base-action@${PINS.baseActionSha}
      with:
        prompt_file: ${promptFile}
        settings: ${settingsFile}
        claude_args: ${JSON.stringify(claudeArgs)}
        anthropic_api_key: \${{ inputs.api_key }}
        path_to_claude_code_executable: ${cli}
`,
    );
    const r = await runAction({
      actionDir: caller,
      with: { api_key: "sk-ant-api03-scripted-model-dummy-key" },
      jobEnv: {
        ANTHROPIC_BASE_URL: model.url,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_TELEMETRY: "1",
        DISABLE_ERROR_REPORTING: "1",
        DISABLE_AUTOUPDATER: "1",
      },
      github: {
        event_name: "workflow_dispatch",
        event: { repository: { full_name: "acme/widgets", default_branch: "main" } },
        repository: "acme/widgets",
        server_url: "http://127.0.0.1:3000",
        api_url: "http://127.0.0.1:3000/api/v1",
        run_id: 1,
        run_number: 1,
        token: "job-token",
        actor: "alice",
      },
      workspace: ws,
      runnerTemp: join(root, "tmp"),
      home: join(root, "home"),
      timeoutMs: 300_000,
    });
    const calls = await echo.calls();
    const why: string[] = [];
    if (!r.success) why.push(`the run step failed: ${lastError(r.log)}`);
    if (model.mainRequests.length === 0) why.push("the model was never asked");
    if (!calls.some((c) => c.text.includes("ping"))) why.push("the --mcp-config server's tool did not run");
    if (schema && !r.outputs.structured_output) why.push("no structured_output");
    return { version, ok: why.length === 0, why: why.join("; "), log: r.log };
  } finally {
    await model.close();
    await rm(root, { recursive: true, force: true });
  }
}

function lastError(log: string): string {
  const lines = log.split("\n").filter((l) => /error|unknown option|fail/i.test(l));
  return (lines.slice(-3).join(" | ") || log.split("\n").slice(-3).join(" | ")).slice(0, 400);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  await mkdir(o.dir, { recursive: true });
  const report = async (v: string) => {
    const r = await tryVersion(install(o.dir, v), v, o.schema, o.allFlags);
    console.log(r.ok ? `pass ${v}` : `FAIL ${v}: ${r.why}`);
    if (!r.ok && process.env.CLI_MINIMUM_LOGS) await writeFile(join(process.env.CLI_MINIMUM_LOGS, `${v}.log`), r.log);
    if (!o.keep) await rm(join(o.dir, v), { recursive: true, force: true });
    return r.ok;
  };
  if (o.bisect) {
    // Binary search for the oldest passing version in [from, to], assuming old fails and new passes.
    const all = npmVersions().filter((v) => cmp(v, o.bisect![0]) >= 0 && cmp(v, o.bisect![1]) <= 0);
    let lo = 0;
    let hi = all.length - 1;
    if (!(await report(all[hi]!))) throw new Error(`${all[hi]} fails: nothing to bisect`);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await report(all[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    console.log(`oldest passing in [${o.bisect[0]}, ${o.bisect[1]}]: ${all[lo]}`);
    return;
  }
  let failed = false;
  for (const v of o.versions) if (!(await report(v))) failed = true;
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
