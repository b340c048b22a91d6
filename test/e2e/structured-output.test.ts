/**
 * structured_output end to end with the real claude CLI:
 * - the review workflow of the issue (claude_args: --output-format json
 *   --json-schema "$(cat schema.json)", schema committed in the repository,
 *   a following step reads the verdict with jq) run as a Gitea job;
 * - a first answer that violates the schema is retried by the CLI;
 * - no StructuredOutput although a schema was requested fails the action, and
 *   the tracking comment says so;
 * - a CLI older than PINS.md's minimum fails before any model call.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeComment, errorsOf, requestMark, resultMessage } from "../support/claude-e2e";
import { pullRequestPayload } from "../support/gitea/payloads";
import { lastToolResults, lastUserText, structuredOutput, text, toolDefinition, STRUCTURED_OUTPUT_TOOL } from "../support/model/index";
import { PINS } from "../../src/pins";
import { REPO, USERS, World, cliEnv, step } from "../support/scenario";

const SCHEMA = {
  type: "object",
  properties: {
    verdict: { type: "string", enum: ["approve", "comment", "request_changes"] },
    summary: { type: "string", minLength: 1 },
    blocking: { type: "integer", minimum: 0 },
  },
  required: ["verdict", "summary", "blocking"],
  additionalProperties: false,
} as const;

let world: World;
beforeAll(async () => {
  world = await World.start({
    files: {
      "README.md": "# app\n\nA small app.\n",
      "src/greet.js": "export const greet = (name) => `Hello ${name}`;\n",
      "schema.json": `${JSON.stringify(SCHEMA, null, 2)}\n`,
    },
  });
});
afterAll(async () => world?.close());

/** The workflow of the issue, as a user would commit it. */
function reviewWorkflow(): string {
  // The pinned base action maps ANTHROPIC_BASE_URL (and friends) from the env context, so the
  // scripted model's address has to be in the workflow's env, not only in the runner's process env.
  const env = Object.entries(cliEnv(world.model.url))
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join("\n");
  return `name: Claude review
on:
  pull_request:
    types: [opened, synchronize, reopened]
env:
${env}
jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: acme/claude-code-gitea-action@0000000000000000000000000000000000000000
        id: claude
        with:
          anthropic_api_key: \${{ secrets.ANTHROPIC_API_KEY }}
          direct_prompt: Review this pull request and return your verdict.
          claude_args: --output-format json --json-schema "$(cat schema.json)"
      - id: verdict
        env:
          RESULT: \${{ steps.claude.outputs.structured_output }}
        run: echo "$RESULT" | jq -r .verdict
`;
}

describe("the review workflow of the issue", () => {
  it("returns the schema-validated object in outputs.structured_output and the next step reads it with jq", { timeout: 300_000 }, async () => {
    await world.gitea.commitFiles(REPO, "feature/farewell", { "src/farewell.js": "export const bye = (n) => `Bye ${n}`;\n" }, "Add farewell", USERS.alice);
    const pr = await world.gitea.createPullRequest(REPO, { title: "Add farewell()", body: "Adds a farewell helper.", user: USERS.alice, head: "feature/farewell", base: "main" });
    const event = await pullRequestPayload(world.gitea, REPO, pr.index, "opened", USERS.alice);
    const answer = { verdict: "approve", summary: "Small, correct helper.", blocking: 0 };
    const mark = requestMark(world);
    world.script([{ reply: [structuredOutput(answer)] }]);

    const job = await world.runJob({ workflow: reviewWorkflow(), eventName: "pull_request", event, timeoutMs: 240_000 });
    if (!job.success) console.log(job.log);
    expect(job.triggered).toBe(true);
    expect(job.success).toBe(true);
    world.model.assertDone();

    // The CLI got the committed schema as the StructuredOutput tool's input schema.
    const [request] = mark.main();
    expect(toolDefinition(request!.body, STRUCTURED_OUTPUT_TOOL)?.input_schema).toEqual(SCHEMA);

    // What the workflow sees.
    const outputs = job.outputs.claude!;
    expect(JSON.parse(outputs.structured_output!)).toEqual(answer);
    expect(outputs.conclusion).toBe("success");
    const jqStep = job.steps.find((s) => s.id === "verdict")!;
    expect(jqStep.outcome).toBe("success");
    // What the step printed (the runner's own "##[step]" header aside).
    expect(jqStep.log.split("\n").filter((l) => l && !l.startsWith("##["))).toEqual(["approve"]);

    // The pull request's tracking comment was brought to its final state.
    expect(world.gitea.listComments(REPO, pr.index).at(-1)?.body).toContain("Claude finished");

    // --output-format json was dropped (the pin needs stream-json), with a notice; the run still succeeded.
    const notices = job.annotations.filter((a) => a.level === "notice").map((a) => a.message);
    expect(notices.some((m) => m.includes("--output-format json") && m.includes("removed"))).toBe(true);
  });
});

