/**
 * Phase 3b (runs about a pull request): the files inputs name — a JSON
 * schema (json_schema, `$(cat FILE)` in claude_args), settings, MCP config,
 * system prompt files — are read from the pull request's base branch, through
 * Gitea's contents API, not from the workspace (which may hold the pull
 * request's own files): a pull request cannot narrow its own verdict, add MCP
 * servers or rewrite Claude's instructions.
 */
import path from "node:path";
import type { ClaudeFs } from "../../claude/fs";
import { nodeFs } from "../../claude/fs";
import type { GiteaClient } from "../../gitea/client";
import type { EventContext } from "../../gitea/context";
import type { PullData } from "../../gitea/data";
import type { Settled } from "../settle";
import { isWithin } from "../../paths";

const notFound = (p: string) => Object.assign(new Error(`ENOENT: no such file in the base branch, ${p}`), { code: "ENOENT" });

/** Reads workspace paths from `ref` through the API; writes go to the local disk (the action's own files). */
export function baseBranchFs(client: Pick<GiteaClient, "contents">, workspace: string, ref: string): ClaudeFs {
  const local = nodeFs();
  const root = path.resolve(workspace);
  const repoPath = (p: string) => path.relative(root, path.resolve(root, p)).split(path.sep).join("/");
  const read = async (p: string): Promise<string> => {
    if (!isWithin(root, path.resolve(root, p))) throw notFound(p);
    const file = await client.contents(repoPath(p), ref);
    if (!file || Array.isArray(file) || file.type !== "file" || typeof file.content !== "string") throw notFound(p);
    return Buffer.from(file.content, file.encoding === "base64" ? "base64" : "utf8").toString("utf8");
  };
  return {
    ...local,
    readFile: read,
    // What the path is on the base branch (a file, a directory), for the checks of the paths inputs name.
    async kind(p) {
      const abs = path.resolve(root, p);
      if (abs === root) return "dir";
      if (!isWithin(root, abs)) return local.kind(abs);
      const entry = await client.contents(repoPath(abs), ref).catch(() => undefined);
      if (Array.isArray(entry)) return "dir";
      return entry && entry.type === "file" ? "file" : entry ? "other" : undefined;
    },
    async realpath(p) {
      const abs = path.resolve(root, p);
      if (abs === root) return root;
      if (!isWithin(root, abs)) return local.realpath(abs);
      await read(abs);
      return abs;
    },
  };
}

/** The base branch of the pull request this run is about (the payload's, else the one Gitea reported); undefined otherwise. */
export async function pullRequestBase(ctx: EventContext, pull: Promise<Settled<PullData>> | undefined): Promise<string | undefined> {
  if (ctx.kind !== "entity" || !ctx.entity.isPR) return undefined;
  if (ctx.entity.baseRef) return ctx.entity.baseRef;
  const read = pull ? await pull : undefined;
  return read?.ok ? read.value.baseRef : undefined;
}
