/**
 * Consumer-side upgrade patches, generated from PINS.md (`npm run patches`):
 *
 * - patches/runner-image.patch: a runner image built from the reference
 *   patches/reference/runner-image/Dockerfile (v0.0.63-era pins) → the
 *   build arguments PINS.md asks for: Node.js major, Claude Code CLI, action
 *   SHA, base-action SHA.
 * - patches/review-workflow.patch: the reference review workflow
 *   patches/reference/review-workflow/ (the agent writes a verdict file, a
 *   later step reads it) → examples/claude-review.yml (the verdict read from
 *   `outputs.structured_output`) plus its schema file, pinned to PINS.md's
 *   action SHA.
 *
 * It also keeps every example in step with PINS.md: each
 * `uses: <owner>/claude-code-gitea-action@<40-hex SHA>` under examples/ is
 * rewritten to the "Action SHA" (examples with a placeholder instead of a SHA
 * are left alone). So after changing PINS.md, `npm run patches` updates the
 * examples and both patches; test/unit/patches.test.ts and
 * test/unit/examples.test.ts fail until it has been run.
 *
 * `npm run patches -- --check` writes nothing and exits 1 when a file is stale.
 * Diffs come from `git diff --no-index` (no repository needed) and apply with
 * `git apply`.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface Pins {
  actionRelease: string;
  actionSha: string;
  baseAction: string;
  baseActionSha: string;
  baseActionDate: string;
  cliVersion: string;
  minCli: string;
  bun: string;
  baseActionSdk: string;
  nodeOwnSteps: string;
  nodeSetupSteps: string;
}

const PIN_ROWS: Record<keyof Pins, string> = {
  actionRelease: "Action release",
  actionSha: "Action SHA",
  baseAction: "Base action",
  baseActionSha: "Base action SHA",
  baseActionDate: "Base action date",
  cliVersion: "Claude Code CLI",
  minCli: "Minimum Claude Code CLI",
  bun: "Bun for the base action",
  baseActionSdk: "Agent SDK of the base action",
  nodeOwnSteps: "Node.js for the action's own steps",
  nodeSetupSteps: "Node.js for the base action's setup steps",
};

/** The `| Pin | Value |` table of PINS.md (backticks removed from keys and values). */
export function readPins(pinsMd: string): Pins {
  const rows = new Map<string, string>();
  for (const line of pinsMd.split("\n")) {
    const m = /^\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$/.exec(line);
    if (m) rows.set(m[1]!.replace(/`/g, ""), m[2]!.replace(/`/g, ""));
  }
  const pins = {} as Pins;
  for (const [key, row] of Object.entries(PIN_ROWS) as Array<[keyof Pins, string]>) {
    const value = rows.get(row);
    if (!value) throw new Error(`PINS.md has no "${row}" row in its pin table`);
    pins[key] = value;
  }
  for (const key of ["actionSha", "baseActionSha"] as const) {
    if (!/^[0-9a-f]{40}$/.test(pins[key])) throw new Error(`PINS.md: "${PIN_ROWS[key]}" must be a full 40-hex commit SHA, got ${pins[key]}`);
  }
  for (const key of ["nodeOwnSteps", "nodeSetupSteps"] as const) {
    if (!/^\d+$/.test(pins[key])) throw new Error(`PINS.md: "${PIN_ROWS[key]}" must be a Node.js major version, got ${pins[key]}`);
  }
  return pins;
}

export const readRootFile = (...parts: string[]) => readFile(join(ROOT, ...parts), "utf8");

