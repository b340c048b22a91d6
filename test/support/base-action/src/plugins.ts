// Plugin marketplaces and plugins (the pin's src/install-plugins.ts): the
// same validation, then `claude plugin marketplace add` / `claude plugin
// install` one at a time, stopping at the first failure.
import { spawn } from "node:child_process";

const PLUGIN_NAME = /^[@a-zA-Z0-9_\-/.]+$/;
const MAX_PLUGIN_NAME_LENGTH = 512;
const TRAVERSAL = /\.\.\/|\/\.\.|\.\/|\/\.|(?:^|\/)\.\.$|(?:^|\/)\.$|\.\.(?![0-9])/;
const MARKETPLACE_URL = /^https:\/\/[a-zA-Z0-9\-._~:/?#[\]@!$&'()*+,;=%]+\.git$/;

function isLocalPath(s: string): boolean {
  return s.startsWith("./") || s.startsWith("../") || s.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(s);
}

export function parseMarketplaces(input?: string): string[] {
  const trimmed = input?.trim();
  if (!trimmed) return [];
  return trimmed
    .split("\n")
    .map((e) => e.trim())
    .filter((e) => {
      if (!e) return false;
      if (isLocalPath(e)) return true;
      if (!MARKETPLACE_URL.test(e)) throw new Error(`Invalid marketplace URL format: ${e}`);
      try {
        new URL(e);
      } catch {
        throw new Error(`Invalid marketplace URL: ${e}`);
      }
      return true;
    });
}

export function parsePlugins(input?: string): string[] {
  const trimmed = input?.trim();
  if (!trimmed) return [];
  return trimmed
    .split("\n")
    .map((p) => p.trim())
    .filter((p) => {
      if (!p) return false;
      const n = p.normalize("NFC");
      if (n.length > MAX_PLUGIN_NAME_LENGTH) throw new Error(`Plugin name too long: ${n.substring(0, 50)}...`);
      if (!PLUGIN_NAME.test(n) || TRAVERSAL.test(n)) throw new Error(`Invalid plugin name format: ${p}`);
      return true;
    });
}

function claude(executable: string, args: string[], context: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { stdio: "inherit" });
    child.on("close", (code) => {
      if (code === 0) resolve();
      else if (code === null) reject(new Error(`${context}: process terminated by signal`));
      else reject(new Error(`${context} (exit code: ${code})`));
    });
    child.on("error", (e) => reject(new Error(`${context}: ${e.message}`)));
  });
}

export async function installPlugins(marketplacesInput?: string, pluginsInput?: string, executable?: string): Promise<void> {
  const exe = executable || "claude";
  const marketplaces = parseMarketplaces(marketplacesInput);
  if (marketplaces.length > 0) {
    console.log(`Adding ${marketplaces.length} marketplace(s)...`);
    for (const m of marketplaces) {
      console.log(`Adding marketplace: ${m}`);
      await claude(exe, ["plugin", "marketplace", "add", m], `Failed to add marketplace '${m}'`);
      console.log(`✓ Successfully added marketplace: ${m}`);
    }
  } else {
    console.log("No marketplaces specified, skipping marketplace setup");
  }
  const plugins = parsePlugins(pluginsInput);
  if (plugins.length > 0) {
    console.log(`Installing ${plugins.length} plugin(s)...`);
    for (const p of plugins) {
      console.log(`Installing plugin: ${p}`);
      await claude(exe, ["plugin", "install", p], `Failed to install plugin '${p}'`);
      console.log(`✓ Successfully installed: ${p}`);
    }
  } else {
    console.log("No plugins specified, skipping plugins installation");
  }
}
