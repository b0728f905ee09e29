// Code analysis, done once per distinct code: valid jump destinations, and a cache of the decoded
// values of wide PUSHes (7-32 bytes), filled the first time each one runs. Most of a large
// contract's code never runs in a given block, so nothing is decoded up front, and narrow PUSHes
// are decoded in place by the interpreter (no allocation).
//
// Blocks: the interpreter charges static gas and checks the stack once per block of straight-line
// code, not once per instruction. A block starts where execution can enter other than by falling
// through (the frame's start, a jump's destination, the instruction after one that ends a block
// and continues) and runs to the first instruction that ends a block (ENDS_BLOCK in opcodes.ts), an
// undefined opcode or the end of the code; a JUMPDEST inside a block does not end it (the block
// that starts there is another one). Charging a block's gas at its entry gives the same outcome as
// charging each instruction: gas only falls, so the block runs out of gas per instruction exactly
// when it does in total, and any exceptional halt consumes all gas and reverts the frame, whichever
// instruction it happens at; no instruction before a block's last one reads the gas left or leaves
// the frame. Each block is measured the first time it is entered, for the fork's opcode table.
import { addressToBytes, fromBytes, type Word } from "../primitives/word.js";
import { ENDS_BLOCK, Op, type OpTable } from "./opcodes.js";

export interface AnalyzedCode {
  /** The code (the latest array a CodeCache was asked for it with: equal bytes). */
  code: Uint8Array;
  /**
   * The code followed by PADDING zero bytes: the interpreter reads opcodes and narrow push data
   * from it without testing for the end (past it, a STOP; a push's missing bytes read as zeros).
   */
  readonly padded: Uint8Array;
  /**
   * By position: the block that starts there (see measureBlock) as (index << 1) | (1 where a
   * JUMPDEST opcode, not push data, stands); 0 where no block starts. Index 0: a start beyond
   * the first MAX_INDEXED_BLOCKS, measured at each entry instead of once.
   */
  readonly starts: Uint16Array;
  /** Blocks indexed by `starts`. */
  readonly blockCount: number;
  /** Decoded values of PUSH7..PUSH32 by position, once each has run. */
  readonly bigPushes: Map<number, Word>;
  /** The blocks measured for `blocksTable` (the last table asked for): two words per block index. */
  blocks: Int32Array;
  blocksTable: OpTable | null;
  /** The blocks measured for each table (a thread's cache serves blocks of several forks). */
  blocksByTable: Map<OpTable, Int32Array> | null;
}

const NO_BLOCKS = new Int32Array(0);
/** A PUSH32 in the last byte leaves the program counter 32 bytes past the end. */
const PADDING = 33;
/** Block indexes fit 15 bits beside the JUMPDEST bit. */
const MAX_INDEXED_BLOCKS = 32767;

export function analyzeCode(code: Uint8Array): AnalyzedCode {
  const n = code.length;
  const starts = new Uint16Array(n + 1);
  let blockCount = 1; // index 0: not indexed
  const start = (pc: number, jumpdest: number): void => {
    if (starts[pc] !== 0) return;
    starts[pc] = (blockCount <= MAX_INDEXED_BLOCKS ? blockCount++ << 1 : 0) | jumpdest;
  };
  start(0, code[0] === Op.JUMPDEST && n > 0 ? 1 : 0);
  for (let pc = 0; pc < n; pc++) {
    const op = code[pc]!;
    if (op === Op.JUMPDEST) start(pc, 1);
    else if (op >= Op.PUSH1 && op <= Op.PUSH32) pc += op - Op.PUSH1 + 1;
    else if (ENDS_BLOCK[op] === 1) start(pc + 1, pc + 1 < n && code[pc + 1] === Op.JUMPDEST ? 1 : 0);
  }
  const padded = new Uint8Array(n + PADDING);
  padded.set(code);
  return { code, padded, starts, blockCount, bigPushes: new Map(), blocks: NO_BLOCKS, blocksTable: null, blocksByTable: null };
}

/** Whether a JUMPDEST opcode (not push data) stands at `pc`. */
export function isJumpdest(analyzed: AnalyzedCode, pc: number): boolean {
  return pc < analyzed.code.length && (analyzed.starts[pc]! & 1) === 1;
}

/** A block that needs more items than the stack holds (it always underflows). */
const UNREACHABLE_HEIGHT = 1025;
const STACK_SLOTS = 1024;
const HEIGHT_BITS = 2048;

/** The blocks of `analyzed` measured for `table`. */
export function blocksFor(analyzed: AnalyzedCode, table: OpTable): Int32Array {
  if (analyzed.blocksTable !== table) {
    const byTable = (analyzed.blocksByTable ??= new Map());
    let blocks = byTable.get(table);
    if (blocks === undefined) {
      blocks = new Int32Array(2 * analyzed.blockCount);
      byTable.set(table, blocks);
    }
    analyzed.blocks = blocks;
    analyzed.blocksTable = table;
  }
  return analyzed.blocks;
}

/**
 * Measures the block that starts at `start` into blocks[at] and blocks[at + 1]: the first is
 * static gas + 1, or -(position + 1) of an undefined opcode the block reaches (0: not measured);
 * the second packs the least stack height the block needs at entry (low 11 bits) and the greatest
 * it allows + 1 (above them). Returns the first.
 */
export function measureBlock(blocks: Int32Array, at: number, code: Uint8Array, table: OpTable, start: number): number {
  const n = code.length;
  let gas = 0;
  let height = 0; // relative to the entry
  let needMin = 0;
  let needMax = STACK_SLOTS;
  for (let pc = start; pc < n; ) {
    const op = code[pc]!;
    const cost = table.gas[op]!;
    if (cost < 0) {
      blocks[at] = -pc - 1;
      return -pc - 1;
    }
    gas += cost;
    needMin = Math.max(needMin, table.stackMin[op]! - height);
    needMax = Math.min(needMax, table.stackLimit[op]! - height);
    height += table.stackDelta[op]!;
    if (ENDS_BLOCK[op] === 1) break;
    pc += op >= Op.PUSH1 && op <= Op.PUSH32 ? op - Op.PUSH1 + 2 : 1;
  }
  needMin = Math.min(needMin, UNREACHABLE_HEIGHT);
  needMax = Math.max(needMax, -1);
  blocks[at] = gas + 1;
  blocks[at + 1] = needMin + (needMax + 1) * HEIGHT_BITS;
  return gas + 1;
}

/** The least stack height at entry of a measured block. */
export function blockNeedMin(packed: number): number {
  return packed & (HEIGHT_BITS - 1);
}

/** The greatest stack height at entry of a measured block. */
export function blockNeedMax(packed: number): number {
  return (packed >> 11) - 1; // HEIGHT_BITS = 2^11
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

/**
 * Bytes of code a cache holds before it starts over. Each byte of code also holds about 3 bytes of
 * analysis (the 2-byte start map, the padded copy) and about 1 more per fork whose blocks ran (8
 * bytes per block start): at most about 160 MiB in all for one fork.
 */
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
