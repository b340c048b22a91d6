import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/inputs";
import { nodeFs } from "../../../src/claude/fs";
import {
  addServers,
  loadMcpConfig,
  mergeWithForkServers,
  parseMcpConfig,
  writeMcpConfigFile,
  type McpServers,
} from "../../../src/claude/mcp-config";
import { tempDir } from "./fixtures";

const problem = (text: string, input: "mcp_config" | "claude_args" = "mcp_config") => {
  try {
    parseMcpConfig(text, input, input === "mcp_config" ? "mcp_config" : "--mcp-config");
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).problems[0]!.input).toBe(input);
    return (e as InputError).problems[0]!.message;
  }
  throw new Error("expected an InputError");
};

describe("parseMcpConfig", () => {
  it("accepts stdio, http and sse servers and keeps extra keys", () => {
    const { servers, ignored } = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          local: { command: "node", args: ["s.js"], env: { A: "1" } },
          explicit: { type: "stdio", command: "uvx", timeout: 5 },
          api: { type: "http", url: "https://mcp.example.com/x", headers: { Authorization: "Bearer t" } },
          events: { type: "sse", url: "http://127.0.0.1:9000/sse" },
        },
        other: true,
      }),
      "mcp_config",
      "mcp_config",
    );
    expect(Object.keys(servers)).toEqual(["local", "explicit", "api", "events"]);
    expect(servers.explicit).toEqual({ type: "stdio", command: "uvx", timeout: 5 });
    expect(ignored).toEqual(["other"]);
  });

  it.each([
    ["{", /mcp_config is not JSON: invalid JSON.*expected \{"mcpServers"/],
    ["[]", /mcp_config is an array; expected/],
    ['{"servers":{}}', /has no "mcpServers" key \(top-level keys: "servers"\)/],
    ['{"mcpServers":[]}', /"mcpServers" is an array; expected an object of servers/],
    ['{"mcpServers":{"bad name":{"command":"x"}}}', /server name "bad name" is not usable in tool names/],
    ['{"mcpServers":{"a":"node"}}', /mcpServers.a is a string; expected an object/],
    ['{"mcpServers":{"a":{}}}', /mcpServers.a.command must be a non-empty string \(got undefined\)/],
    ['{"mcpServers":{"a":{"command":"x","args":"--y"}}}', /mcpServers.a.args must be an array of strings/],
    ['{"mcpServers":{"a":{"command":"x","env":{"N":1}}}}', /mcpServers.a.env must be an object of string values/],
    ['{"mcpServers":{"a":{"url":"https://x"}}}', /mcpServers.a has a url but no type/],
    ['{"mcpServers":{"a":{"type":"http","url":"ftp://x"}}}', /mcpServers.a.url must be an http\(s\) URL/],
    ['{"mcpServers":{"a":{"type":"http","url":"https://x","headers":{"H":true}}}}', /headers must be an object of string values/],
    ['{"mcpServers":{"a":{"type":"ws","url":"wss://x"}}}', /mcpServers.a.type is "ws"; expected "stdio", "http" or "sse"/],
  ])("refuses %s", (text, expected) => {
    expect(problem(text)).toMatch(expected);
  });

  it("names claude_args for --mcp-config values, and never prints header or env values", () => {
    const m = problem('{"mcpServers":{"a":{"type":"http","url":"not a url sk-secret-123","headers":{"H":"sk-secret-456"}}}}', "claude_args");
    expect(m).toMatch(/^--mcp-config: /);
    expect(m).not.toContain("sk-secret");
  });
});

describe("loadMcpConfig", () => {
  it("reads workspace files and refuses files outside", async () => {
    const ws = tempDir();
    writeFileSync(join(ws, "mcp.json"), '{"mcpServers":{"x":{"command":"x"}}}');
    const ctx = { workspace: ws, fs: nodeFs() };
    expect((await loadMcpConfig("mcp.json", ctx, "mcp_config", "mcp_config")).source).toBe('mcp_config file "mcp.json"');
    await expect(loadMcpConfig("/etc/hostname", ctx, "claude_args", "--mcp-config")).rejects.toThrow(/--mcp-config file "\/etc\/hostname".*outside the workspace/);
  });
});

describe("merging", () => {
  it("lets a later user source win on a clash, with a notice", () => {
    const into: McpServers = {};
    const owners = new Map<string, string>();
    const notices: string[] = [];
    addServers(into, owners, { a: { command: "one" }, b: { command: "b" } }, "mcp_config", (m) => notices.push(m));
    addServers(into, owners, { a: { command: "two" } }, "--mcp-config", (m) => notices.push(m));
    expect(into).toEqual({ a: { command: "two" }, b: { command: "b" } });
    expect(notices).toEqual(["MCP server 'a' from --mcp-config replaces the one from mcp_config."]);
  });

  it("lets the user's server replace the action's, with a notice", () => {
    const notices: string[] = [];
    const merged = mergeWithForkServers(
      { gitea: { command: "node", args: ["gitea.js"] }, progress: { command: "node" } },
      { gitea: { type: "http", url: "https://mine" }, extra: { command: "x" } },
      (m) => notices.push(m),
    );
    expect(merged).toEqual({ gitea: { type: "http", url: "https://mine" }, progress: { command: "node" }, extra: { command: "x" } });
    expect(notices).toEqual(["MCP server 'gitea' from your configuration replaces the action's own 'gitea' server."]);
  });

  it("writes one file, mode 0600", async () => {
    const dir = tempDir();
    const path = join(dir, "mcp.json");
    await writeMcpConfigFile(path, { a: { command: "x" } }, nodeFs());
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ mcpServers: { a: { command: "x" } } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
