/**
 * Protected branches (Gitea's pre-receive check, routers/private/hook_pre_receive.go):
 * a push that updates a protected branch is refused unless the pusher is on
 * the rule's push whitelist. The Actions user (the job token) never is, so
 * job tokens cannot push to protected branches. Enforced by a real
 * pre-receive hook, so git prints what Gitea prints:
 *   remote: Gitea: Not allowed to push to protected branch main
 *   ! [remote rejected] main -> main (pre-receive hook declined)
 * Patterns are globs in which `*` does not cross `/` (Gitea: glob with '/').
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Core } from "./core";
import type { BranchProtection, Repo } from "./store";

/** Does a protection pattern match a branch name? */
export function protectionMatches(pattern: string, branch: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        re += ".*";
        i++;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`).test(branch);
}

/** The rule protecting a branch, if any. */
export function protectionOf(repo: Repo, branch: string): BranchProtection | undefined {
  return repo.protectedBranches.find((p) => protectionMatches(p.pattern, branch));
}

/** May this user push to (or commit through the API on) this branch? */
export function mayPushTo(repo: Repo, branch: string, login: string | null | undefined): boolean {
  const rule = protectionOf(repo, branch);
  return !rule || (login !== null && login !== undefined && rule.pushWhitelist.includes(login.toLowerCase()));
}

const HOOK_SCRIPT = `import { readFileSync } from "node:fs";
import { protectionMatchesSource } from "./match.mjs";
const rules = JSON.parse(readFileSync(process.env.EMULATOR_PROTECTED_RULES, "utf8"));
const user = (process.env.REMOTE_USER || "").toLowerCase();
const input = readFileSync(0, "utf8").split("\\n").filter(Boolean);
for (const line of input) {
  const ref = line.split(" ")[2] || "";
  if (!ref.startsWith("refs/heads/")) continue;
  const branch = ref.slice("refs/heads/".length);
  const rule = rules.find((r) => protectionMatchesSource(r.pattern, branch));
  if (rule && !rule.pushWhitelist.includes(user)) {
    process.stdout.write("\\n");
    process.stderr.write("Gitea: Not allowed to push to protected branch " + branch + "\\n");
    process.exit(1);
  }
}
`;

const MATCH_MODULE = `export const protectionMatchesSource = ${protectionMatches.toString()};\n`;

/** Writes (once) the hook and (each push) the repository's rules; returns what serveGitHttp needs. */
export async function protectionRulesFile(core: Core, repo: Repo): Promise<{ hooksDir: string; rulesFile: string }> {
  const hooksDir = path.join(core.root, "hooks");
  const hook = path.join(hooksDir, "pre-receive");
  if (!core.hooksReady) {
    await mkdir(hooksDir, { recursive: true });
    await writeFile(path.join(hooksDir, "match.mjs"), MATCH_MODULE);
    await writeFile(path.join(hooksDir, "pre-receive.mjs"), HOOK_SCRIPT);
    await writeFile(hook, `#!/bin/sh\nexec "${process.execPath}" "${path.join(hooksDir, "pre-receive.mjs")}"\n`);
    await chmod(hook, 0o755);
    core.hooksReady = true;
  }
  const dir = path.join(core.root, "protection");
  await mkdir(dir, { recursive: true });
  const rulesFile = path.join(dir, `${repo.id}.json`);
  await writeFile(rulesFile, JSON.stringify(repo.protectedBranches));
  return { hooksDir, rulesFile };
}
