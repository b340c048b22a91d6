/** Branches, contents, raw files and the multi-file commit (ChangeFiles). */
import type { Core } from "../core";
import { type Ctx, type RouteDef, empty, json, paginate, repoAccess, requireUnit } from "../context";
import { apiBranch, apiContents, verification } from "../convert";
import { mayPushTo, protectionOf } from "../protection";
import { ApiError, conflict, forbidden, notFound, unprocessable } from "../errors";
import { type Identity, isValidRefName } from "../git";
import { isoNow, type Repo, type User } from "../store";

async function refOf(ctx: Ctx, repo: Repo): Promise<{ name: string; sha: string; kind: "branch" | "tag" | "commit" }> {
  const name = ctx.query.get("ref") || repo.defaultBranch;
  const r = await repo.git.resolveRef(name);
  if (!r) throw notFound(`object does not exist [id: ${name}, rel_path: ]`);
  return { name, ...r };
}

async function branchJson(ctx: Ctx, repo: Repo, mode: ReturnType<typeof repoAccess>["mode"], name: string, sha: string) {
  return apiBranch(ctx.core, repo, name, await repo.git.commit(sha), mode, ctx.user);
}

async function contentsReply(ctx: Ctx) {
  const { repo } = repoAccess(ctx);
  const ref = await refOf(ctx, repo);
  const filePath = (ctx.params.filepath ?? "").replace(/^\/+|\/+$/g, "");
  const entry = await repo.git.entry(ref.sha, filePath);
  if (!entry) throw notFound(`object does not exist [id: , rel_path: ${filePath}]`);
  if (entry.type === "tree") {
    const items = [];
    for (const e of await repo.git.listDir(ref.sha, filePath)) {
      items.push(apiContents(ctx.core, repo, ref, e, await repo.git.lastCommitFor(ref.sha, e.path), null));
    }
    return json(200, items, "ContentsResponse[]");
  }
  const content = entry.type === "blob" ? await repo.git.blob(entry.sha) : null;
  return json(200, apiContents(ctx.core, repo, ref, entry, await repo.git.lastCommitFor(ref.sha, entry.path), content));
}

function validPath(p: string): boolean {
  if (!p || p.startsWith("/") || p.endsWith("/")) return false;
  return p.split("/").every((seg) => seg !== "" && seg !== "." && seg !== ".." && seg.toLowerCase() !== ".git");
}

interface FileOp {
  operation?: string;
  path?: string;
  content?: string;
  sha?: string;
  from_path?: string;
}

function identity(core: Core, user: User, body: { author?: Identity; committer?: Identity }): { author: Identity; committer: Identity } {
  const given = (i?: Identity) => (i && (i.name || i.email) ? { name: i.name ?? "", email: i.email ?? "" } : undefined);
  const a = given(body.author);
  const c = given(body.committer);
  const doer = { name: user.full_name || user.login, email: user.email };
  return { author: a ?? c ?? doer, committer: c ?? a ?? doer };
}

function defaultMessage(ops: FileOp[]): string {
  const by = (op: string) => ops.filter((o) => o.operation === op).map((o) => o.path ?? "");
  let m = "";
  if (by("create").length) m += `Add ${by("create").join(", ")}\n`;
  if (by("update").length) m += `Update ${by("update").join(", ")}\n`;
  if (by("delete").length) m += `Delete ${by("delete").join(", ")}`;
  return m.replace(/^\n+|\n+$/g, "");
}

