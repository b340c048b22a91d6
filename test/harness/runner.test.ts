// Tests of the local composite-action / workflow-job runner (test/support/runner).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BASE_ACTION_STANDIN,
  REPO_ROOT,
  matchEvent,
  parseKeyValueFile,
  resolveUses,
  runAction,
  runJob,
  splitTemplate,
  type GithubInfo,
  type StepResult,
} from "../support/runner/index";

const exec = promisify(execFile);

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "runner-test-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function dirs() {
  return { workspace: join(root, "ws"), runnerTemp: join(root, "tmp"), home: join(root, "home") };
}

async function write(path: string, content: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

async function action(dir: string, yaml: string): Promise<string> {
  await write(join(dir, "action.yml"), yaml);
  return dir;
}

const event = {
  action: "created",
  issue: { number: 7, title: "Broken widget" },
  comment: { id: 99, body: "@claude please look" },
  repository: { full_name: "acme/widgets", default_branch: "main", html_url: "http://127.0.0.1:3000/acme/widgets" },
  sender: { login: "alice" },
};

function github(extra: Partial<GithubInfo> = {}): GithubInfo {
  return {
    event_name: "issue_comment",
    event,
    repository: "acme/widgets",
    server_url: "http://127.0.0.1:3000",
    api_url: "http://127.0.0.1:3000/api/v1",
    run_id: 42,
    run_number: 5,
    token: "job-token-123456",
    actor: "alice",
    ...extra,
  };
}

function step(steps: StepResult[], id: string): StepResult {
  const s = steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id} in ${steps.map((x) => x.id).join(", ")}`);
  return s;
}

describe("expressions and contexts", () => {
  it("evaluates inputs, defaults, github/runner/env/vars contexts and functions", async () => {
    const dir = await action(
      join(root, "ctx"),
      `
name: ctx
inputs:
  who:
    description: defaults may use expressions
    default: \${{ github.actor }}
  count:
    default: 3
outputs:
  summary:
    value: \${{ format('{0}/{1}#{2}', github.repository_owner, inputs.who, github.event.issue.number) }}
  echoed:
    value: \${{ steps.show.outputs.repo }}
runs:
  using: composite
  steps:
    - id: show
      shell: bash
      env:
        STEP_VALUE: \${{ inputs.count }}-\${{ env.FROM_JOB }}
        JSON_VALUE: \${{ toJSON(inputs.count) }}
      run: |
        {
          echo "repo=\${{ github.repository }}"
          echo "event=\${{ github.event_name }}/\${{ github.event.action }}/\${{ github.event.issue.number }}"
          echo "who=\${{ inputs.who }} count=\${{ inputs.count }}"
          echo "runner=\${{ runner.os }} \${{ runner.temp }}"
          echo "action_path=\${{ github.action_path }}"
          echo "workspace=\${{ github.workspace }}"
          echo "var=\${{ vars.COLOR }}"
          echo "contains=\${{ contains(github.event.comment.body, '@CLAUDE') }}"
          echo "starts=\${{ startsWith(github.ref, 'refs/heads/') }} ends=\${{ endsWith(github.repository, '/widgets') }}"
          echo "join=\${{ join(fromJSON('[1,2,3]'), '+') }}"
          echo "json=\${{ fromJSON('{"a":{"b":"deep"}}').a.b }}"
          echo "tojson=$JSON_VALUE"
          echo "missing=[\${{ steps.nope.outputs.x }}]"
          echo "ref=\${{ github.ref }} sha=[\${{ github.sha }}]"
          echo "step_env=$STEP_VALUE"
          echo "env_ctx=\${{ env.STEP_VALUE }}"
        } >> "$GITHUB_OUTPUT"
`,
    );
    const r = await runAction({
      actionDir: dir,
      github: github(),
      ...dirs(),
      vars: { COLOR: "blue" },
      jobEnv: { FROM_JOB: "j" },
    });
    expect(r.success, r.log).toBe(true);
    const out = step(r.steps, "show").outputs;
    expect(out).toMatchObject({
      repo: "acme/widgets",
      event: "issue_comment/created/7",
      who: "alice count=3",
      runner: `Linux ${join(root, "tmp")}`,
      action_path: dir,
      workspace: join(root, "ws"),
      var: "blue",
      contains: "true",
      starts: "true ends=true",
      join: "1+2+3",
      json: "deep",
      tojson: '"3"',
      missing: "[]",
      ref: "refs/heads/main sha=[]",
      step_env: "3-j",
      env_ctx: "3-j",
    });
    expect(r.outputs).toEqual({ summary: "acme/alice#7", echoed: "acme/widgets" });
  });

  it("gives processes the runner's variables and nothing else from the test process", async () => {
    process.env.RUNNER_TEST_SHOULD_NOT_LEAK = "leaked";
    try {
      const dir = await action(
        join(root, "envs"),
        `
runs:
  using: composite
  steps:
    - id: e
      shell: bash
      run: |
        for v in GITHUB_WORKSPACE GITHUB_EVENT_NAME GITHUB_REPOSITORY GITHUB_REPOSITORY_OWNER GITHUB_SERVER_URL \\
                 GITHUB_API_URL GITHUB_RUN_ID GITHUB_RUN_NUMBER GITHUB_ACTOR GITHUB_ACTION_PATH GITHUB_ACTIONS \\
                 GITEA_ACTIONS CI RUNNER_OS RUNNER_TEMP HOME; do
          echo "$v=\${!v}" >> "$GITHUB_OUTPUT"
        done
        echo "leak=\${RUNNER_TEST_SHOULD_NOT_LEAK:-none}" >> "$GITHUB_OUTPUT"
        echo "token=\${GITHUB_TOKEN:-unset}" >> "$GITHUB_OUTPUT"
        echo "issue=$(node -e 'console.log(require(process.env.GITHUB_EVENT_PATH).issue.number)')" >> "$GITHUB_OUTPUT"
        echo "pwd=$(pwd)" >> "$GITHUB_OUTPUT"
`,
      );
      const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
      expect(r.success, r.log).toBe(true);
      expect(step(r.steps, "e").outputs).toEqual({
        GITHUB_WORKSPACE: join(root, "ws"),
        GITHUB_EVENT_NAME: "issue_comment",
        GITHUB_REPOSITORY: "acme/widgets",
        GITHUB_REPOSITORY_OWNER: "acme",
        GITHUB_SERVER_URL: "http://127.0.0.1:3000",
        GITHUB_API_URL: "http://127.0.0.1:3000/api/v1",
        GITHUB_RUN_ID: "42",
        GITHUB_RUN_NUMBER: "5",
        GITHUB_ACTOR: "alice",
        GITHUB_ACTION_PATH: dir,
        GITHUB_ACTIONS: "true",
        GITEA_ACTIONS: "true",
        CI: "true",
        RUNNER_OS: "Linux",
        RUNNER_TEMP: join(root, "tmp"),
        HOME: join(root, "home"),
        leak: "none",
        token: "unset",
        issue: "7",
        pwd: join(root, "ws"),
      });
    } finally {
      delete process.env.RUNNER_TEST_SHOULD_NOT_LEAK;
    }
  });

  it("implements hashFiles over the workspace", async () => {
    const ws = dirs().workspace;
    await write(join(ws, "a/x.lock"), "one");
    await write(join(ws, "b/c/y.lock"), "two");
    await write(join(ws, "z.txt"), "three");
    const dir = await action(
      join(root, "hash"),
      `
runs:
  using: composite
  steps:
    - id: h
      shell: bash
      run: |
        echo "locks=\${{ hashFiles('**/*.lock') }}" >> "$GITHUB_OUTPUT"
        echo "none=\${{ hashFiles('**/*.nothing') }}" >> "$GITHUB_OUTPUT"
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    const outer = createHash("sha256");
    for (const c of ["one", "two"]) outer.update(createHash("sha256").update(c).digest());
    expect(step(r.steps, "h").outputs).toEqual({ locks: outer.digest("hex"), none: "" });
  });

  it("splits templates at the first }} outside string literals", () => {
    expect(splitTemplate("a ${{ format('}}{0}', 'x') }} b")).toEqual([
      { literal: "a " },
      { expression: "format('}}{0}', 'x')" },
      { literal: " b" },
    ]);
  });

  it("fails the step on an invalid expression and on secrets inside a composite action", async () => {
    const dir = await action(
      join(root, "bad"),
      `
runs:
  using: composite
  steps:
    - id: bad
      shell: bash
      run: echo "\${{ nosuch.context }}"
    - id: secret
      if: always()
      shell: bash
      run: echo "\${{ secrets.TOKEN }}"
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    expect(r.success).toBe(false);
    expect(step(r.steps, "bad").outcome).toBe("failure");
    expect(step(r.steps, "bad").error).toMatch(/nosuch/);
    expect(step(r.steps, "secret").outcome).toBe("failure");
    expect(step(r.steps, "secret").error).toMatch(/secrets/);
  });
});

describe("if: and status functions", () => {
  it("skips after a failure unless the condition uses a status function", async () => {
    const dir = await action(
      join(root, "status"),
      `
runs:
  using: composite
  steps:
    - id: ok
      shell: bash
      run: echo fine
    - id: boom
      shell: bash
      run: exit 3
    - id: after
      shell: bash
      run: echo should not run
    - id: implicit
      if: steps.boom.outcome == 'failure'
      shell: bash
      run: echo "implicitly success() && (…), so skipped"
    - id: onfail
      if: failure() && steps.boom.outcome == 'failure'
      shell: bash
      run: echo "seen=\${{ steps.boom.outcome }}/\${{ steps.boom.conclusion }}/\${{ steps.after.outcome }}" >> "$GITHUB_OUTPUT"
    - id: always
      if: \${{ always() }}
      shell: bash
      run: echo "status=\${{ job.status }}" >> "$GITHUB_OUTPUT"
    - id: succ
      if: success()
      shell: bash
      run: echo no
    - id: cancelled
      if: cancelled()
      shell: bash
      run: echo no
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    expect(r.success).toBe(false);
    expect(r.outcome).toBe("failure");
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ["ok", "success"],
      ["boom", "failure"],
      ["after", "skipped"],
      ["implicit", "skipped"],
      ["onfail", "success"],
      ["always", "success"],
      ["succ", "skipped"],
      ["cancelled", "skipped"],
    ]);
    expect(step(r.steps, "onfail").outputs.seen).toBe("failure/failure/skipped");
    expect(step(r.steps, "always").outputs.status).toBe("failure");
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: "error", message: "Process completed with exit code 3." }));
  });

  it("scopes status functions to the composite's own steps; continue-on-error keeps success()", async () => {
    const ws = dirs().workspace;
    await action(
      join(ws, "inner"),
      `
outputs:
  ran:
    value: \${{ steps.first.outcome }}
runs:
  using: composite
  steps:
    - id: first
      shell: bash
      run: echo "inner starts with success() true although the caller failed"
`,
    );
    const dir = await action(
      join(root, "outer"),
      `
outputs:
  inner:
    value: \${{ steps.cleanup.outputs.ran }}
runs:
  using: composite
  steps:
    - id: soft
      continue-on-error: true
      shell: bash
      run: exit 1
    - id: still
      shell: bash
      run: echo "runs because soft's conclusion is success"
    - id: hard
      shell: bash
      run: exit 1
    - id: cleanup
      if: always()
      uses: ./inner
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    expect(r.steps.map((s) => [s.id, s.outcome, s.conclusion])).toEqual([
      ["soft", "failure", "success"],
      ["still", "success", "success"],
      ["hard", "failure", "failure"],
      ["cleanup", "success", "success"],
    ]);
    expect(step(r.steps, "cleanup").steps?.map((s) => s.outcome)).toEqual(["success"]);
    expect(r.outputs.inner).toBe("success");
    expect(r.success).toBe(false);
  });
});

describe("file commands", () => {
  it("reads GITHUB_OUTPUT in both forms and applies GITHUB_ENV, GITHUB_PATH and the step summary", async () => {
    const dir = await action(
      join(root, "files"),
      `
outputs:
  multi:
    value: \${{ steps.out.outputs.multi }}
runs:
  using: composite
  steps:
    - id: out
      shell: bash
      run: |
        echo "simple=a=b=c" >> "$GITHUB_OUTPUT"
        {
          echo "multi<<EOF_MARK"
          echo "line 1"
          echo "line 2 with name=value"
          echo "EOF_MARK"
        } >> "$GITHUB_OUTPUT"
        echo "empty=" >> "$GITHUB_OUTPUT"
        echo "FROM_STEP=hello" >> "$GITHUB_ENV"
        printf 'BLOCK<<X\\nfirst\\nsecond\\nX\\n' >> "$GITHUB_ENV"
        mkdir -p "$RUNNER_TEMP/bin"
        printf '#!/bin/sh\\necho tool-ran\\n' > "$RUNNER_TEMP/bin/mytool"
        chmod +x "$RUNNER_TEMP/bin/mytool"
        echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
        echo "### Summary from out" >> "$GITHUB_STEP_SUMMARY"
    - id: use
      shell: bash
      run: |
        echo "env=$FROM_STEP ctx=\${{ env.FROM_STEP }}" >> "$GITHUB_OUTPUT"
        echo "block=$(echo "$BLOCK" | tr '\\n' ',')" >> "$GITHUB_OUTPUT"
        echo "tool=$(mytool)" >> "$GITHUB_OUTPUT"
        echo "first_path=\${PATH%%:*}" >> "$GITHUB_OUTPUT"
        echo "more" >> "$GITHUB_STEP_SUMMARY"
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    expect(r.success, r.log).toBe(true);
    expect(step(r.steps, "out").outputs).toEqual({
      simple: "a=b=c",
      multi: "line 1\nline 2 with name=value",
      empty: "",
    });
    expect(r.outputs.multi).toBe("line 1\nline 2 with name=value");
    expect(step(r.steps, "use").outputs).toEqual({
      env: "hello ctx=hello",
      block: "first,second,",
      tool: "tool-ran",
      first_path: join(root, "tmp", "bin"),
    });
    expect(r.env).toMatchObject({ FROM_STEP: "hello", BLOCK: "first\nsecond" });
    expect(r.path[0]).toBe(join(root, "tmp", "bin"));
    expect(r.summary).toBe("### Summary from out\nmore\n");
  });

  it("parses heredocs and rejects a missing delimiter", () => {
    expect(parseKeyValueFile("a=1\r\nb<<E\r\nx\r\ny\r\nE\r\n", "GITHUB_OUTPUT")).toEqual([
      ["a", "1"],
      ["b", "x\ny"],
    ]);
    expect(() => parseKeyValueFile("b<<E\nx\n", "GITHUB_OUTPUT")).toThrow(/delimiter/);
  });
});

