// Command-line options of the bench scripts: every option a script takes is declared, so that a
// misspelt option, a missing value or a value that is not a number ends the script with one
// line naming the problem and its usage (exit status 2), never a stack trace or a run that
// silently ignored what was asked.

export interface OptionSpec {
  /** Options that take a value (`--runs 5`). */
  values: readonly string[];
  /** Options that take none (`--json`). `--help` is always known. */
  flags: readonly string[];
}

export class BenchArgs {
  private readonly given = new Map<string, string>();
  private readonly set = new Set<string>();

  constructor(
    private readonly script: string,
    private readonly usage: string,
    spec: OptionSpec,
    readonly argv: readonly string[] = process.argv.slice(2),
  ) {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === "--help") {
        console.log(usage);
        process.exit(0);
      } else if (spec.flags.includes(a)) this.set.add(a);
      else if (spec.values.includes(a)) {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith("--")) this.fail(`${a} needs a value`);
        this.given.set(a, value!);
        i++;
      } else this.fail(a.startsWith("--") ? `unknown option ${a}` : `unexpected argument ${a}`);
    }
  }

  /** Prints the problem and the usage, and exits with status 2. */
  fail(message: string): never {
    console.error(`bench/${this.script}: ${message}\n${this.usage}`);
    process.exit(2);
  }

  flag(name: string): boolean {
    return this.set.has(name);
  }

  option(name: string): string | undefined {
    return this.given.get(name);
  }

  /** A whole number of at least `min` (default 0), or `fallback` when the option is absent. */
  int(name: string, fallback: number, min = 0): number {
    const text = this.given.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min) this.fail(`${name}: a whole number of at least ${min}, got ${text}`);
    return value;
  }

  /** A positive number (gas amounts, which may be written 1e9), or `fallback`. */
  number(name: string, fallback: number): number {
    const text = this.given.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value <= 0) this.fail(`${name}: a positive number, got ${text}`);
    return value;
  }

  /** A comma-separated list of whole numbers of at least `min`, or `fallback`. */
  ints(name: string, fallback: readonly number[], min = 1): number[] {
    const text = this.given.get(name);
    if (text === undefined) return [...fallback];
    const parts = text.split(",");
    if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < min)) this.fail(`${name}: comma-separated whole numbers of at least ${min}, got ${text}`);
    return parts.map(Number);
  }

  /** A comma-separated list of names, or `fallback`. */
  list(name: string, fallback: readonly string[]): string[] {
    const text = this.given.get(name);
    if (text === undefined) return [...fallback];
    const parts = text.split(",").filter((p) => p !== "");
    if (parts.length === 0) this.fail(`${name}: an empty list`);
    return parts;
  }
}
