// Code analysis, done once per distinct code: valid jump destinations and the decoded value of
// every PUSH, so that the interpreter never decodes immediates at run time.
import { fromBytes, type Word } from "./word.js";

export interface AnalyzedCode {
  readonly code: Uint8Array;
  /** 1 where a JUMPDEST opcode (not push data) stands. */
  readonly jumpdests: Uint8Array;
  /** The pushed value at the position of each PUSH1..PUSH32; unset elsewhere. */
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
      const len = op - 0x5f;
      pushValues[pc] = fromBytes(code, pc + 1, len);
      pc += len;
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
