/**
 * Image downloads: only this Gitea server, only attachments and this
 * repository's files, the token never sent elsewhere (redirects off the
 * server are not followed), capped in count and size, checked by content.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GiteaClient } from "../../../src/gitea/client";
import { downloadImages, serverUrlOf } from "../../../src/gitea/images";
import { embeddedImageUrls, imageTypeOf } from "../../../src/gitea/media";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
const UUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

type Seen = { path: string; auth: string | undefined };

async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", auth: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => s.close(() => r())) };
}

let gitea: Awaited<ReturnType<typeof server>>;
let elsewhere: Awaited<ReturnType<typeof server>>;
let dir: string;
beforeAll(async () => {
  elsewhere = await server((_req, res) => res.end(PNG));
  gitea = await server((req, res) => {
    const u = req.url ?? "";
    if (u === `/attachments/${UUID(1)}`) return void res.end(PNG);
    if (u === `/attachments/${UUID(2)}`) return void res.end("<html>not an image</html>");
    if (u === `/attachments/${UUID(3)}`) return void res.end(Buffer.concat([PNG, Buffer.alloc(4000)]));
    if (u === `/attachments/${UUID(4)}`) {
      res.writeHead(302, { location: `${elsewhere.url}/bucket/x.png?signature=abc` });
      return void res.end();
    }
    if (u === `/attachments/${UUID(5)}`) {
      res.writeHead(302, { location: `/attachments/${UUID(1)}` });
      return void res.end();
    }
    if (u === "/acme/app/raw/branch/main/docs/logo.png") return void res.end(PNG);
    if (/^\/attachments\/00000000-0000-4000-8000-0000000001\d\d$/.test(u)) return void res.end(PNG);
    res.writeHead(404);
    res.end();
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "images-"));
});
afterAll(async () => {
  await Promise.all([gitea.close(), elsewhere.close(), rm(dir, { recursive: true, force: true })]);
});

const client = () => new GiteaClient({ apiUrl: `${gitea.url}/api/v1`, token: "tok-123", owner: "acme", repo: "app", retry: { attempts: 1 } });
const PUBLIC = "https://gitea.example.com/sub";

describe("serverUrlOf", () => {
  const o = { publicUrl: PUBLIC, serverUrl: "http://gitea:3000", repository: "acme/app" };
  it("maps the public address (and relative URLs) to the runner's address of the same server", () => {
    expect(serverUrlOf(`${PUBLIC}/attachments/${UUID(1)}`, o)).toEqual({ url: `http://gitea:3000/attachments/${UUID(1)}` });
    expect(serverUrlOf(`/sub/attachments/${UUID(1)}`, o)).toEqual({ url: `http://gitea:3000/attachments/${UUID(1)}` });
    expect(serverUrlOf(`attachments/${UUID(1)}`, o)).toEqual({ url: `http://gitea:3000/attachments/${UUID(1)}` });
    expect(serverUrlOf(`${PUBLIC}/acme/app/attachments/${UUID(1)}`, o)).toEqual({ url: `http://gitea:3000/attachments/${UUID(1)}` });
    expect(serverUrlOf(`${PUBLIC}/acme/app/raw/branch/main/a.png`, o)).toEqual({ url: "http://gitea:3000/acme/app/raw/branch/main/a.png" });
  });
  it("refuses other hosts, other repositories, other paths", () => {
    expect(serverUrlOf("https://evil.example/attachments/x", o)).toEqual({ skipped: "not on this Gitea server" });
    expect(serverUrlOf(`https://gitea.example.com/attachments/${UUID(1)}`, o)).toEqual({ skipped: "not on this Gitea server" });
    expect(serverUrlOf(`${PUBLIC}/other/repo/raw/branch/main/a.png`, o)).toEqual({ skipped: "not an attachment or file of this repository" });
    expect(serverUrlOf(`${PUBLIC}/user/settings`, o)).toEqual({ skipped: "not an attachment or file of this repository" });
    expect(serverUrlOf("data:image/png;base64,AAAA", o)).toEqual({ skipped: "not an http(s) URL" });
  });
});

describe("downloadImages", () => {
  it("downloads from this server with the token, checks the content, and never follows a redirect elsewhere", async () => {
    const out = await downloadImages(
      client(),
      [
        { on: "issue", url: `${PUBLIC}/attachments/${UUID(1)}`, name: "a.png" },
        { on: "comment 7", url: `/sub/attachments/${UUID(2)}`, name: "b.png" },
        { on: "comment 7", url: `${PUBLIC}/attachments/${UUID(4)}` },
        { on: "comment 7", url: `${PUBLIC}/attachments/${UUID(5)}` },
        { on: "comment 8", url: `${PUBLIC}/acme/app/raw/branch/main/docs/logo.png` },
        { on: "comment 8", url: `${elsewhere.url}/x.png` },
      ],
      { dir, publicUrl: PUBLIC, repository: "acme/app" },
    );
    expect(out.map((i) => i.file ? path.basename(i.file) : i.skipped)).toEqual([
      "issue-1.png",
      "not a PNG, JPEG, GIF or WebP image by its content",
      expect.stringMatching(/redirected to another host \(http:\/\/127\.0\.0\.1:\d+\); not followed/),
      "comment-7-1.png",
      "comment-8-1.png",
      "not on this Gitea server",
    ]);
    expect(await readFile(path.join(dir, "issue-1.png"))).toEqual(PNG);
    expect(gitea.seen.every((s) => s.auth === "token tok-123")).toBe(true);
    // Nothing reached the other host, so no token either.
    expect(elsewhere.seen).toEqual([]);
  });

  it("stops at the count and size limits; one file appearing twice is downloaded once", async () => {
    const url = (n: number) => `${PUBLIC}/attachments/${UUID(n)}`;
    const limits = { count: 2, bytes: 1000, totalBytes: 10_000 };
    const before = gitea.seen.length;
    const out = await downloadImages(
      client(),
      [
        { on: "a", url: url(3) },
        { on: "b", url: url(100), name: "huge.png", size: 10_000_000 },
        { on: "c", url: url(101) },
        { on: "d", url: url(101) },
        { on: "e", url: url(102) },
        { on: "f", url: url(103) },
      ],
      { dir, publicUrl: PUBLIC, repository: "acme/app", limits },
    );
    expect(out.map((i) => (i.file ? path.basename(i.file) : i.skipped))).toEqual([
      "4 KB, over the 1000 B still allowed",
      "10 MB, over the 1000 B limit per image".replace("10 MB", "9.5 MB"),
      "c-1.png",
      "c-1.png",
      "e-1.png",
      "over the limit of 2 images per run",
    ]);
    // a (read and refused by its size), c and e: one request each.
    expect(gitea.seen.length - before).toBe(3);
  });
});

describe("media helpers", () => {
  it("finds embedded images in markdown and HTML", () => {
    expect(embeddedImageUrls("![a](/x.png) ![b](<https://h/y z.png>) <img alt='q' src=\"/z.gif\"> ![c][r]\n[r]: /w.png")).toEqual(["/x.png", "https://h/y z.png", "/z.gif", "/w.png"]);
  });
  it("knows images by their first bytes", () => {
    expect(imageTypeOf(PNG)).toBe("image/png");
    expect(imageTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(imageTypeOf(Buffer.from("GIF89a..."))).toBe("image/gif");
    expect(imageTypeOf(Buffer.from("RIFF1234WEBPVP8 "))).toBe("image/webp");
    expect(imageTypeOf(Buffer.from("<svg"))).toBeUndefined();
  });
});
