// Stand-ins for the setup/checkout actions, used when the tool is already on
// the machine (there is no network to download actions or toolchains).
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { runProcess } from "./process";
import { REPO_ROOT, type ShimName } from "./resolve";
import type { Job, Scope, StepLog } from "./engine";
import type { Outcome } from "./types";

export interface ShimContext {
  job: Job;
  scope: Scope;
  inputs: Record<string, string>;
  envCtx: Record<string, string>;
  id: string;
  log: StepLog;
  deadline: number | undefined;
  name: string;
  ref: string;
}

interface ShimResult {
  outcome: Outcome;
  outputs: Record<string, string>;
  error?: string;
}

export async function runShim(shim: ShimName, ctx: ShimContext): Promise<ShimResult> {
  switch (shim) {
    case "setup-node":
      return setupNode(ctx);
    case "setup-bun":
      return setupBun(ctx);
    case "checkout":
      return checkout(ctx);
  }
}

async function run(
  ctx: ShimContext,
  argv: string[],
  cwd: string,
  opts: { quiet?: boolean } = {},
): Promise<{ code: number | null; stdout: string[]; error?: string }> {
  const env = ctx.job.processEnv(ctx.scope.action, ctx.id, ctx.envCtx);
  const stdout: string[] = [];
  const t = ctx.job.timeoutFor(ctx.deadline);
  const res = await runProcess({
    argv,
    cwd,
    env,
    timeoutMs: t.ms,
    groups: ctx.job.groups,
    onLine: (line, stream) => {
      if (stream === "stdout") stdout.push(line);
      if (!opts.quiet || stream === "stderr") ctx.log.write(line);
    },
  });
  if (res.error) return { code: null, stdout, error: res.error.message };
  if (res.timedOut) return { code: null, stdout, error: "timed out" };
  return { code: res.exitCode, stdout };
}

/** actions/setup-node: uses the node running the tests. */
async function setupNode(ctx: ShimContext): Promise<ShimResult> {
  const nodeDir = dirname(process.execPath);
  if (!existsSync(process.execPath)) {
    return { outcome: "failure", outputs: {}, error: "setup-node shim: node is not available" };
  }
  const wanted = ctx.inputs["node-version"] ?? "";
  ctx.log.write(
    `setup-node shim (${ctx.ref}): using node ${process.version} at ${process.execPath}` +
      (wanted ? ` (node-version '${wanted}' requested, not installed)` : ""),
  );
  ctx.job.path.unshift(nodeDir);
  return { outcome: "success", outputs: { "node-version": process.version, "cache-hit": "false" } };
}

/** oven-sh/setup-bun: exposes the repository's bun (npm package) on PATH. */
async function setupBun(ctx: ShimContext): Promise<ShimResult> {
  const bin = join(REPO_ROOT, "node_modules/.bin/bun");
  if (!existsSync(bin)) {
    return { outcome: "failure", outputs: {}, error: `setup-bun shim: ${bin} does not exist (npm package 'bun' not installed)` };
  }
  const real = realpathSync(bin);
  // A directory holding only bun/bunx, so node_modules/.bin (claude, tsx…) does not leak onto PATH.
  const dir = join(ctx.job.runnerTemp, "_tool", "bun", "bin");
  await mkdir(dir, { recursive: true });
  for (const n of ["bun", "bunx"]) {
    await rm(join(dir, n), { force: true });
    await symlink(real, join(dir, n));
  }
  const v = await run(ctx, [join(dir, "bun"), "--version"], ctx.job.workspace, { quiet: true });
  const version = v.stdout[0]?.trim() ?? "";
  const wanted = ctx.inputs["bun-version"] ?? "";
  ctx.log.write(
    `setup-bun shim (${ctx.ref}): using bun ${version} from ${real}` +
      (wanted ? ` (bun-version '${wanted}' requested, not installed)` : ""),
  );
  ctx.job.path.unshift(dir);
  return {
    outcome: "success",
    outputs: { "bun-version": version, "bun-path": join(dir, "bun"), "bun-revision": version, "cache-hit": "false" },
  };
}

function basicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`, "utf8").toString("base64");
}

/**
 * actions/checkout: clones `${server_url}/${repository}` into the workspace
 * (or `path`) at `ref`, authenticating with `token` through
 * `http.<origin>/.extraheader`, which stays in the local git config when
 * persist-credentials is true (the default), like the real action. When the
 * directory already is a clone of that URL nothing is fetched.
 */
async function checkout(ctx: ShimContext): Promise<ShimResult> {
  const { job, inputs, log } = ctx;
  const g = job.github;
  const repository = inputs.repository || g.repository;
  const token = inputs.token !== undefined ? inputs.token : g.token;
  const dest = resolve(job.workspace, inputs.path || ".");
  const url = `${g.server_url.replace(/\/+$/, "")}/${repository}`;
  const persist = (inputs["persist-credentials"] ?? "true").toLowerCase() !== "false";
  const depthRaw = inputs["fetch-depth"] ?? "1";
  const depth = depthRaw === "" ? 1 : Number(depthRaw);
  const isHttp = /^https?:\/\//i.test(url);
  const headerKey = isHttp ? `http.${new URL(url).origin}/.extraheader` : undefined;
  const credential = token ? basicCredential(token) : "";
  if (credential) job.masker.add(credential);
  const header = credential ? `AUTHORIZATION: basic ${credential}` : "";

  const git = async (args: string[], quiet = false) => {
    const r = await run(ctx, ["git", ...args], dest, { quiet });
    if (r.error) throw new Error(`git ${args[0]} failed: ${r.error}`);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed with exit code ${r.code}`);
    return r.stdout;
  };

  try {
    log.write(`checkout shim (${ctx.ref}): ${url} → ${dest}`);
    await mkdir(dest, { recursive: true });
    if (existsSync(join(dest, ".git"))) {
      const r = await run(ctx, ["git", "config", "--local", "--get", "remote.origin.url"], dest, { quiet: true });
      const origin = r.stdout[0]?.trim();
      if (origin === url) {
        log.write(`${dest} is already a clone of ${url}; nothing fetched`);
        if (persist && headerKey && header) await git(["config", "--local", headerKey, header]);
        const head = await git(["rev-parse", "HEAD"], true);
        return { outcome: "success", outputs: { ref: "", commit: head[0]?.trim() ?? "" } };
      }
      return {
        outcome: "failure",
        outputs: {},
        error: `checkout shim: ${dest} is a clone of '${origin ?? "?"}', not ${url}; refusing to delete it`,
      };
    }
    if (readdirSync(dest).length > 0) {
      return { outcome: "failure", outputs: {}, error: `checkout shim: ${dest} is not empty; refusing to delete its contents` };
    }

    await git(["init", "-q"]);
    await git(["remote", "add", "origin", url]);
    await git(["config", "--local", "gc.auto", "0"]);
    const authArgs: string[] = [];
    if (headerKey && header) {
      if (persist) await git(["config", "--local", headerKey, header]);
      else authArgs.push("-c", `${headerKey}=${header}`);
    }

    // Which ref / commit to fetch.
    let ref = inputs.ref ?? "";
    let sha = "";
    if (!ref && repository.toLowerCase() === g.repository.toLowerCase()) {
      ref = g.ref ?? "";
      sha = g.sha ?? "";
    }
    if (!ref && !sha) {
      const repoObj = (g.event?.repository ?? {}) as { default_branch?: unknown };
      if (typeof repoObj.default_branch === "string" && repoObj.default_branch) {
        ref = `refs/heads/${repoObj.default_branch}`;
      } else {
        const out = await git([...authArgs, "ls-remote", "--symref", "origin", "HEAD"], true);
        const m = out.map((l) => /^ref:\s+(\S+)\s+HEAD$/.exec(l)).find(Boolean);
        ref = m?.[1] ?? "refs/heads/main";
      }
    }
    if (ref && !ref.startsWith("refs/") && !/^[0-9a-f]{40}$/i.test(ref)) {
      const out = await git([...authArgs, "ls-remote", "origin", ref], true);
      const names = out.map((l) => l.split(/\s+/)[1] ?? "");
      ref = names.find((n) => n === `refs/heads/${ref}`) ?? names.find((n) => n === `refs/tags/${ref}`) ?? ref;
    }
    if (/^[0-9a-f]{40}$/i.test(ref)) {
      sha = ref;
      ref = "";
    }

    const fetchBase = [...authArgs, "-c", "protocol.version=2", "fetch", "--no-tags", "--prune", "--no-recurse-submodules"];
    if (depth > 0) fetchBase.push(`--depth=${depth}`);
    let checkoutArgs: string[];
    if (ref.startsWith("refs/heads/")) {
      const branch = ref.slice("refs/heads/".length);
      await git([...fetchBase, "origin", `+${sha || ref}:refs/remotes/origin/${branch}`]);
      checkoutArgs = ["checkout", "--force", "-B", branch, `refs/remotes/origin/${branch}`];
    } else if (ref.startsWith("refs/tags/")) {
      await git([...fetchBase, "origin", `+${sha || ref}:${ref}`]);
      checkoutArgs = ["checkout", "--force", ref];
    } else if (ref.startsWith("refs/")) {
      const local = ref.startsWith("refs/pull/") ? `refs/remotes/pull/${ref.slice("refs/pull/".length)}` : ref;
      await git([...fetchBase, "origin", `+${sha || ref}:${local}`]);
      checkoutArgs = ["checkout", "--force", "--detach", local];
    } else if (sha) {
      await git([...fetchBase, "origin", sha]);
      checkoutArgs = ["checkout", "--force", "--detach", sha];
    } else {
      return { outcome: "failure", outputs: {}, error: `checkout shim: cannot resolve ref '${inputs.ref ?? ""}'` };
    }
    await git(checkoutArgs);
    const head = await git(["rev-parse", "HEAD"], true);
    return { outcome: "success", outputs: { ref: ref || sha, commit: head[0]?.trim() ?? "" } };
  } catch (e) {
    return { outcome: "failure", outputs: {}, error: `checkout shim: ${e instanceof Error ? e.message : String(e)}` };
  }
}
