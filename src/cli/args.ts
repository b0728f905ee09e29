// A small, strict command-line parser: positionals plus --flag / --flag value options.

export interface OptionSpec {
  /** Takes a value (`--fork Cancun`) rather than being a switch (`--json`). */
  value?: boolean;
  description: string;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" && spec.help !== undefined) {
      options.help = true;
      continue;
    }
    // "-" (standard input) and negative numbers are arguments; any other single-dash word is a mistyped option.
    if (/^-[^-\d]/.test(arg)) throw new UsageError(`unknown option ${arg}${spec[arg.slice(1)] !== undefined ? ` (did you mean --${arg.slice(1)}?)` : ""}`);
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const def = spec[name];
    if (def === undefined) throw new UsageError(`unknown option --${name}`);
    if (def.value) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new UsageError(`option --${name} needs a value`);
      options[name] = value;
    } else {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      options[name] = true;
    }
  }
  return { positionals, options };
}

export function optionHelp(spec: Record<string, OptionSpec>): string {
  return Object.entries(spec)
    .map(([name, def]) => `${`  --${name}${def.value ? " <value>" : ""}`.padEnd(26)}  ${def.description}`)
    .join("\n");
}

/** A positive integer option (at most `max`), or the default. */
export function intOption(options: ParsedArgs["options"], name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== "string" || !/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${String(raw)}"`);
  if (n > max) throw new UsageError(`--${name} must be at most ${max}, got ${raw}`);
  return n;
}

/**
 * The most worker threads a command starts: each holds its own heap and compiled executor (about
 * 70 MB), and more threads than cores only slow Block-STM down; 64, or the core count if larger.
 */
export function maxWorkers(cores: number): number {
  return Math.max(64, cores);
}
