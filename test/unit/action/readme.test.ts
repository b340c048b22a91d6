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

  it("is what .ci/run runs", () => {
    const ci = readRoot(".ci/run");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^scripts\/check-dist\.sh$/m);
  });
});
