/** The permission rules of the boundary (pure). */
import { describe, expect, it } from "vitest";
import { boundaryRules, GIT_BASH_RULES, GIT_INTERNALS } from "../../../src/boundary/permissions";

const paths = {
  workspace: "/home/runner/work/app/app",
  runnerTemp: "/home/runner/work/_temp",
  stateDir: "/home/runner/work/_temp/claude-code-gitea",
  actionPath: "/home/runner/work/_actions/acme/claude-code-gitea-action/abc",
  home: "/home/runner",
  fileCommands: ["/home/runner/work/_temp/_runner_file_commands/set_env_1", "/home/runner/work/_temp/_runner_file_commands/set_output_1", "", "/home/runner/work/_temp/_github_workflow/event.json"],
  protectedPaths: [],
};

describe("boundaryRules", () => {
  it("allows editing and reading the workspace (no bare Read or Edit rule), and git through the checked git", () => {
    const { allowed } = boundaryRules(paths, { gitInBash: true });
    expect(allowed).toEqual(["Edit(//home/runner/work/app/app/**)", "Read(//home/runner/work/app/app/**)", ...GIT_BASH_RULES]);
    expect(allowed).not.toContain("Read");
    expect(allowed).not.toContain("Edit");
    expect(allowed).not.toContain("Write");
  });

  it("with use_commit_signing there is no git in Bash", () => {
    expect(boundaryRules(paths, { gitInBash: false }).allowed.some((r) => r.startsWith("Bash("))).toBe(false);
  });

  it("denies what could run a command or reach secrets, wherever an allow came from", () => {
    const { disallowed } = boundaryRules({ ...paths, protectedPaths: [".claude", "CLAUDE.md"], readDirs: ["/home/runner/work/_temp/claude-code-gitea-images"], actionTemp: ["/home/runner/work/_temp/claude-code-gitea-git"] }, { gitInBash: true });
    for (const entry of GIT_INTERNALS) {
      expect(disallowed).toContain(`Edit(//home/runner/work/app/app/.git/${entry})`);
      expect(disallowed).toContain(`Edit(//home/runner/work/app/app/.git/${entry}/**)`);
    }
    expect(disallowed).toEqual(
      expect.arrayContaining([
        "Edit(//home/runner/work/app/app/.claude/**)",
        "Edit(//home/runner/work/app/app/CLAUDE.md)",
        "Read(//home/runner/work/_temp/claude-code-gitea/**)",
        "Edit(//home/runner/work/_temp/claude-code-gitea/**)",
        "Read(//home/runner/work/_temp/_runner_file_commands/**)",
        "Edit(//home/runner/work/_temp/_runner_file_commands/**)",
        "Edit(//home/runner/work/_temp/_github_workflow/**)",
        "Read(//proc/**)",
        "Read(//home/runner/.claude/**)",
        "Edit(//home/runner/.claude/**)",
        "Read(//home/runner/.claude.json)",
        "Edit(//home/runner/work/_actions/acme/claude-code-gitea-action/abc/**)",
        "Edit(//home/runner/work/_temp/claude-code-gitea-git/**)",
      ]),
    );
    // Nothing that would stop git from committing: its index, objects and refs stay writable.
    expect(disallowed).not.toContain("Edit(//home/runner/work/app/app/.git/**)");
    expect(new Set(disallowed).size).toBe(disallowed.length);
  });

  it("never denies a directory the workspace lives in (file commands next to the checkout)", () => {
    const { disallowed } = boundaryRules({ ...paths, fileCommands: ["/home/runner/work/app/app/env"] }, { gitInBash: true });
    expect(disallowed.some((r) => r.includes("//home/runner/work/app/app/**") || r.includes("(//home/runner/work/app/app)"))).toBe(false);
  });
});
