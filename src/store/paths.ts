// Where the record store lives by default: the platform's per-user data directory.
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, posix, win32 } from "node:path";

export const STORE_DIR_NAME = "pevm";
export const STORE_FILE_NAME = "records.db";

export interface PathEnvironment {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The default store file: `$XDG_DATA_HOME/pevm/records.db` when XDG_DATA_HOME is set (to an
 * absolute path, as the XDG spec requires), else `~/Library/Application Support/pevm/records.db`
 * on macOS, `%LOCALAPPDATA%\pevm\records.db` on Windows, `~/.local/share/pevm/records.db` elsewhere.
 */
export function defaultStorePath(where: PathEnvironment = {}): string {
  const env = where.env ?? process.env;
  const platform = where.platform ?? process.platform;
  const home = where.home ?? homedir();
  const path = platform === "win32" ? win32 : posix;
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && xdg !== "" && path.isAbsolute(xdg)) return path.join(xdg, STORE_DIR_NAME, STORE_FILE_NAME);
  switch (platform) {
    case "darwin":
      return path.join(home, "Library", "Application Support", STORE_DIR_NAME, STORE_FILE_NAME);
    case "win32": {
      const local = env.LOCALAPPDATA !== undefined && env.LOCALAPPDATA !== "" ? env.LOCALAPPDATA : path.join(home, "AppData", "Local");
      return path.join(local, STORE_DIR_NAME, STORE_FILE_NAME);
    }
    default:
      return path.join(home, ".local", "share", STORE_DIR_NAME, STORE_FILE_NAME);
  }
}

/** Creates the directory that will hold `file` (a store about to be written). */
export function ensureStoreDirectory(file: string): void {
  const dir = dirname(file);
  if (dir !== "" && (isAbsolute(dir) || dir !== ".")) mkdirSync(dir, { recursive: true });
}