describe("workflow commands and masking", () => {
  it("masks add-mask values and the token in every log, records annotations, honours stop-commands", async () => {
    const dir = await action(
      join(root, "cmds"),
      `
runs:
  using: composite
  steps:
    - id: c
      shell: bash
      run: |
        # the value is computed so the step's own script text does not hold it
        echo "::add-mask::$(echo aHVudGVyMg== | base64 -d)"
        echo "password is $(echo aHVudGVyMg== | base64 -d)"
        echo "token is \${{ github.token }}"
        echo "::group::Details"
        echo "inside"
        echo "::endgroup::"
        echo "::error file=src/a.ts,line=3,col=2,title=Bad%2C bad::broken%0A$(echo aHVudGVyMg== | base64 -d)"
        echo "::notice::fyi"
        echo "::debug::dbg"
        echo "::stop-commands::pausetoken"
        echo "::error::not a command now"
        echo "::pausetoken::"
        echo "::warning::real warning"
        echo "to stderr $(echo aHVudGVyMg== | base64 -d)" >&2
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    expect(r.success, r.log).toBe(true);
    expect(r.log).not.toContain("hunter2");
    expect(r.log).not.toContain("job-token-123456");
    expect(r.log).toContain("password is ***");
    expect(r.log).toContain("token is ***");
    expect(r.log).toContain("to stderr ***");
    expect(r.log).toContain("##[group]Details");
    expect(r.log).toContain("::error::not a command now");
    expect(step(r.steps, "c").log).toContain("password is ***");
    expect(r.masks).toEqual(expect.arrayContaining(["hunter2", "job-token-123456"]));
    expect(r.annotations).toEqual([
      { level: "error", message: "broken\n***", file: "src/a.ts", line: 3, col: 2, title: "Bad, bad", step: expect.any(String) },
      { level: "notice", message: "fyi", step: expect.any(String) },
      { level: "warning", message: "real warning", step: expect.any(String) },
    ]);
  });
});

describe("nested composite actions", () => {
  it("passes the calling step's env, job env and GITHUB_ENV into the nested env context and processes", async () => {
    const ws = dirs().workspace;
    await action(
      join(ws, ".github/actions/nested"),
      `
inputs:
  greeting:
    default: hi
outputs:
  seen:
    value: \${{ steps.s.outputs.seen }}
  base:
    value: \${{ env.ANTHROPIC_BASE_URL }}
runs:
  using: composite
  steps:
    - id: s
      shell: bash
      env:
        FROM_CONTEXT: \${{ env.ANTHROPIC_BASE_URL }}
        OUTER: \${{ env.OUTER_STEP }}
        EARLIER: \${{ env.EARLIER }}
      run: |
        echo "seen=ctx:$FROM_CONTEXT proc:$ANTHROPIC_BASE_URL job:$JOB_LEVEL outer:$OUTER/$OUTER_STEP earlier:$EARLIER in:\${{ inputs.greeting }} path:$GITHUB_ACTION_PATH" >> "$GITHUB_OUTPUT"
`,
    );
    const dir = await action(
      join(root, "outer"),
      `
inputs:
  g:
    default: hello
outputs:
  nested:
    value: \${{ steps.call.outputs.seen }}
  base:
    value: \${{ steps.call.outputs.base }}
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "EARLIER=from-github-env" >> "$GITHUB_ENV"
    - id: call
      uses: ./.github/actions/nested
      with:
        greeting: \${{ inputs.g }}
      env:
        ANTHROPIC_BASE_URL: http://127.0.0.1:9999
`,
    );
    const r = await runAction({
      actionDir: dir,
      github: github(),
      ...dirs(),
      jobEnv: { JOB_LEVEL: "j" },
      stepEnv: { OUTER_STEP: "o" },
    });
    expect(r.success, r.log).toBe(true);
    expect(r.outputs.nested).toBe(
      `ctx:http://127.0.0.1:9999 proc:http://127.0.0.1:9999 job:j outer:o/o earlier:from-github-env in:hello path:${join(ws, ".github/actions/nested")}`,
    );
    expect(r.outputs.base).toBe("http://127.0.0.1:9999");
    expect(step(r.steps, "call").steps?.[0]?.id).toBe("s");
  });

  it("propagates a nested failure; always() and continue-on-error behave as on the runners", async () => {
    const ws = dirs().workspace;
    await action(
      join(ws, "failing"),
      `
runs:
  using: composite
  steps:
    - id: f
      shell: bash
      run: |
        echo "::error::nested went wrong"
        exit 7
    - id: g
      shell: bash
      run: echo skipped
`,
    );
    const dir = await action(
      join(root, "outer"),
      `
runs:
  using: composite
  steps:
    - id: tolerated
      uses: ./failing
      continue-on-error: true
    - id: strict
      uses: ./failing
    - id: next
      shell: bash
      run: echo no
    - id: finally
      if: always()
      shell: bash
      run: echo "o=\${{ steps.strict.outcome }} t=\${{ steps.tolerated.outcome }}/\${{ steps.tolerated.conclusion }}" >> "$GITHUB_OUTPUT"
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    expect(r.success).toBe(false);
    expect(r.steps.map((s) => [s.id, s.outcome, s.conclusion])).toEqual([
      ["tolerated", "failure", "success"],
      ["strict", "failure", "failure"],
      ["next", "skipped", "skipped"],
      ["finally", "success", "success"],
    ]);
    expect(step(r.steps, "strict").steps?.map((s) => s.outcome)).toEqual(["failure", "skipped"]);
    expect(step(r.steps, "finally").outputs.o).toBe("failure t=failure/success");
    expect(r.annotations.filter((a) => a.message === "nested went wrong")).toHaveLength(2);
  });

  it("runs node actions with INPUT_ variables, resolves opts.uses mappings, and reports unresolvable uses", async () => {
    const nodeDir = await action(
      join(root, "node-action"),
      `
inputs:
  who-is:
    default: world
  my input:
    default: spaced
runs:
  using: node20
  main: index.mjs
`,
    );
    await write(
      join(nodeDir, "index.mjs"),
      `import { appendFileSync } from "node:fs";
appendFileSync(process.env.GITHUB_OUTPUT, "greeting=hello " + process.env["INPUT_WHO-IS"] + " " + process.env.INPUT_MY_INPUT + "\\n");
console.log("::notice::from node " + process.env.GITHUB_ACTION_PATH);
`,
    );
    const dir = await action(
      join(root, "caller"),
      `
outputs:
  greeting:
    value: \${{ steps.n.outputs.greeting }}
runs:
  using: composite
  steps:
    - id: n
      uses: acme/hello-node@v1
      with:
        who-is: gitea
    - id: missing
      if: always()
      uses: nobody/nothing@v1
    - id: unpinned
      if: always()
      uses: anthropics/claude-code-base-action@v1
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs(), uses: { "acme/hello-node@v1": nodeDir } });
    expect(r.outputs.greeting).toBe("hello gitea spaced");
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: "notice", message: `from node ${nodeDir}` }));
    expect(step(r.steps, "missing").outcome).toBe("failure");
    expect(step(r.steps, "missing").error).toMatch(/Unable to resolve action 'nobody\/nothing@v1'/);
    expect(step(r.steps, "unpinned").error).toMatch(/full commit SHA/);
  });
});

