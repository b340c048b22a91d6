// A tiny stdio MCP server for tests: one tool, `getenv`, that answers the
// value of an environment variable as the server process sees it (or
// "<unset>"), so a test can show which variables reach Claude's MCP servers.
// stdout carries the MCP protocol only.
//
// Run: node --import <tsx loader> env-mcp-server.ts  (see envMcpServer in env-mcp.ts)
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "env", version: "1.0.0" });
server.registerTool(
  "getenv",
  { description: "Value of an environment variable of this server process.", inputSchema: { name: z.string() } },
  async ({ name }) => ({ content: [{ type: "text", text: process.env[name] ?? "<unset>" }] }),
);
await server.connect(new StdioServerTransport());
