import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { homeSettingsPath, restoreHomeSettings, snapshotHomeSettings } from "../../../src/claude/home-settings";

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), "home-settings-"));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
const exists = (p: string) => stat(p).then(() => true, () => false);

describe("home settings snapshot", () => {
  it("removes a settings file the run created", async () => {
    const home = await tmp();
    const snap = await snapshotHomeSettings(home, await tmp());
    expect(snap.existed).toBe(false);
    await mkdir(path.dirname(homeSettingsPath(home)), { recursive: true });
    await writeFile(homeSettingsPath(home), JSON.stringify({ env: { API_TOKEN: "secret" } }));
    await restoreHomeSettings(snap);
    expect(await exists(homeSettingsPath(home))).toBe(false);
  });

  it("puts back the file that was there before, and drops its copy", async () => {
    const home = await tmp();
    await mkdir(path.join(home, ".claude"));
    await writeFile(homeSettingsPath(home), '{"theme":"dark"}');
    const snap = await snapshotHomeSettings(home, await tmp());
    await writeFile(homeSettingsPath(home), JSON.stringify({ theme: "dark", env: { API_TOKEN: "secret" }, enableAllProjectMcpServers: true }));
    await restoreHomeSettings(snap);
    expect(await readFile(homeSettingsPath(home), "utf8")).toBe('{"theme":"dark"}');
    expect(await exists(snap.backup!)).toBe(false);
  });
});