describe("uses: resolution", () => {
  const ws = "/tmp/does-not-matter";
  const sha = "53ab25acdf1a773218d093eeb10f99d9903938ca";

  it("maps the pinned base action to the stand-in or BASE_ACTION_DIR, and this project to the repo root", () => {
    expect(resolveUses(`anthropics/claude-code-base-action@${sha}`, { workspace: ws, baseActionDir: "" })).toMatchObject({
      kind: "dir",
      dir: BASE_ACTION_STANDIN,
      ref: sha,
    });
    expect(resolveUses(`anthropics/claude-code-base-action@${sha}`, { workspace: ws, baseActionDir: REPO_ROOT })).toMatchObject({
      kind: "dir",
      dir: REPO_ROOT,
    });
    expect(resolveUses("someone/claude-code-gitea-action@v1", { workspace: ws })).toMatchObject({ kind: "dir", dir: REPO_ROOT });
    expect(resolveUses("actions/checkout@v4", { workspace: ws })).toMatchObject({ kind: "shim", shim: "checkout" });
    expect(resolveUses("actions/setup-node@48b55a011bda9f5d6aeb4c2d9c7362e8dae4041e", { workspace: ws })).toMatchObject({
      kind: "shim",
      shim: "setup-node",
    });
    expect(resolveUses("oven-sh/setup-bun@v2", { workspace: ws })).toMatchObject({ kind: "shim", shim: "setup-bun" });
    // opts.uses comes first, even for shimmed actions.
    expect(resolveUses("actions/checkout@v4", { workspace: ws, mappings: { "actions/checkout": BASE_ACTION_STANDIN } })).toMatchObject({
      kind: "dir",
      dir: BASE_ACTION_STANDIN,
    });
    expect(resolveUses("docker://alpine", { workspace: ws })).toMatchObject({ kind: "error" });
    expect(resolveUses("not a ref", { workspace: ws })).toMatchObject({ kind: "error" });
  });
});

