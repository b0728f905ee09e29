// Code analysis, done once per distinct code: valid jump destinations, and a cache of the decoded
// values of wide PUSHes (7-32 bytes), filled the first time each one runs. Most of a large
// contract's code never runs in a given block, so nothing is decoded up front, and narrow PUSHes
// are decoded in place by the interpreter (no allocation).
import { addressToBytes, fromBytes, type Word } from "../primitives/word.js";

export interface AnalyzedCode {
  /** The code (the latest array a CodeCache was asked for it with: equal bytes). */
  code: Uint8Array;
  /** 1 where a JUMPDEST opcode (not push data) stands. */
  readonly jumpdests: Uint8Array;
  /** Decoded values of PUSH7..PUSH32 by position, once each has run. */
  readonly bigPushes: Map<number, Word>;
}

export function analyzeCode(code: Uint8Array): AnalyzedCode {
  const n = code.length;
  const jumpdests = new Uint8Array(n);
  for (let pc = 0; pc < n; pc++) {
    const op = code[pc]!;
    if (op === 0x5b) {
      jumpdests[pc] = 1;
    } else if (op >= 0x60 && op <= 0x7f) {
      pc += op - 0x5f;
    }
  }
  return { code, jumpdests, bigPushes: new Map() };
}

const SSTORE = 0x55;
const CALLCODE = 0xf2;
const DELEGATECALL = 0xf4;

/**
 * Whether code running as its own account could ever write that account's storage: it holds an
 * SSTORE, or a CALLCODE or DELEGATECALL (which run other code on its storage), outside push data,
 * or it is an EIP-7702 delegation (the delegate's code runs on the account's storage).
 */
export function canWriteOwnStorage(code: Uint8Array): boolean {
  if (isDelegation(code)) return true;
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc]!;
    if (op === SSTORE || op === CALLCODE || op === DELEGATECALL) return true;
    if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
  }
  return false;
}

// EIP-7702 delegation designators: 0xef0100 followed by the 20-byte address whose code runs.
const DELEGATION_MARKER_0 = 0xef;
const DELEGATION_MARKER_1 = 0x01;
const DELEGATION_MARKER_2 = 0x00;
const DELEGATION_CODE_LENGTH = 23;

/** Whether the code is a delegation designator, 0xef0100 ‖ address (EIP-7702). */
export function isDelegation(code: Uint8Array): boolean {
  return code.length === DELEGATION_CODE_LENGTH && code[0] === DELEGATION_MARKER_0 && code[1] === DELEGATION_MARKER_1 && code[2] === DELEGATION_MARKER_2;
}

/** The address a delegation designator points to, or null for any other code (no allocation then). */
export function delegationTarget(code: Uint8Array): Word | null {
  return isDelegation(code) ? fromBytes(code, 3, 20) : null;
}

/** The designator 0xef0100 ‖ address. */
export function delegationCode(address: Word): Uint8Array {
  const code = new Uint8Array(DELEGATION_CODE_LENGTH);
  code[0] = DELEGATION_MARKER_0;
  code[1] = DELEGATION_MARKER_1;
  code[2] = DELEGATION_MARKER_2;
  code.set(addressToBytes(address), 3);
  return code;
}

/** Bytes of code (and as many of jump-destination map) a cache holds before it starts over. */
const MAX_CACHED_BYTES = 32 << 20;

/**
 * Analyses keyed by code hash. A hit is used only when its code is the code asked for (the same
 * array, or equal bytes), so a pre-state whose code does not match its hash costs an analysis,
 * never a wrong jump table. Bounded by the bytes of code it holds: past the bound it starts over.
 */
export class CodeCache {
  private readonly byHash = new Map<Word, AnalyzedCode>();
  private bytes = 0;

  get(codeHash: Word, code: Uint8Array): AnalyzedCode {
    const cached = this.byHash.get(codeHash);
    if (cached !== undefined) {
      if (cached.code === code) return cached;
      if (sameBytes(cached.code, code)) {
        // Keep the caller's array, so that its next calls (a block's pre-state) match by identity.
        cached.code = code;
        return cached;
      }
      this.byHash.delete(codeHash);
      this.bytes -= cached.code.length;
    }
    if (this.bytes + code.length > MAX_CACHED_BYTES) this.clear();
    const analyzed = analyzeCode(code);
    this.byHash.set(codeHash, analyzed);
    this.bytes += code.length;
    return analyzed;
  }

  /** Forgets every analysis. */
  clear(): void {
    this.byHash.clear();
    this.bytes = 0;
  }

  /** Analyses held. */
  get size(): number {
    return this.byHash.size;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * This thread's cache, shared by every block it executes: a contract that a block calls was
 * usually called by the blocks before it, and analysing it again (a pass over every byte of its
 * code) cost 10-20% of a block's sequential time on mainnet blocks.
 */
export const threadCodeCache = new CodeCache();