describe("a schema the model's answer violates", () => {
  it("the CLI retries and the final object is valid (json_schema input: a workspace path)", { timeout: 300_000 }, async () => {
    const trigger = await claudeComment(world, "Judge the README");
    const mark = requestMark(world);
    const invalid = { verdict: "maybe", summary: "", blocking: -1 };
    const valid = { verdict: "request_changes", summary: "The README is too short.", blocking: 1 };
    world.script([{ reply: [structuredOutput(invalid)] }, { reply: [structuredOutput(valid)] }]);

    const result = await world.runAction({ eventName: "issue_comment", event: trigger.event, with: { json_schema: "schema.json" }, timeoutMs: 240_000 });
    if (!result.success) console.log(result.log);
    world.model.assertDone();
    const [first, second] = mark.main();
    expect(toolDefinition(first!.body, STRUCTURED_OUTPUT_TOOL)?.input_schema).toEqual(SCHEMA);
    // The CLI rejected the first answer and told the model why.
    const [rejection] = lastToolResults(second!.body);
    expect(rejection?.is_error).toBe(true);
    expect(rejection?.text).toContain("/verdict");

    expect(result.success).toBe(true);
    expect(JSON.parse(result.outputs.structured_output!)).toEqual(valid);
    expect(result.outputs.conclusion).toBe("success");
    expect((await resultMessage(result.outputs.execution_file))?.structured_output).toEqual(valid);
    const comment = trigger.comments().find((c) => c.id === Number(result.outputs.comment_id))!;
    expect(comment.body).toContain("Claude finished @alice's task");
    // The step summary shows the object.
    expect(result.summary).toContain("The README is too short.");
  });
});

describe("no structured output although a schema was requested", () => {
  it("fails the action with a clear message, and the tracking comment says so", { timeout: 300_000 }, async () => {
    const trigger = await claudeComment(world, "Judge the code");
    const mark = requestMark(world);
    // Text twice: the CLI nudges once, then ends "successfully" without structured_output.
    world.script([{ reply: [text("Looks fine to me.")] }, { reply: [text("Really, it is fine.")] }]);

    const result = await world.runAction({
      eventName: "issue_comment",
      event: trigger.event,
      with: { claude_args: `--json-schema '${JSON.stringify(SCHEMA)}'` },
      timeoutMs: 240_000,
    });
    world.model.assertDone();
    const requests = mark.main();
    expect(requests).toHaveLength(2);
    expect(lastUserText(requests[1]!.body)).toContain("StructuredOutput");

    expect(result.success).toBe(false);
    expect(result.outputs.conclusion).toBe("failure");
    expect(result.outputs.structured_output ?? "").toBe("");
    const message = "A JSON schema was requested (json_schema / --json-schema) but Claude returned no structured output";
    expect(errorsOf(result).some((m) => m.includes("did not return structured_output") || m.includes(message))).toBe(true);
    const comment = trigger.comments().find((c) => c.id === Number(result.outputs.comment_id))!;
    expect(comment.body).toContain("Claude encountered an error");
    expect(comment.body).toContain(message);
  });
});

describe("CLI preflight", () => {
  it("a CLI older than the --json-schema minimum fails before any model call, naming both versions and PINS.md", async () => {
    const dir = path.join(world.dir, "old-cli");
    await mkdir(dir, { recursive: true });
    const fake = path.join(dir, "claude");
    await writeFile(fake, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "2.0.10 (Claude Code)"; exit 0; fi\necho "the old CLI must not be run" >&2\nexit 3\n`);
    await chmod(fake, 0o755);
    const trigger = await claudeComment(world, "Old CLI");
    const before = world.model.requests.length;

    const result = await world.runAction({
      eventName: "issue_comment",
      event: trigger.event,
      with: { json_schema: JSON.stringify(SCHEMA), path_to_claude_code_executable: fake },
    });

    expect(result.success).toBe(false);
    expect(step(result, "prepare")?.outcome).toBe("failure");
    expect(step(result, "run")?.outcome).toBe("skipped");
    const errors = errorsOf(result).join("\n");
    expect(errors).toContain("2.0.10");
    expect(errors).toContain(PINS.minCliVersion);
    expect(errors).toContain("PINS.md");
    expect(result.log).not.toContain("the old CLI must not be run");
    expect(world.model.requests.length).toBe(before);
    // Nothing was posted: the only comment is the one that asked.
    expect(trigger.comments()).toHaveLength(1);
  });
});
