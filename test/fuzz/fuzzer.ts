// One differential case end to end (generate, run on both sides, compare), the statistics of a
// run (outcomes, transaction kinds, opcode coverage, divergences), and saving a case as a state
// test whose expected post-state is ethereumjs's, for `pevm statetest FILE`.
import { RLP } from "@ethereumjs/rlp";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { StateTestJson } from "../../src/statetest/runner.js";
import { compareOutcomes, explain, type Difference, type KnownDivergence } from "./compare.js";
import { generateCase, type FuzzCase, type GenerateOptions } from "./generator.js";
import { opsOf, type FuzzFork } from "./opcodes.js";
import { runOracle, type OracleStep } from "./oracle.js";
import type { LogView, Outcome } from "./outcome.js";
import { runOurs } from "./ours.js";

export interface CaseReport {
  fuzzCase: FuzzCase;
  ours: Outcome;
  theirs: Outcome;
  /** Differences from the raw ethereumjs run. */
  differences: Difference[];
  /** When the raw run diverged: the differences left once ethereumjs's known deviations are corrected. */
  remaining?: Difference[];
  /** The known divergences that explain the raw differences (undefined when unexplained or none). */
  known?: KnownDivergence[];
  ms: number;
}

export interface RunCaseOptions extends GenerateOptions {
  known?: readonly KnownDivergence[];
  /** Opcodes ethereumjs executed, by byte (slower). */
  executed?: Uint32Array;
}

export async function runCase(seed: number, index: number, options: RunCaseOptions = {}): Promise<CaseReport> {
  const start = performance.now();
  const fuzzCase = generateCase(seed, index, options);
  const ours = runOurs(fuzzCase.test, fuzzCase.fork);
  const theirs = await runOracle(fuzzCase.test, fuzzCase.fork);
  const executed = options.executed;
  if (executed !== undefined) {
    // A separate run: ethereumjs's step events can fail where execution does not (they copy
    // memory for huge offsets), so this run only counts.
    await runOracle(fuzzCase.test, fuzzCase.fork, { onStep: (step: OracleStep) => void executed[step.opcode.code]!++ });
  }
  const differences = await compareOutcomes(ours, theirs);
  if (differences.length === 0) return { fuzzCase, ours, theirs, differences, ms: performance.now() - start };
  const corrected = await runOracle(fuzzCase.test, fuzzCase.fork, { fixQuirks: true });
  const remaining = await compareOutcomes(ours, corrected);
  const known = explain(corrected.quirks ?? [], remaining.length === 0, options.known ?? []);
  return { fuzzCase, ours, theirs, differences, remaining, known, ms: performance.now() - start };
}

/** How the transaction ended, per ethereumjs. */
export function outcomeClass(o: Outcome): string {
  if (o.crash !== undefined) return "crash";
  if (o.rejected !== undefined) return "rejected";
  return o.status ?? "unknown";
}

export class FuzzStats {
  cases = 0;
  divergent = 0;
  unexplained = 0;
  readonly outcomes = new Map<string, number>();
  readonly txKinds = new Map<string, number>();
  readonly targets = new Map<string, number>();
  readonly forks = new Map<string, number>();
  readonly divergenceKinds = new Map<string, number>();
  readonly knownHits = new Map<string, number>();
  /** Opcodes the generator emitted (static), by byte. */
  readonly emitted = new Uint32Array(256);
  /** Opcodes ethereumjs executed, by byte (when counted). */
  readonly executed = new Uint32Array(256);
  readonly forksSeen = new Set<FuzzFork>();
  ms = 0;

  add(report: CaseReport): void {
    const c = report.fuzzCase;
    this.cases++;
    this.ms += report.ms;
    this.forksSeen.add(c.fork);
    bump(this.outcomes, outcomeClass(report.theirs));
    bump(this.txKinds, c.txKind);
    bump(this.targets, c.target);
    bump(this.forks, c.fork);
    if (report.differences.length > 0) {
      this.divergent++;
      bump(this.divergenceKinds, report.differences[0]!.kind);
      if (report.known === undefined) this.unexplained++;
      else for (const k of report.known) bump(this.knownHits, k.id);
    }
  }

  /** Opcodes of the fork never emitted (or, with `executed`, never executed). */
  missing(fork: FuzzFork, counts: Uint32Array): string[] {
    return opsOf(fork).filter((o) => counts[o.byte] === 0).map((o) => o.name);
  }