describe("timeouts and cancellation", () => {
  it("kills the running step when the run times out and then runs only always()/cancelled() steps", async () => {
    const dir = await action(
      join(root, "slow"),
      `
runs:
  using: composite
  steps:
    - id: slow
      shell: bash
      run: |
        sleep 30 &
        wait
    - id: normal
      shell: bash
      run: echo no
    - id: cleanup
      if: always()
      shell: bash
      run: echo "c=\${{ cancelled() }}" >> "$GITHUB_OUTPUT"
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs(), timeoutMs: 1500 });
    expect(r.success).toBe(false);
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ["slow", "cancelled"],
      ["normal", "skipped"],
      ["cleanup", "success"],
    ]);
    expect(step(r.steps, "cleanup").outputs.c).toBe("true");
  });
});

describe("on: matching (Gitea rules)", () => {
  it("matches event names and activity types", () => {
    const on = { issue_comment: { types: ["created"] }, issues: { types: ["opened", "labeled", "assigned"] } };
    expect(matchEvent(on, "issue_comment", { action: "created" }).matched).toBe(true);
    expect(matchEvent(on, "issue_comment", { action: "edited" }).matched).toBe(false);
    expect(matchEvent(on, "push", {}).matched).toBe(false);
    // Gitea sends label_updated for a label added to an issue.
    expect(matchEvent(on, "issues", { action: "label_updated" }).matched).toBe(true);
    expect(matchEvent(on, "issues", { action: "label_cleared" }).matched).toBe(false);
    expect(matchEvent("issues", "issues", { action: "closed" }).matched).toBe(true);
    expect(matchEvent(["push", "issues"], "issues", { action: "closed" }).matched).toBe(true);
  });

  it("treats pull_request synchronized as synchronize and applies the default types and branch filters", () => {
    const pr = (action: string, base = "main") => ({ action, pull_request: { number: 3, base: { ref: base } } });
    expect(matchEvent({ pull_request: { types: ["synchronize"] } }, "pull_request", pr("synchronized")).matched).toBe(true);
    expect(matchEvent({ pull_request: { types: ["synchronize"] } }, "pull_request", pr("synchronize")).matched).toBe(true);
    expect(matchEvent({ pull_request: null }, "pull_request", pr("synchronized")).matched).toBe(true);
    expect(matchEvent({ pull_request: null }, "pull_request", pr("closed")).matched).toBe(false);
    expect(matchEvent({ pull_request: { types: ["opened"], branches: ["main"] } }, "pull_request", pr("opened", "dev")).matched).toBe(false);
    expect(matchEvent({ pull_request: { branches: ["release/**"] } }, "pull_request", pr("opened", "release/1.2")).matched).toBe(true);
    expect(matchEvent({ pull_request_review: { types: ["submitted"] } }, "pull_request_review", { action: "reviewed" }).matched).toBe(true);
    expect(matchEvent({ pull_request_review_comment: { types: ["created"] } }, "pull_request_review_comment", { action: "reviewed" }).matched).toBe(true);
    expect(matchEvent({ push: { branches: ["main"] } }, "push", { ref: "refs/heads/main" }).matched).toBe(true);
    expect(matchEvent({ push: { branches: ["main"] } }, "push", { ref: "refs/heads/dev" }).matched).toBe(false);
    expect(matchEvent({ push: { tags: ["v*"] } }, "push", { ref: "refs/tags/v1" }).matched).toBe(true);
  });
});

// ── runJob with a checkout from a git server ─────────────────────────────────

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { cwd });
  return stdout.trim();
}

/** A bare repository at <root>/srv/acme/widgets with one commit on main. */
async function makeOrigin(): Promise<{ srv: string; sha: string }> {
  const srv = join(root, "srv");
  const bare = join(srv, "acme", "widgets");
  await mkdir(bare, { recursive: true });
  await git(bare, "init", "-q", "--bare", "--initial-branch=main");
  const work = join(root, "seed");
  await mkdir(work, { recursive: true });
  await git(work, "init", "-q", "--initial-branch=main");
  await write(join(work, "README.md"), "# widgets\n");
  await write(join(work, "scripts/hello.sh"), "#!/bin/sh\necho hello from the repo\n");
  await chmod(join(work, "scripts/hello.sh"), 0o755);
  await git(work, "add", ".");
  await git(work, "commit", "-q", "-m", "initial");
  await git(work, "push", "-q", bare, "HEAD:refs/heads/main");
  return { srv, sha: await git(work, "rev-parse", "HEAD") };
}

const WORKFLOW = `
name: Claude
on:
  issue_comment:
    types: [created]
  issues:
    types: [opened]
permissions:
  contents: write
env:
  WF_LEVEL: wf-\${{ github.event_name }}
jobs:
  claude:
    if: contains(github.event.comment.body, '@claude') || github.event_name == 'issues'
    runs-on: ubuntu-latest
    env:
      JOB_LEVEL: job-\${{ vars.COLOR }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - id: inspect
        run: |
          echo "readme=$(head -1 README.md)" >> "$GITHUB_OUTPUT"
          echo "hello=$(./scripts/hello.sh)" >> "$GITHUB_OUTPUT"
          echo "levels=$WF_LEVEL/$JOB_LEVEL" >> "$GITHUB_OUTPUT"
          echo "secret=\${{ secrets.API_KEY }}" >> "$GITHUB_OUTPUT"
          echo "key is \${{ secrets.API_KEY }}"
          echo "## Job summary" >> "$GITHUB_STEP_SUMMARY"
      - id: flaky
        continue-on-error: true
        run: exit 1
      - id: slow
        timeout-minutes: 0.02
        continue-on-error: true
        run: sleep 30
      - id: last
        run: echo "after=\${{ steps.flaky.outcome }}/\${{ steps.slow.outcome }}" >> "$GITHUB_OUTPUT"
`;

describe("runJob", () => {
  it("decides whether the workflow triggers (on: types, job if:)", async () => {
    const base = { workflow: WORKFLOW, ...dirs(), github: { token: "t" } };
    const edited = await runJob({ ...base, eventName: "issue_comment", event: { ...event, action: "edited" } });
    expect(edited.triggered).toBe(false);
    expect(edited.reason).toMatch(/types/);
    const noMention = await runJob({
      ...base,
      eventName: "issue_comment",
      event: { ...event, comment: { id: 1, body: "no mention" } },
    });
    expect(noMention.triggered).toBe(false);
    expect(noMention.reason).toMatch(/if/);
    const push = await runJob({ ...base, eventName: "push", event: { ref: "refs/heads/main" } });
    expect(push.triggered).toBe(false);
  });

  it("runs the job: checkout over HTTP with the token header, env levels, secrets masked, continue-on-error, timeout-minutes", async () => {
    const { srv, sha } = await makeOrigin();
    const server = await startGitHttp(srv);
    try {
      const r = await runJob({
        workflow: await write(join(root, "wf.yml"), WORKFLOW),
        eventName: "issue_comment",
        event: { ...event, repository: { ...event.repository, html_url: `${server.url}/acme/widgets` } },
        github: { token: "job-token-abc" },
        secrets: { API_KEY: "sk-very-secret" },
        vars: { COLOR: "green" },
        ...dirs(),
      });
      expect(r.triggered).toBe(true);
      expect(r.success, r.log).toBe(true);
      expect(r.outputs.inspect).toEqual({
        readme: "# widgets",
        hello: "hello from the repo",
        levels: "wf-issue_comment/job-green",
        secret: "sk-very-secret",
      });
      expect(r.log).toContain("key is ***");
      expect(r.log).not.toContain("sk-very-secret");
      expect(r.summary).toContain("## Job summary");
      expect(r.steps.map((s) => [s.id, s.outcome, s.conclusion])).toEqual([
        ["__actions_checkout", "success", "success"],
        ["inspect", "success", "success"],
        ["flaky", "failure", "success"],
        ["slow", "failure", "success"],
        ["last", "success", "success"],
      ]);
      expect(r.outputs.last?.after).toBe("failure/failure");
      expect(r.outputs.__actions_checkout?.commit).toBe(sha);

      // The clone: on main, with the token persisted as the real checkout does.
      const ws = dirs().workspace;
      expect(await git(ws, "rev-parse", "HEAD")).toBe(sha);
      expect(await git(ws, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
      const expected = `basic ${Buffer.from("x-access-token:job-token-abc").toString("base64")}`;
      expect(await git(ws, "config", "--local", `http.${server.url}/.extraheader`)).toBe(`AUTHORIZATION: ${expected}`);
      expect(server.authorizations.length).toBeGreaterThan(0);
      expect(server.authorizations.every((a) => a === expected)).toBe(true);

      // A second run over the same clone fetches nothing.
      const before = server.authorizations.length;
      const again = await runJob({
        workflow: WORKFLOW,
        eventName: "issues",
        event: { ...event, action: "opened", repository: { ...event.repository, html_url: `${server.url}/acme/widgets` } },
        github: { token: "job-token-abc" },
        ...dirs(),
      });
      expect(again.success, again.log).toBe(true);
      expect(again.log).toContain("already a clone");
      expect(server.authorizations.length).toBe(before);
    } finally {
      await server.close();
    }
  });
});

// A smart-HTTP git server (git http-backend as CGI) on 127.0.0.1 that records
// the Authorization header of every request.
async function startGitHttp(projectRoot: string): Promise<{ url: string; authorizations: string[]; close(): Promise<void> }> {
  const http = await import("node:http");
  const { spawn } = await import("node:child_process");
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    authorizations.push(String(req.headers.authorization ?? ""));
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const child = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: String(req.headers["content-type"] ?? ""),
        HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
        GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        REMOTE_ADDR: "127.0.0.1",
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headerDone = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      headerDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString("utf8").split("\r\n")) {
        const i = line.indexOf(":");
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      res.write(head.subarray(end + 4));
    });
    child.stdout.on("end", () => res.end());
    child.on("error", () => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("runner internals used by other tests", () => {
  it("writes the event payload to GITHUB_EVENT_PATH as JSON", async () => {
    const dir = await action(
      join(root, "ev"),
      `
runs:
  using: composite
  steps:
    - id: p
      shell: sh
      run: echo "path=$GITHUB_EVENT_PATH" >> "$GITHUB_OUTPUT"
`,
    );
    const r = await runAction({ actionDir: dir, github: github(), ...dirs() });
    const path = step(r.steps, "p").outputs.path!;
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(event);
  });
});
