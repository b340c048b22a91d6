import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderReadme } from "../../../scripts/readme";
import { readRoot } from "../../support/repo";

describe("README.md", () => {
  const readme = readRoot("README.md");

  it("opens with the two commands: the demo and the tests", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(readme.indexOf("```sh")).toBeLessThan(200);
    expect(firstBlock).toContain("npm run demo");
    expect(firstBlock).toContain("npm test");
  });

  it("documents action.yml exactly (run `npm run readme` after changing inputs or outputs)", () => {
    expect(readme).toBe(renderReadme(readme, parse(readRoot("action.yml"))));
  });

  it("docs/inputs.md gives every input of action.yml its rule (run `npm run readme` after changing one)", () => {
    const doc = readRoot("docs/inputs.md");
    expect(doc).toBe(renderReadme(doc, parse(readRoot("action.yml")), ["rules"]));
    for (const input of Object.keys(parse(readRoot("action.yml")).inputs as object)) expect(doc).toContain(`| \`${input}\` |`);
  });

  it("states the conclusion contract: skipped only when nothing triggered the run", () => {
    expect(readme).toMatch(/\| `skipped` \| nothing triggered the run/);
    expect(readme).toMatch(/\| `failure` \| an input is invalid/);
    expect(readme).not.toMatch(/installs nothing at job time/);
  });

  it("is what .ci/run runs", () => {
    const ci = readRoot(".ci/run");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^scripts\/check-dist\.sh$/m);
  });
});