  summary(countedExecution: boolean): string {
    const lines: string[] = [];
    const pct = (n: number) => `${((100 * n) / Math.max(1, this.cases)).toFixed(1)}%`;
    lines.push(`cases: ${this.cases} in ${(this.ms / 1000).toFixed(1)} s (${((this.cases * 1000) / Math.max(1, this.ms)).toFixed(1)} cases/s)`);
    lines.push(`forks: ${format(this.forks)}`);
    lines.push(`transactions: ${format(this.txKinds)}`);
    lines.push(`targets: ${format(this.targets)}`);
    lines.push(`outcomes (ethereumjs): ${[...this.outcomes].map(([k, v]) => `${k} ${v} (${pct(v)})`).join(", ")}`);
    for (const fork of this.forksSeen) {
      const total = opsOf(fork).length;
      const missing = this.missing(fork, this.emitted);
      lines.push(`opcode coverage ${fork} (emitted): ${total - missing.length}/${total}${missing.length > 0 ? `, missing ${missing.join(" ")}` : ""}`);
      if (countedExecution) {
        const notRun = this.missing(fork, this.executed);
        lines.push(`opcode coverage ${fork} (executed by ethereumjs): ${total - notRun.length}/${total}${notRun.length > 0 ? `, never executed ${notRun.join(" ")}` : ""}`);
      }
    }
    lines.push(`divergent cases: ${this.divergent} (${format(this.divergenceKinds) || "none"}); explained by known divergences: ${this.divergent - this.unexplained}${this.knownHits.size > 0 ? ` (${format(this.knownHits)})` : ""}; unexplained: ${this.unexplained}`);
    return lines.join("\n");
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function format(map: Map<string, number>): string {
  return [...map].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
}

/** One line for a divergence: how to reproduce it and its first difference (after corrections, when unexplained). */
export function describeDivergence(report: CaseReport): string {
  const c = report.fuzzCase;
  const where = `seed ${c.seed} case ${c.index} (${c.fork}, ${c.txKind} tx to ${c.target})`;
  if (report.known !== undefined) return `[known: ${report.known.map((k) => k.id).join(", ")}] ${where}: ${report.differences[0]!.text}`;
  const first = report.remaining?.[0] ?? report.differences[0]!;
  return `[NEW ${first.kind}] ${where}: ${first.text}`;
}

/**
 * The case as a state-test file whose expectations are ethereumjs's: its state root and logs hash,
 * the rejection as `expectException`, and its post-state in full (which `pevm statetest` uses to
 * name the differing accounts).
 */
export async function savedStateTest(report: CaseReport): Promise<Record<string, StateTestJson>> {
  const { fuzzCase, theirs } = report;
  const test: StateTestJson = structuredClone(fuzzCase.test);
  const entry = test.post[fuzzCase.fork]![0]!;
  if (theirs.rejected !== undefined) entry.expectException = `ethereumjs: ${theirs.rejected}`;
  else if (theirs.stateRoot !== undefined) {
    entry.hash = theirs.stateRoot;
    entry.logs = logsHash(theirs.logs ?? []);
    if (theirs.state !== undefined) {
      entry.state = {};
      // ethereumjs's trie knows slots by their hashes; our post-state names the ones it has too.
      const slotNames = new Map<string, string>();
      for (const a of (await report.ours.state?.())?.values() ?? []) for (const [hashed, { slot }] of a.storage) if (slot !== undefined) slotNames.set(hashed, slot);
      for (const a of (await theirs.state()).values()) {
        if (a.address === undefined || a.code === undefined) continue;
        const storage: Record<string, string> = {};
        for (const [hashed, { slot, value }] of a.storage) {
          const name = slot ?? slotNames.get(hashed);
          if (name !== undefined) storage[name] = "0x" + value.toString(16);
        }
        entry.state[a.address] = { nonce: "0x" + a.nonce.toString(16), balance: "0x" + a.balance.toString(16), code: a.code, storage };
      }
    }
  }
  return { [fuzzCase.name]: test };
}

function logsHash(logs: LogView[]): string {
  const hexBytes = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
  const encoded = RLP.encode(logs.map((l) => [hexBytes(l.address), l.topics.map(hexBytes), hexBytes(l.data)]));
  return "0x" + Buffer.from(keccak_256(encoded)).toString("hex");
}
