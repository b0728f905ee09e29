// `pevm serve`: the record store over HTTP on this machine (src/serve/server.ts).
import type { AddressInfo } from "node:net";
import { createRecordServer } from "../serve/server.js";
import { defaultStorePath } from "../store/paths.js";
import { RecordStore } from "../store/store.js";
import { optionHelp, parseArgs, UsageError, type OptionSpec } from "./args.js";

export const DEFAULT_PORT = 7928;
const LOCAL_HOST = "127.0.0.1";

const SPEC: Record<string, OptionSpec> = {
  db: { value: true, description: `the record store (default ${defaultStorePath()})` },
  port: { value: true, description: `TCP port (default ${DEFAULT_PORT}; 0 picks a free one and prints it)` },
  host: { value: true, description: `address to bind (default ${LOCAL_HOST}: this machine only; anything else exposes the store to the network)` },
  log: { description: "print one line per request (method, path, status, time) to stderr" },
  help: { description: "show this help" },
};

export const SERVE_HELP = `usage: pevm serve [--db PATH] [--port N] [--host ADDRESS] [--log]

Serves the record store (pevm run --store, pevm records import) read-only over HTTP: a JSON API
under /api (blocks, a block's record, its transactions a page at a time, its dependency graph,
summary and EIP-7928 access list, hot spots across blocks) and each block's report page at
/blocks/NUMBER/report. Bad requests get a 4xx status with a JSON {"error"} message. Stops on
Ctrl-C. See docs/serve.md.

${optionHelp(SPEC)}

example: pevm serve --port 0`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, SPEC);
  if (options.help) {
    console.log(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got ${positionals[0]})`);
  const port = portOption(options.port);
  const host = typeof options.host === "string" ? options.host : LOCAL_HOST;
  const db = typeof options.db === "string" ? options.db : defaultStorePath();
  const store = RecordStore.open(db, { readonly: true });
  const server = createRecordServer(store, options.log ? { log: (line) => console.error(line) } : {});
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
  } catch (e) {
    store.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === "EADDRINUSE" ? `port ${port} on ${host} is in use (--port 0 picks a free one)` : `cannot listen on ${host}:${port}: ${code ?? (e as Error).message}`);
  }
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  if (host !== LOCAL_HOST && host !== "localhost" && host !== "::1") console.error(`warning: listening on ${host}: other machines can read the store`);
  console.log(`serving ${store.blockCount()} blocks from ${db} at http://${shown}:${address.port}/ (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  store.close();
  return 0;
}

function portOption(raw: string | boolean | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (typeof raw !== "string" || !/^[0-9]+$/.test(raw) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${String(raw)}"`);
  return port;
}
