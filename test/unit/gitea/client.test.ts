import { describe, expect, it } from "vitest";
import { GiteaClient, GiteaError } from "../../../src/gitea/client";
import { NetworkError, type HttpRequest, type HttpResponse, type HttpTransport } from "../../../src/gitea/http";

type Reply = HttpResponse | NetworkError | ((req: HttpRequest) => HttpResponse);
const res = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  text: body === undefined ? "" : JSON.stringify(body),
  headers: { get: (n) => headers[n.toLowerCase()] ?? null },
});

function fake(replies: Reply[]) {
  const sent: HttpRequest[] = [];
  const transport: HttpTransport = {
    async send(req) {
      sent.push(req);
      const next = replies.shift();
      if (!next) throw new Error(`unexpected request ${req.method} ${req.url}`);
      if (next instanceof NetworkError) throw next;
      return typeof next === "function" ? next(req) : next;
    },
  };
  const sleeps: number[] = [];
  const client = new GiteaClient({
    apiUrl: "http://gitea.test/api/v1/",
    token: "tok123",
    owner: "acme",
    repo: "my app",
    transport,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { client, sent, sleeps };
}

describe("GiteaClient", () => {
  it("builds URLs from route templates and authenticates with the token header", async () => {
    const { client, sent } = fake([res(200, { id: 1, number: 4, title: "t", user: { id: 1, login: "a" }, state: "open" })]);
    await client.issue(4);
    expect(sent[0]!.url).toBe("http://gitea.test/api/v1/repos/acme/my%20app/issues/4");
    expect(sent[0]!.headers.authorization).toBe("token tok123");
    expect(client.url("contents", { filepath: "docs/a b.md" }, { ref: "main" })).toBe(
      "http://gitea.test/api/v1/repos/acme/my%20app/contents/docs/a%20b.md?ref=main",
    );
  });

  it("reads every page: the first, then the rest in parallel from X-Total-Count", async () => {
    const page = (n: number, count: number) => Array.from({ length: count }, (_, i) => ({ filename: `f${n}-${i}`, status: "added", additions: 1, deletions: 0, changes: 1 }));
    const { client, sent } = fake([
      res(200, page(1, 50), { "x-total-count": "120" }),
      (req) => res(200, page(Number(new URL(req.url).searchParams.get("page")), new URL(req.url).searchParams.get("page") === "3" ? 20 : 50)),
      (req) => res(200, page(Number(new URL(req.url).searchParams.get("page")), new URL(req.url).searchParams.get("page") === "3" ? 20 : 50)),
    ]);
    const files = await client.pullFiles(9);
    expect(files).toHaveLength(120);
    expect(files[0]!.filename).toBe("f1-0");
    expect(files[119]!.filename).toBe("f3-19");
    expect(sent.map((r) => new URL(r.url).searchParams.get("page"))).toEqual(["1", "2", "3"]);
    expect(new URL(sent[0]!.url).searchParams.get("limit")).toBe("50");
  });

  it("retries transient failures with backoff and honours Retry-After", async () => {
    const { client, sleeps } = fake([
      res(502, { message: "bad gateway" }),
      res(429, { message: "slow down" }, { "retry-after": "2" }),
      new NetworkError("ECONNRESET", false),
      res(200, { version: "1.22.6" }),
    ]);
    expect(await client.version()).toBe("1.22.6");
    expect(sleeps).toEqual([500, 2000, 2000]);
  });

  it("gives up after the bounded attempts with an error naming the call", async () => {
    const { client } = fake([res(500, { message: "boom" }), res(500, {}), res(500, {}), res(500, { message: "still" })]);
    await expect(client.issue(3)).rejects.toThrow("Gitea GET /repos/acme/my%20app/issues/3 failed: HTTP 500: still");
  });

  it("does not retry client errors", async () => {
    const { client, sent } = fake([res(404, { message: "The target couldn't be found." })]);
    await expect(client.pull(2)).rejects.toBeInstanceOf(GiteaError);
    expect(sent).toHaveLength(1);
  });

  it("never duplicates a comment: a retry first looks for the one a lost answer created", async () => {
    const created = { id: 77, body: "hello", user: { id: 1, login: "bot" }, created_at: "2026-01-01T00:00:00Z" };
    const { client, sent } = fake([new NetworkError("ECONNRESET", false), res(200, [created])]);
    expect(await client.createComment(5, "hello", "bot")).toEqual(created);
    expect(sent.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("retries a POST when nothing was created", async () => {
    const created = { id: 78, body: "hi", user: { id: 1, login: "bot" }, created_at: "2026-01-01T00:00:00Z" };
    const { client, sent } = fake([res(503, {}), res(200, []), res(201, created)]);
    expect(await client.createComment(5, "hi")).toEqual(created);
    expect(sent.map((r) => r.method)).toEqual(["POST", "GET", "POST"]);
  });

  it("reports a 403 on the permission endpoint as 'cannot ask' and 404 as no permission", async () => {
    const { client } = fake([res(403, { message: "forbidden" }), res(404, { message: "nope" }), res(200, { permission: "write" })]);
    expect(await client.collaboratorPermission("bob")).toBeUndefined();
    expect(await client.collaboratorPermission("eve")).toEqual({ permission: "none" });
    expect(await client.collaboratorPermission("alice")).toEqual({ permission: "write" });
  });

  it("upTo reads only the pages it needs, from the total; without a total while pages are full", async () => {
    const page = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ filename: `f${from + i}` }));
    const withTotal = fake([res(200, page(50, 0), { "x-total-count": "120" }), (req) => res(200, page(50, 50 * (Number(new URL(req.url).searchParams.get("page")) - 1)))]);
    const got = await withTotal.client.pullFilesUpTo(3, 60);
    expect(got.items).toHaveLength(60);
    expect(got.total).toBe(120);
    expect(withTotal.sent.map((r) => new URL(r.url).searchParams.get("page"))).toEqual(["1", "2"]);
    // A limit chosen from the total.
    const all = fake([res(200, page(50, 0), { "x-total-count": "70" }), res(200, page(20, 50))]);
    expect((await all.client.pullFilesUpTo(3, (total) => total)).items).toHaveLength(70);
    const noTotal = fake([res(200, page(50, 0)), res(200, page(50, 50)), res(200, page(10, 100))]);
    expect(await noTotal.client.pullFilesUpTo(3, 500)).toMatchObject({ total: 110 });
  });

  it("openStream sends the token only to this server and follows redirects only there", async () => {
    const opened: HttpRequest[] = [];
    const stream = (status: number, headers: Record<string, string> = {}) => ({
      status,
      headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
      body: (async function* () {})(),
      cancel: async () => {},
    });
    const steps = [stream(302, { location: "/attachments/b" }), stream(200), stream(302, { location: "https://bucket.example/x" })];
    const client = new GiteaClient({
      apiUrl: "http://gitea.test/api/v1",
      token: "tok123",
      owner: "acme",
      repo: "app",
      transport: { send: async () => res(500, {}), open: async (req) => (opened.push(req), steps.shift()!) },
    });
    await client.openStream("http://gitea.test/attachments/a", "GET a");
    expect(opened.map((r) => r.url)).toEqual(["http://gitea.test/attachments/a", "http://gitea.test/attachments/b"]);
    expect(opened.every((r) => r.headers.authorization === "token tok123")).toBe(true);
    await expect(client.openStream("http://gitea.test/attachments/c", "GET c")).rejects.toThrow(/redirected to another host \(https:\/\/bucket\.example\); not followed/);
    await expect(client.openStream("http://other.test/attachments/a", "GET x")).rejects.toThrow(/is not this Gitea server/);
    expect(opened.map((r) => new URL(r.url).host)).not.toContain("bucket.example");
    expect(opened.map((r) => new URL(r.url).host)).not.toContain("other.test");
  });
});

describe("GiteaClient pages on a server with a smaller MAX_RESPONSE_ITEMS", () => {
  const items = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ name: `b${from + i}` }));
  /** A server that caps `limit` at `cap` (what Gitea's ToCorrectPageSize does), with or without X-Total-Count. */
  const capped = (cap: number, total: number, withTotal: boolean) => (req: HttpRequest) => {
    const q = new URL(req.url).searchParams;
    if (new URL(req.url).pathname.endsWith("/settings/api")) return res(200, { max_response_items: cap, default_paging_num: 30 });
    const size = Math.min(Number(q.get("limit")), cap);
    const page = Number(q.get("page"));
    const start = (page - 1) * size;
    return res(200, items(start, Math.max(0, Math.min(size, total - start))), withTotal ? { "x-total-count": String(total) } : {});
  };

  for (const cap of [10, 20, 50, 100]) {
    it(`reads all 120 items when the server serves ${cap} per page (X-Total-Count)`, async () => {
      const { client, sent } = fake(Array.from({ length: 20 }, () => capped(cap, 120, true)));
      const got = await client.branches();
      expect(got.map((b) => b.name)).toEqual(items(0, 120).map((b) => b.name));
      expect(sent).toHaveLength(Math.ceil(120 / Math.min(cap, 50)));
    });

    it(`reads all 120 items when the server serves ${cap} per page and sends no total`, async () => {
      const { client } = fake(Array.from({ length: 20 }, () => capped(cap, 120, false)));
      expect((await client.branches()).map((b) => b.name)).toEqual(items(0, 120).map((b) => b.name));
    });
  }

  it("a short first page with no total is the last one when the server's page size is larger", async () => {
    const { client, sent } = fake([capped(50, 7, false), capped(50, 7, false)]);
    expect(await client.branches()).toHaveLength(7);
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual(["/api/v1/repos/acme/my%20app/branches", "/api/v1/settings/api"]);
  });
});

