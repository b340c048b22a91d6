import { describe, expect, it } from "vitest";
import { links, publicBase, runsUseId } from "../../../src/gitea/links";
import { extractClaudeText, finalBody, formatDuration, TRACKING_MARKER, workingBody } from "../../../src/gitea/tracking";

const repo = { owner: "acme", name: "app", fullName: "acme/app", defaultBranch: "main", htmlUrl: "https://git.example.com/sub/acme/app" };

describe("links", () => {
  it("prefers gitea_server_url, then the payload's html_url, never silently the internal URL", () => {
    expect(publicBase("https://public.example/", repo, "http://gitea:3000")).toEqual({ base: "https://public.example", source: "gitea_server_url" });
    expect(publicBase("", repo, "http://gitea:3000").base).toBe("https://git.example.com/sub");
    expect(publicBase("", { ...repo, htmlUrl: "" }, "http://gitea:3000").source).toContain("set gitea_server_url");
  });

  it("links runs by number up to 1.25 and by id from 1.26", () => {
    expect(runsUseId("1.22.6")).toBe(false);
    expect(runsUseId("1.25.3")).toBe(false);
    expect(runsUseId("1.26.0")).toBe(true);
    expect(runsUseId("1.26.0+dev-12")).toBe(true);
    expect(runsUseId(undefined)).toBe(false);
    // Forgejo reports "<forgejo>+gitea-<compatible Gitea>" and links runs by number.
    expect(runsUseId("11.0.1+gitea-1.22.0")).toBe(false);
    expect(runsUseId("12.0.0+gitea-1.26.0")).toBe(false);
    expect(runsUseId("7.0.0-forgejo")).toBe(false);
    const l = links("https://g.example", repo);
    expect(l.run({ runId: "900", runNumber: "12" }, "11.0.1+gitea-1.22.0")).toBe("https://g.example/acme/app/actions/runs/12");
    expect(l.run({ runId: "900", runNumber: "12" }, "1.22.1")).toBe("https://g.example/acme/app/actions/runs/12");
    expect(l.run({ runId: "900", runNumber: "12" }, "1.26.1")).toBe("https://g.example/acme/app/actions/runs/900");
    expect(l.branch("claude/issue-1")).toBe("https://g.example/acme/app/src/branch/claude/issue-1");
    expect(l.compare("main", "claude/issue-1")).toBe("https://g.example/acme/app/compare/main...claude/issue-1");
  });
});

describe("tracking comment", () => {
  const run = "https://g/acme/app/actions/runs/3";
  it("starts with a working indicator and the job link", () => {
    const body = workingBody({ run });
    expect(body).toContain(TRACKING_MARKER);
    expect(body).toContain("Claude is working…");
    expect(body).toContain(`[View job run](${run})`);
  });

  it("keeps Claude's text and replaces the working header with a final one", () => {
    const edited = `${TRACKING_MARKER}\n**Claude is working…** ⏳\n\n- [x] Read the code\n\nAnswer: 42\n\n[View job run](${run})`;
    const text = extractClaudeText(edited);
    expect(text).toBe("- [x] Read the code\n\nAnswer: 42");
    const final = finalBody({ state: { kind: "success" }, triggerUser: "alice", durationMs: 125_000, costUsd: 0.0123, claudeText: text, links: { run, branch: { name: "claude/x", url: "https://b" }, compare: "https://c" } });
    expect(final).toContain("**Claude finished @alice's task in 2m 5s** —— [View job run](https://g/acme/app/actions/runs/3) • [`claude/x`](https://b) • [Create PR ➔](https://c)");
    expect(final).toContain("Answer: 42");
    expect(final).not.toContain("working");
    expect(final).toContain("Cost: $0.0123");
    // A second finish over a final body (sticky reuse) does not nest headers.
    expect(extractClaudeText(final)).toBe(text);
  });

  it("renders error, timeout and refused states", () => {
    expect(finalBody({ state: { kind: "error", reason: "Gitea GET /x failed: HTTP 500" }, durationMs: 3000, links: { run } })).toContain("```\nGitea GET /x failed: HTTP 500\n```");
    expect(finalBody({ state: { kind: "timeout", minutes: 30 }, links: {} })).toContain("Claude timed out after 30 minutes");
    expect(finalBody({ state: { kind: "refused", reason: "@bob does not have write access" }, links: {} })).toContain("**Claude did not run**");
    expect(formatDuration(3_725_000)).toBe("1h 2m");
  });
});

describe("parseServerVersion", () => {
  it("reads Gitea and Forgejo version strings", async () => {
    const { parseServerVersion, giteaAtLeast } = await import("../../../src/gitea/version");
    expect(parseServerVersion("1.25.4")).toEqual({ raw: "1.25.4", forgejo: false, gitea: { major: 1, minor: 25, patch: 4 } });
    expect(parseServerVersion("11.0.1+gitea-1.22.0")).toEqual({ raw: "11.0.1+gitea-1.22.0", forgejo: true, gitea: { major: 1, minor: 22, patch: 0 } });
    expect(parseServerVersion("garbage")).toEqual({ raw: "garbage", forgejo: false });
    expect(giteaAtLeast(parseServerVersion("11.0.1+gitea-1.22.0"), 1, 24)).toBe(false);
    expect(giteaAtLeast(parseServerVersion("1.24.7"), 1, 24)).toBe(true);
  });
});