/** A `uses:` line of this action pinned by a full SHA, with an optional trailing comment. */
const ACTION_USES = /^(\s*(?:-\s+)?uses:\s*[A-Za-z0-9_.-]+\/claude-code-gitea-action@)([0-9a-f]{40})([ \t]+#[^\n]*)?$/gm;

/** Rewrites every SHA-pinned `uses:` of this action to PINS.md's Action SHA (and release in the comment). */
export function pinExample(text: string, pins: Pins): string {
  return text.replace(ACTION_USES, (_m, head: string) => `${head}${pins.actionSha} # ${pins.actionRelease}`);
}

/** The build arguments of the runner image, each preceded by a `# pin:` comment line. */
export const IMAGE_ARGS: ReadonlyArray<{ name: string; value: (p: Pins) => string; comment: (p: Pins) => string }> = [
  {
    name: "NODE_MAJOR",
    value: (p) => String(Math.max(Number(p.nodeOwnSteps), Number(p.nodeSetupSteps))),
    comment: (p) =>
      `Node.js ${Math.max(Number(p.nodeOwnSteps), Number(p.nodeSetupSteps))}: the base action's setup steps are node${p.nodeSetupSteps} actions, the action's own steps need ${p.nodeOwnSteps}+`,
  },
  {
    name: "CLAUDE_CODE_VERSION",
    value: (p) => p.cliVersion,
    comment: (p) => `Claude Code CLI ${p.cliVersion}, tested with claude-code-gitea-action ${p.actionRelease} (the release needs ${p.minCli}+)`,
  },
  {
    name: "CLAUDE_GITEA_ACTION_SHA",
    value: (p) => p.actionSha,
    comment: (p) => `claude-code-gitea-action ${p.actionRelease} (${p.actionSha.slice(0, 7)}), the SHA your workflows pin`,
  },
  {
    name: "CLAUDE_BASE_ACTION_SHA",
    value: (p) => p.baseActionSha,
    comment: (p) => `${p.baseAction} ${p.baseActionSha.slice(0, 7)} (${p.baseActionDate}), pinned in the action's action.yml`,
  },
];

/** The last Node.js 18 release: what the pinned base action's setup-node (`node-version: 18.x`) finds in the tool cache. */
export const SETUP_NODE_18 = "18.20.8";

/**
 * What the pinned base action would download at every job, held by the image
 * instead (inserted after the CLI install): Bun at the base action's version
 * (prepare passes a bun of that version on PATH as path_to_bun_executable, so
 * setup-bun is skipped), Bun's install cache filled from the base action's own
 * bun.lock at its SHA (its `bun install --production` then needs no network),
 * and Node.js 18 in the runner tool cache (setup-node finds it there).
 */
export function baseActionBlock(pins: Pins): string {
  return `
# pin: Bun ${pins.bun}, the version the base action's setup-bun installs (prepare passes this bun to it, so none is downloaded)
ARG BUN_VERSION=${pins.bun}
RUN npm install -g "bun@\${BUN_VERSION}" \\
 && npm cache clean --force \\
 && bun --version

# The base action's dependencies (its package.json and bun.lock at CLAUDE_BASE_ACTION_SHA) in Bun's install cache:
# its "bun install --production" at job time takes every package from here. Set CLAUDE_BASE_ACTION_REPO to your
# mirror when the image is built without access to github.com.
ARG CLAUDE_BASE_ACTION_REPO=https://github.com/anthropics/claude-code-base-action.git
ENV BUN_INSTALL_CACHE_DIR=/opt/bun-install-cache
RUN git init -q /tmp/base-action \\
 && git -C /tmp/base-action fetch -q --depth 1 "\${CLAUDE_BASE_ACTION_REPO}" "\${CLAUDE_BASE_ACTION_SHA}" \\
 && git -C /tmp/base-action checkout -q FETCH_HEAD \\
 && cd /tmp/base-action && bun install --production --frozen-lockfile \\
 && cd / && rm -rf /tmp/base-action \\
 && chmod -R a+rwX "\${BUN_INSTALL_CACHE_DIR}"

# Node.js ${SETUP_NODE_18} in the runner tool cache, where the base action's setup-node (node-version 18.x) looks
# first. act_runner mounts its shared act-toolcache volume over /opt/hostedtoolcache; a new volume starts as a
# copy of this directory.
ARG SETUP_NODE_VERSION=${SETUP_NODE_18}
RUN arch="\$(dpkg --print-architecture | sed 's/amd64/x64/')" \\
 && dir="/opt/hostedtoolcache/node/\${SETUP_NODE_VERSION}/\${arch}" \\
 && mkdir -p "\${dir}" \\
 && curl -fsSL "https://nodejs.org/dist/v\${SETUP_NODE_VERSION}/node-v\${SETUP_NODE_VERSION}-linux-\${arch}.tar.gz" \\
    | tar -xz --strip-components=1 -C "\${dir}" \\
 && touch "\${dir}.complete"
`;
}

const CLI_INSTALL_END = "&& claude --version\n";

/** The reference Dockerfile with every pinned build argument (and its `# pin:` comment) set from PINS.md, and the base action's downloads held by the image. */
export function upgradeDockerfile(reference: string, pins: Pins): string {
  let out = reference;
  for (const arg of IMAGE_ARGS) {
    const re = new RegExp(`^# pin: [^\\n]*\\nARG ${arg.name}=[^\\n]*$`, "m");
    if (!re.test(out)) throw new Error(`the reference Dockerfile has no "# pin:" comment followed by "ARG ${arg.name}=…"`);
    out = out.replace(re, `# pin: ${arg.comment(pins)}\nARG ${arg.name}=${arg.value(pins)}`);
  }
  const at = out.indexOf(CLI_INSTALL_END);
  if (at === -1) throw new Error(`the reference Dockerfile has no CLI install ending with "${CLI_INSTALL_END.trim()}"`);
  out = `${out.slice(0, at + CLI_INSTALL_END.length)}${baseActionBlock(pins)}${out.slice(at + CLI_INSTALL_END.length)}`;
  // The image records what it holds, for scripts/check-runner.sh.
  out = out.replace("    CLAUDE_RUNNER_IMAGE_BASE_ACTION_SHA=${CLAUDE_BASE_ACTION_SHA} \\\n", "    CLAUDE_RUNNER_IMAGE_BASE_ACTION_SHA=${CLAUDE_BASE_ACTION_SHA} \\\n    CLAUDE_RUNNER_IMAGE_BUN=${BUN_VERSION} \\\n");
  return out;
}

/** `ARG NAME=value` values of a Dockerfile. */
export function dockerArgs(dockerfile: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of dockerfile.matchAll(/^ARG ([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/gm)) out[m[1]!] = m[2]!;
  return out;
}

type Tree = Record<string, string>;

async function readTree(dir: string): Promise<Tree> {
  const tree: Tree = {};
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) tree[relative(dir, p).split("\\").join("/")] = await readFile(p, "utf8");
    }
  };
  await walk(dir);
  return tree;
}