describe("GiteaClient and a missing issue's comments", () => {
  it("tells a 500 for a missing issue apart (one look at the issue) instead of retrying it", async () => {
    const { client, sent } = fake([res(500, { message: "", url: "x" }), res(404, { message: "The target couldn't be found." })]);
    await expect(client.issueComments(9)).rejects.toThrow("issue #9 does not exist in acme/my app (Gitea answers HTTP 500 when listing the comments of a missing issue)");
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual(["/api/v1/repos/acme/my%20app/issues/9/comments", "/api/v1/repos/acme/my%20app/issues/9"]);
  });

  it("retries a 500 as transient when the issue exists", async () => {
    const { client, sent } = fake([res(500, { message: "" }), res(200, { number: 9 }), res(200, [])]);
    expect(await client.issueComments(9)).toEqual([]);
    expect(sent).toHaveLength(3);
  });
});

describe("GiteaClient and the issue timeline", () => {
  it("reads on while pages come back full: Gitea's X-Total-Count there is the page's length", async () => {
    const page = (n: number, count: number) => res(200, Array.from({ length: count }, (_, i) => ({ id: n * 100 + i, type: "comment", created_at: "2026-01-01T00:00:00Z" })), { "x-total-count": String(count) });
    const { client, sent } = fake([page(1, 50), page(2, 50), page(3, 4)]);
    expect(await client.issueTimeline(3)).toHaveLength(104);
    expect(sent.map((r) => new URL(r.url).searchParams.get("page"))).toEqual(["1", "2", "3"]);
  });
});