async function changeFiles(ctx: Ctx) {
  const { repo, perm } = repoAccess(ctx);
  const noWrite = "user should have a permission to write to this branch";
  const user = requireUnit(ctx, perm, "repo.code", noWrite);
  const body = ctx.body as {
    branch?: string;
    new_branch?: string;
    message?: string;
    author?: Identity;
    committer?: Identity;
    dates?: { author?: string; committer?: string };
    signoff?: boolean;
    files?: FileOp[];
  };
  const ops = body.files ?? [];
  const branch = body.branch || repo.defaultBranch;
  const target = body.new_branch || branch;
  if (!isValidRefName(target)) throw unprocessable("[NewBranchName]: GitRefName");
  // canWriteFiles → CanWriteToBranch: a protected branch takes commits only from its push whitelist.
  if (!mayPushTo(repo, target, user.login)) throw forbidden(noWrite);
  const { author, committer } = identity(ctx.core, user, body);
  if (body.dates?.author) author.date = body.dates.author;
  if (body.dates?.committer) committer.date = body.dates.committer;
  let message = body.message || defaultMessage(ops);
  if (body.signoff) message += `\n\nSigned-off-by: ${committer.name} <${committer.email}>`;

  const commitSha = await repo.git.exclusive(async () => {
    const parent = await repo.git.revParse(`refs/heads/${branch}`);
    if (!parent) throw notFound(`branch does not exist [name: ${branch}]`);
    if (target !== branch && (await repo.git.revParse(`refs/heads/${target}`))) {
      throw unprocessable(`branch already exists [name: ${target}]`);
    }
    const changes: { path: string; content: Buffer | null; from?: string }[] = [];
    for (const op of ops) {
      const p = op.path ?? "";
      if (!validPath(p) || (op.from_path && !validPath(op.from_path))) throw unprocessable(`path contains a malformed path component [path: ${p}]`);
      const source = op.from_path || p;
      const existing = await repo.git.entry(parent, source);
      if (op.operation === "create") {
        if (await repo.git.entry(parent, p)) throw unprocessable(`repository file already exists [path: ${p}]`);
      } else {
        if (!existing || existing.type !== "blob") throw notFound(`repository file does not exist [path: ${source}]`);
        if (!op.sha) throw unprocessable("a SHA or commit ID must be proved when updating a file");
        if (op.sha !== existing.sha) throw unprocessable(`sha does not match [given: ${op.sha}, expected: ${existing.sha}]`);
        if (op.from_path && op.from_path !== p && (await repo.git.entry(parent, p))) {
          throw unprocessable(`repository file already exists [path: ${p}]`);
        }
      }
      if (op.operation === "delete") changes.push({ path: source, content: null });
      else changes.push({ path: p, content: Buffer.from(op.content ?? "", "base64"), from: op.from_path || undefined });
    }
    const sha = await repo.git.writeCommit({ parent, changes, message, author, committer });
    if (ctx.core.signsCrudCommit(user, parent)) ctx.core.store.signedCommits.add(sha);
    const ref = `refs/heads/${target}`;
    try {
      await repo.git.updateRef(ref, sha, target === branch ? parent : null);
    } catch {
      throw conflict(`branch ${target} moved while committing`);
    }
    return sha;
  });
  repo.updated = isoNow();
  await ctx.core.syncPulls(repo.fullName);

  const refInfo = { name: target, kind: "branch" as const };
  const files = [];
  for (const op of ops) {
    if (op.operation === "delete") {
      files.push(null);
      continue;
    }
    const entry = await repo.git.entry(commitSha, op.path ?? "");
    files.push(entry ? apiContents(ctx.core, repo, refInfo, entry, commitSha, await repo.git.blob(entry.sha)) : null);
  }
  const c = await repo.git.commit(commitSha);
  const api = ctx.core.repoApi(repo);
  return json(201, {
    files,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      sha: c.sha,
      created: c.committer.date,
      html_url: `${ctx.core.repoHtml(repo)}/commit/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, date: c.author.date },
      committer: { name: c.committer.name, email: c.committer.email, date: c.committer.date },
      parents: c.parents.map((p) => ({ url: `${api}/git/commits/${p}`, sha: p, created: c.committer.date })),
      message: `${c.message}\n`,
      tree: { url: `${api}/git/trees/${c.tree}`, sha: c.tree, created: c.committer.date },
    },
    verification: verification(ctx.core, c.sha),
  });
}

export const fileRoutes: RouteDef[] = [
  {
    route: "GET /repos/{owner}/{repo}/branches",
    handler: async (ctx) => {
      const { repo, mode } = repoAccess(ctx);
      // Gitea orders by commit time (newest first), then name
      const branches = (await repo.git.branches()).sort((a, b) => b.time - a.time || a.name.localeCompare(b.name));
      const out = [];
      for (const b of paginate(ctx, branches)) out.push(await branchJson(ctx, repo, mode, b.name, b.sha));
      return json(200, out);
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/branches/{branch}",
    handler: async (ctx) => {
      const { repo, mode } = repoAccess(ctx);
      const name = ctx.params.branch ?? "";
      const sha = await repo.git.revParse(`refs/heads/${name}`);
      if (!sha) throw notFound(`branch does not exist [repo_id: ${repo.id} name: ${name}]`);
      return json(200, await branchJson(ctx, repo, mode, name, sha));
    },
  },
  {
    route: "POST /repos/{owner}/{repo}/branches",
    handler: async (ctx) => {
      const { repo, mode, perm } = repoAccess(ctx);
      requireUnit(ctx, perm, "repo.code");
      const body = ctx.body as { new_branch_name?: string; old_branch_name?: string; old_ref_name?: string };
      const name = body.new_branch_name ?? "";
      if (!isValidRefName(name)) throw unprocessable("[BranchName]: GitRefName");
      let sha: string | null;
      if (body.old_ref_name) {
        sha = (await repo.git.resolveRef(body.old_ref_name))?.sha ?? null;
        if (!sha) throw new ApiError(404, "The old ref does not exist");
      } else if (body.old_branch_name) {
        sha = await repo.git.revParse(`refs/heads/${body.old_branch_name}`);
        if (!sha) throw new ApiError(404, "The old branch does not exist");
      } else {
        sha = await repo.git.revParse(`refs/heads/${repo.defaultBranch}`);
        if (!sha) throw new ApiError(404, "Git Repository is empty.");
      }
      const created = sha;
      await repo.git.exclusive(async () => {
        if (await repo.git.revParse(`refs/heads/${name}`)) throw conflict("The branch already exists.");
        if (await repo.git.revParse(`refs/tags/${name}`)) throw conflict("The branch with the same tag already exists.");
        await repo.git.updateRef(`refs/heads/${name}`, created, null);
      });
      return json(201, await branchJson(ctx, repo, mode, name, created));
    },
  },
  {
    route: "DELETE /repos/{owner}/{repo}/branches/{branch}",
    handler: async (ctx) => {
      const { repo, perm } = repoAccess(ctx);
      requireUnit(ctx, perm, "repo.code");
      const name = ctx.params.branch ?? "";
      if (name === repo.defaultBranch) throw forbidden("can not delete default branch");
      if (protectionOf(repo, name)) throw forbidden("branch protected");
      await repo.git.exclusive(async () => {
        if (!(await repo.git.revParse(`refs/heads/${name}`))) throw notFound(`branch does not exist [repo_id: ${repo.id} name: ${name}]`);
        await repo.git.deleteRef(`refs/heads/${name}`);
      });
      return empty(204);
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/contents",
    handler: (ctx) => contentsReply({ ...ctx, params: { ...ctx.params, filepath: "" } }),
  },
  {
    route: "GET /repos/{owner}/{repo}/contents/{filepath}",
    handler: (ctx) => contentsReply(ctx),
  },
  {
    route: "POST /repos/{owner}/{repo}/contents",
    handler: (ctx) => changeFiles(ctx),
  },
  {
    route: "GET /repos/{owner}/{repo}/raw/{filepath}",
    handler: async (ctx) => {
      const { repo } = repoAccess(ctx);
      const ref = await refOf(ctx, repo);
      const data = await repo.git.readFile(ref.sha, ctx.params.filepath ?? "");
      if (!data) throw notFound();
      const text = !data.includes(0) && Buffer.from(data.toString("utf8")).equals(data);
      return {
        status: 200,
        raw: data,
        contentType: text ? "text/plain; charset=utf-8" : "application/octet-stream",
      };
    },
  },
];