async function writeTree(dir: string, tree: Tree): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** A git environment free of the user's configuration (prefixes, colours, external diff tools). */
export function cleanGitEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", HOME: home, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", LANG: "C", LC_ALL: "C" };
}

/**
 * A unified diff (git format) turning `before` into `after`, with paths
 * relative to the tree root (`a/<path>`, `b/<path>`), for `git apply`.
 */
export async function treeDiff(before: Tree, after: Tree): Promise<string> {
  const tmp = await mkdtemp(join(os.tmpdir(), "ccga-patches-"));
  try {
    await mkdir(join(tmp, "old"));
    await mkdir(join(tmp, "new"));
    await writeTree(join(tmp, "old"), before);
    await writeTree(join(tmp, "new"), after);
    const args = [
      "diff",
      "--no-index",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "--no-renames",
      "--full-index",
      "--diff-algorithm=myers",
      "--indent-heuristic",
      "--unified=3",
      "--src-prefix=a/",
      "--dst-prefix=b/",
      "old",
      "new",
    ];
    const r = await run("git", args, tmp, cleanGitEnv(tmp));
    // git diff --no-index: 0 = no differences, 1 = differences.
    if (r.code !== 0 && r.code !== 1) throw new Error(`git diff --no-index failed (${r.code}): ${r.stderr.trim()}`);
    return stripTreePrefixes(r.stdout);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** `a/old/x` / `b/new/x` → `a/x` / `b/x`, in file headers only (never in hunk lines). */
function stripTreePrefixes(diff: string): string {
  let inHeader = false;
  return diff
    .split("\n")
    .map((line) => {
      if (line.startsWith("diff --git ")) {
        inHeader = true;
        return line.replace(/^diff --git a\/(?:old|new)\/(.+) b\/(?:old|new)\/(.+)$/, "diff --git a/$1 b/$2");
      }
      if (!inHeader) return line;
      if (line.startsWith("@@")) {
        inHeader = false;
        return line;
      }
      return line.replace(/^--- a\/(?:old|new)\//, "--- a/").replace(/^\+\+\+ b\/(?:old|new)\//, "+++ b/");
    })
    .join("\n");
}

export interface PatchSpec {
  /** Path of the patch under the repository root. */
  file: string;
  /** Directory of the pre-upgrade reference under the repository root. */
  reference: string;
  /** The tree after the upgrade (paths relative to the reference directory). */
  upgrade: (reference: Tree, pins: Pins) => Promise<Tree>;
  /** First lines of the patch (before the first `diff --git`; git apply skips them). */
  header: (pins: Pins) => string[];
}

export const PATCHES: readonly PatchSpec[] = [
  {
    file: "patches/runner-image.patch",
    reference: "patches/reference/runner-image",
    upgrade: async (reference, pins) => ({ ...reference, Dockerfile: upgradeDockerfile(reference.Dockerfile ?? "", pins) }),
    header: (pins) => [
      `Runner image upgrade to claude-code-gitea-action ${pins.actionRelease}: build arguments from PINS.md.`,
      `  NODE_MAJOR=${IMAGE_ARGS[0]!.value(pins)}  CLAUDE_CODE_VERSION=${pins.cliVersion}`,
      `  CLAUDE_GITEA_ACTION_SHA=${pins.actionSha}`,
      `  CLAUDE_BASE_ACTION_SHA=${pins.baseActionSha}`,
      `and what the base action downloads at every job: Bun ${pins.bun}, its dependencies (Bun's cache), Node.js ${SETUP_NODE_18} (tool cache).`,
      "Applies to a Dockerfile made from patches/reference/runner-image/Dockerfile (v0.0.63-era pins):",
      "  git apply --directory=<dir of your Dockerfile> runner-image.patch   (from your repository's root)",
      "Generated by `npm run patches`; do not edit.",
    ],
  },
  {
    file: "patches/review-workflow.patch",
    reference: "patches/reference/review-workflow",
    upgrade: async (reference, pins) => {
      const tree: Tree = { ...reference };
      tree[".gitea/workflows/claude-review.yml"] = pinExample(await readRootFile("examples", "claude-review.yml"), pins);
      tree[".gitea/claude-review-schema.json"] = await readRootFile("examples", "claude-review-schema.json");
      return tree;
    },
    header: (pins) => [
      `Review workflow upgrade to claude-code-gitea-action ${pins.actionRelease} (${pins.actionSha}):`,
      "the verdict comes from outputs.structured_output, validated against .gitea/claude-review-schema.json,",
      "instead of a review-verdict.json the agent writes. The result is examples/claude-review.yml.",
      "Applies to patches/reference/review-workflow/ (v0.0.63-era): from your repository's root, git apply review-workflow.patch",
      "Generated by `npm run patches`; do not edit.",
    ],
  },
];

/** The reference tree of a patch, as committed. */
export const referenceTree = (spec: PatchSpec) => readTree(join(ROOT, spec.reference));

/** The patch file's content for the current PINS.md. */
export async function renderPatch(spec: PatchSpec, pins: Pins): Promise<string> {
  const reference = await referenceTree(spec);
  const diff = await treeDiff(reference, await spec.upgrade(reference, pins));
  if (!diff.trim()) throw new Error(`${spec.file}: the upgrade changes nothing; is the reference already upgraded?`);
  return `${spec.header(pins).join("\n")}\n\n${diff}`;
}

async function exampleFiles(): Promise<string[]> {
  const tree = await readTree(join(ROOT, "examples"));
  return Object.keys(tree)
    .filter((p) => /\.ya?ml$/.test(p))
    .map((p) => `examples/${p}`)
    .sort();
}

/** Every generated file with the content it must have: the patches and the examples' pins. */
export async function expectedFiles(pins?: Pins): Promise<Map<string, string>> {
  const p = pins ?? readPins(await readRootFile("PINS.md"));
  const out = new Map<string, string>();
  for (const file of await exampleFiles()) out.set(file, pinExample(await readRootFile(file), p));
  for (const spec of PATCHES) out.set(spec.file, await renderPatch(spec, p));
  return out;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const expected = await expectedFiles();
  const stale: string[] = [];
  for (const [file, content] of expected) {
    const current = await readFile(join(ROOT, file), "utf8").catch(() => undefined);
    if (current === content) continue;
    stale.push(file);
    if (!check) {
      await mkdir(dirname(join(ROOT, file)), { recursive: true });
      await writeFile(join(ROOT, file), content);
    }
  }
  if (check) {
    if (stale.length) console.error(`Stale (run npm run patches): ${stale.join(", ")}`);
    else console.log("Patches and example pins match PINS.md.");
    return stale.length ? 1 : 0;
  }
  console.log(stale.length ? `Updated: ${stale.join(", ")}` : "Everything already matches PINS.md.");
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
