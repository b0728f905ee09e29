// Code analysis, done once per distinct code: valid jump destinations, and room for the decoded
// value of every PUSH, filled the first time each PUSH runs (most of a large contract's code never
// runs in a given block, so decoding every immediate up front costs more than it saves).
import type { Word } from "./word.js";

export interface AnalyzedCode {
  readonly code: Uint8Array;
  /** 1 where a JUMPDEST opcode (not push data) stands. */
  readonly jumpdests: Uint8Array;
  /** The pushed value at the position of each PUSH1..PUSH32 once it has run; unset elsewhere. */
  readonly pushValues: Word[];
}

export function analyzeCode(code: Uint8Array): AnalyzedCode {
  const n = code.length;
  const jumpdests = new Uint8Array(n);
  const pushValues: Word[] = new Array<Word>(n);
  for (let pc = 0; pc < n; pc++) {
    const op = code[pc]!;
    if (op === 0x5b) {
      jumpdests[pc] = 1;
    } else if (op >= 0x60 && op <= 0x7f) {
      pc += op - 0x5f;
    }
  }
  return { code, jumpdests, pushValues };
}

const MAX_CACHED = 4096;

/** Analyses keyed by code hash, shared by every execution in this thread. */
export class CodeCache {
  private readonly byHash = new Map<Word, AnalyzedCode>();

  get(codeHash: Word, code: Uint8Array): AnalyzedCode {
    let analyzed = this.byHash.get(codeHash);
    if (analyzed === undefined) {
      if (this.byHash.size >= MAX_CACHED) this.byHash.clear();
      analyzed = analyzeCode(code);
      this.byHash.set(codeHash, analyzed);
    }
    return analyzed;
  }
}
