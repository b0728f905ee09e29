// The interpreter: message calls, contract creation and the opcode loop. Synchronous throughout;
// state is reached only through the journaled WorldState. Each call frame runs in `run`, whose hot
// values (pc, sp, gas, stack) live in locals.
import { keccak256, keccak256WordOf } from "../primitives/hash.js";
import { memoKeccak64 } from "./hashMemo.js";
import { EmittedLog, type WorldState } from "../state/world.js";
import { KECCAK_EMPTY_WORD } from "../state/reader.js";
import { analyzeCode, blockNeedMax, blockNeedMin, blocksFor, delegationTarget, measureBlock, threadCodeCache, type AnalyzedCode, type CodeCache } from "./code.js";
import type { BlockEnv, TxEnv } from "./env.js";
import { COLD_ACCOUNT_ACCESS_COST, COLD_SLOAD_COST, WARM_STORAGE_READ_COST, type ForkRules } from "../fork/forks.js";
import { Memory, memoryCost, MAX_MEMORY_BYTES } from "./memory.js";
import { Op, opTableFor, type OpTable } from "./opcodes.js";
import { isPrecompile, runPrecompile } from "./precompiles/index.js";
import * as W from "../primitives/word.js";
import type { Word } from "../primitives/word.js";

export const enum CallKind {
  Call,
  CallCode,
  DelegateCall,
  StaticCall,
  Create,
  Create2,
}

/**
 * A message call or creation frame. A class, not object literals: see world.ts's JournalEntry
 * (a literal's allocation site deciding on old-generation allocation mid-block throws away the
 * optimized interpreter loop that inlined it).
 */
export class Message {
  // Declared, not class fields: a class field is defined on each instance before the constructor
  // runs (undefined first, then the value), two stores where an object literal made one.
  declare kind: CallKind;
  declare readonly caller: Word;
  /** The account whose storage and balance the code acts on. */
  declare to: Word;
  /** The account whose code runs (differs from `to` for CALLCODE/DELEGATECALL). */
  declare codeAddress: Word;
  /** Value transferred (CALL, CREATE) or shown by CALLVALUE (DELEGATECALL). */
  declare readonly value: bigint;
  /** Call data; for CREATE/CREATE2 (given to `create`), the init code. */
  declare readonly data: Uint8Array;
  /** Gas given to the frame: a word, since a transaction may carry more than 2^53 gas. */
  declare readonly gas: Word;
  declare readonly depth: number;
  declare readonly isStatic: boolean;

  constructor(kind: CallKind, caller: Word, to: Word, codeAddress: Word, value: bigint, data: Uint8Array, gas: Word, depth: number, isStatic: boolean) {
    this.kind = kind;
    this.caller = caller;
    this.to = to;
    this.codeAddress = codeAddress;
    this.value = value;
    this.data = data;
    this.gas = gas;
    this.depth = depth;
    this.isStatic = isStatic;
  }
}

export const enum Status {
  Success,
  Revert,
  /** Exceptional halt: all gas consumed, state reverted. */
  Failure,
}

export interface CallResult {
  status: Status;
  gasLeft: Word;
  output: Uint8Array;
  /** The reason of a failure, for traces and errors. */
  error?: string;
}

const EMPTY = new Uint8Array(0);

const MAX_DEPTH = 1024;
const STACK_LIMIT = 1024;
const CALL_STIPEND = 2300;
const CALL_VALUE_GAS = 9000;
const NEW_ACCOUNT_GAS = 25000;
const CODE_DEPOSIT_GAS = 200;
const MAX_NONCE = 0xffffffffffffffffn;

/**
 * An exceptional halt, thrown inside `run` and caught at its end. Not an Error: halts are common
 * (out of gas, invalid opcodes) and capturing a stack trace for each would cost more than the halt.
 */
class Halt {
  constructor(readonly message: string) {}
}
const OUT_OF_GAS = "out of gas";
// Each halt is one instance made here, thrown wherever it applies: a `throw new Halt(...)` that
// had never run when V8 optimized the interpreter loop has no feedback there, and reaching it
// threw the optimized loop away (a fresh process recompiled it, about 100 ms of work, at the
// first out-of-gas of an opcode it had not seen run out). These also keep Halt's instance shape
// alive: V8 drops a class's shape when its last instance is collected, which would throw away
// the optimized code that caught one.
const HALT_OUT_OF_GAS = new Halt(OUT_OF_GAS);
const HALT_CREATE_IN_STATIC_CALL = new Halt("CREATE in static call");
const HALT_LOG_IN_STATIC_CALL = new Halt("LOG in static call");
const HALT_SELFDESTRUCT_IN_STATIC_CALL = new Halt("SELFDESTRUCT in static call");
const HALT_SSTORE_IN_STATIC_CALL = new Halt("SSTORE in static call");
const HALT_TSTORE_IN_STATIC_CALL = new Halt("TSTORE in static call");
const HALT_BAD_JUMP_DESTINATION = new Halt("bad jump destination");
const HALT_INITCODE_TOO_LARGE = new Halt("initcode too large");
const HALT_RETURN_DATA_OUT_OF_BOUNDS = new Halt("return data out of bounds");
const HALT_STACK_OVERFLOW = new Halt("stack overflow");
const HALT_STACK_UNDERFLOW = new Halt("stack underflow");
const HALT_VALUE_TRANSFER_IN_STATIC_CALL = new Halt("value transfer in static call");
/** The halt of each undefined opcode, by opcode. */
const HALT_INVALID_OPCODE: readonly Halt[] = Array.from({ length: 256 }, (_, op) => new Halt(`invalid opcode 0x${op.toString(16)}`));

/** Frame resources reused across calls at the same depth, to avoid allocating per call. */
class FramePool {
  readonly stacks: Word[][] = [];
  readonly memories: Memory[] = [];

  stack(depth: number): Word[] {
    let s = this.stacks[depth];
    if (s === undefined) {
      s = new Array<Word>(STACK_LIMIT).fill(0);
      this.stacks[depth] = s;
    }
    return s;
  }

  memory(depth: number): Memory {
    let m = this.memories[depth];
    if (m === undefined) {
      m = new Memory();
      this.memories[depth] = m;
    }
    m.reset();
    return m;
  }
}

// One pool per thread: execution is synchronous, so two frames at the same depth never overlap,
// and a new Evm (one per transaction) need not allocate stacks and memories again.
const FRAME_POOL = new FramePool();

/** The value of a PUSH of `len` <= 6 bytes read from the padded code (missing bytes read as zeros). */
function smallPush(code: Uint8Array, start: number, len: number): number {
  let v = 0;
  for (let i = start; i < start + len; i++) v = v * 256 + code[i]!;
  return v;
}

/**
 * The frame init code runs in: the creation message with empty call data. A literal, not
 * `{ ...msg }`: a spread's object shape lives only while such objects do, and its death at a full
 * GC would throw away the optimized interpreter code that saw it.
 */
function initCodeFrame(msg: Message): Message {
  return new Message(msg.kind, msg.caller, msg.to, msg.codeAddress, msg.value, EMPTY, msg.gas, msg.depth, msg.isStatic);
}

export class Evm {
  readonly table: OpTable;
  private readonly pool = FRAME_POOL;
  tx!: TxEnv;
  /** Parallel execution: leave the coinbase fee in `deferredFee` instead of crediting it. */
  deferCoinbaseFee = false;
  deferredFee = 0n;

  constructor(
    readonly world: WorldState,
    readonly block: BlockEnv,
    readonly rules: ForkRules,
    readonly codeCache: CodeCache = threadCodeCache,
  ) {
    this.table = opTableFor(rules);
  }

  isPrecompile(address: Word): boolean {
    return isPrecompile(address, this.rules);
  }

  // ---------------- message calls ----------------

  /**
   * Runs a CALL-family message: value transfer, then the code or precompile. `delegated`: the
   * code address is an EIP-7702 delegate, whose own code runs even where it is a precompile's.
   */
  call(msg: Message, delegated = false): CallResult {
    const world = this.world;
    if (msg.depth > MAX_DEPTH) return { status: Status.Failure, gasLeft: msg.gas, output: EMPTY, error: "call depth" };
    if ((msg.kind === CallKind.Call || msg.kind === CallKind.CallCode) && msg.value > world.getBalance(msg.caller)) {
      return { status: Status.Failure, gasLeft: msg.gas, output: EMPTY, error: "insufficient balance" };
    }
    const checkpoint = world.checkpoint();
    const precompile = !delegated && this.isPrecompile(msg.codeAddress);
    if (msg.kind === CallKind.Call) {
      // EIP-161: a zero-value call to a missing non-precompile account creates nothing. (Asked
      // only for zero values: reading the account is a read the parallel executor must track.)
      if (this.rules.eip158 && msg.value === 0n && !precompile && !world.exists(msg.to)) {
        return { status: Status.Success, gasLeft: msg.gas, output: EMPTY };
      }
      world.subBalance(msg.caller, msg.value);
      world.addBalance(msg.to, msg.value);
    } else if (msg.kind === CallKind.StaticCall) {
      world.touch(msg.to); // geth adds a zero balance here; it matters for empty precompile accounts
    }

    let result: CallResult;
    if (precompile) {
      const limit = typeof msg.gas === "number" ? msg.gas : W.MAX_SAFE;
      const p = runPrecompile(msg.codeAddress as number, msg.data, limit, this.rules);
      result = p.ok
        ? { status: Status.Success, gasLeft: W.sub(msg.gas, p.gasUsed), output: p.output }
        : { status: Status.Failure, gasLeft: 0, output: EMPTY, error: "precompile failed" };
    } else {
      const account = world.account(msg.codeAddress);
      const code = world.codeOf(account);
      if (code.length === 0) {
        result = { status: Status.Success, gasLeft: msg.gas, output: EMPTY };
      } else {
        result = this.run(msg, this.codeCache.get(account.codeHash, code));
      }
    }
    if (result.status !== Status.Success) world.revert(checkpoint);
    else world.commit(checkpoint);
    return result;
  }

  /** Runs a creation at `address` (already computed; the creator's nonce already incremented). */
  create(msg: Message, address: Word): CallResult {
    const world = this.world;
    const rules = this.rules;
    if (rules.eip2929) world.warmAddress(address);
    const target = world.account(address);
    if (target.nonce !== 0n || target.codeHash !== KECCAK_EMPTY_WORD || world.hasStorage(address)) {
      return { status: Status.Failure, gasLeft: 0, output: EMPTY, error: "address collision" };
    }
    const checkpoint = world.checkpoint();
    world.createAccount(address);
    if (rules.eip158) world.setNonce(address, 1n);
    world.subBalance(msg.caller, msg.value);
    world.addBalance(address, msg.value);

    // The init code runs with empty call data.
    const result = msg.data.length === 0 ? { status: Status.Success, gasLeft: msg.gas, output: EMPTY } : this.run(initCodeFrame(msg), analyzeCode(msg.data));
    if (result.status === Status.Success) {
      const code = result.output;
      let error: string | undefined;
      if (rules.maxCodeSize > 0 && code.length > rules.maxCodeSize) error = "max code size exceeded";
      else if (rules.eip3541 && code.length > 0 && code[0] === 0xef) error = "code starts with 0xEF";
      else {
        const depositCost = code.length * CODE_DEPOSIT_GAS;
        if (depositCost <= result.gasLeft) {
          result.gasLeft = W.sub(result.gasLeft, depositCost);
          world.setCode(address, code);
        } else if (rules.homesteadCreate) {
          error = "code deposit out of gas";
        } // Frontier: the contract is created without code and the gas is kept
      }
      if (error !== undefined) {
        world.revert(checkpoint);
        return { status: Status.Failure, gasLeft: 0, output: EMPTY, error };
      }
      world.commit(checkpoint);
      return { status: Status.Success, gasLeft: result.gasLeft, output: EMPTY };
    }
    world.revert(checkpoint);
    return result;
  }

  // ---------------- the interpreter loop ----------------

  run(msg: Message, analyzed: AnalyzedCode): CallResult {
    const world = this.world;
    const rules = this.rules;
    const table = this.table;
    const code = analyzed.code;
    const codeLen = code.length;
    const ops = analyzed.padded;
    const bigPushes = analyzed.bigPushes;
    const starts = analyzed.starts;
    const blocks = blocksFor(analyzed, table);
    const stack = this.pool.stack(msg.depth);
    const mem = this.pool.memory(msg.depth);
    const self = msg.to;
    let returnData: Uint8Array = EMPTY;
    let sp = 0;
    let pc = 0;
    // Gas is a number in the loop; beyond 2^52 the rest waits in `reserve` (state tests only).
    let gas: number;
    let reserve = 0n;
    // Keeping the loop's gas <= 2^52 keeps parent + returned child gas exact (< 2^53).
    if (typeof msg.gas === "number" && msg.gas <= GAS_CHUNK) gas = msg.gas;
    else [gas, reserve] = splitGas(W.big(msg.gas));

    // Charges memory expansion to cover [offset, offset+size); returns false when out of gas.
    // Written inline as a local function would be a closure per call; see expandMemory below.
    try {
      // Static gas and stack bounds are checked per block (src/evm/code.ts): here, at jumps, and
      // after each instruction that ends a block and continues.
      gas = enterBlock(starts, blocks, code, table, 0, 0, gas);
      for (;;) {
        const op = ops[pc]!;
        switch (op) {
          case Op.STOP:
            return { status: Status.Success, gasLeft: reserve === 0n ? gas : gasWord(gas, reserve), output: EMPTY };
          case Op.ADD:
            stack[sp - 2] = W.add(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.MUL:
            stack[sp - 2] = W.mul(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.SUB:
            stack[sp - 2] = W.sub(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.DIV:
            stack[sp - 2] = W.div(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.SDIV:
            stack[sp - 2] = W.sdiv(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.MOD:
            stack[sp - 2] = W.mod(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.SMOD:
            stack[sp - 2] = W.smod(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.ADDMOD:
            stack[sp - 3] = W.addmod(stack[sp - 1]!, stack[sp - 2]!, stack[sp - 3]!);
            sp -= 2;
            break;
          case Op.MULMOD:
            stack[sp - 3] = W.mulmod(stack[sp - 1]!, stack[sp - 2]!, stack[sp - 3]!);
            sp -= 2;
            break;
          case Op.EXP: {
            const exponent = stack[sp - 2]!;
            gas -= rules.gasExpByte * W.byteLength(exponent);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            stack[sp - 2] = W.exp(stack[sp - 1]!, exponent);
            sp--;
            break;
          }
          case Op.SIGNEXTEND:
            stack[sp - 2] = W.signextend(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.LT:
            stack[sp - 2] = stack[sp - 1]! < stack[sp - 2]! ? 1 : 0;
            sp--;
            break;
          case Op.GT:
            stack[sp - 2] = stack[sp - 1]! > stack[sp - 2]! ? 1 : 0;
            sp--;
            break;
          case Op.SLT:
            stack[sp - 2] = W.slt(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.SGT:
            stack[sp - 2] = W.sgt(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.EQ:
            stack[sp - 2] = stack[sp - 1] === stack[sp - 2] ? 1 : 0;
            sp--;
            break;
          case Op.ISZERO:
            stack[sp - 1] = stack[sp - 1] === 0 ? 1 : 0;
            break;
          case Op.AND:
            stack[sp - 2] = W.and(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.OR:
            stack[sp - 2] = W.or(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.XOR:
            stack[sp - 2] = W.xor(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.NOT:
            stack[sp - 1] = W.not(stack[sp - 1]!);
            break;
          case Op.BYTE:
            stack[sp - 2] = W.byte(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.SHL:
            stack[sp - 2] = W.shl(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.SHR:
            stack[sp - 2] = W.shr(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.SAR:
            stack[sp - 2] = W.sar(stack[sp - 1]!, stack[sp - 2]!);
            sp--;
            break;
          case Op.CLZ:
            stack[sp - 1] = countLeadingZeros(stack[sp - 1]!);
            break;
          case Op.KECCAK256: {
            const offset = stack[sp - 1]!;
            const size = stack[sp - 2]!;
            gas -= expandMemory(mem, offset, size, gas) + 6 * wordCount(size);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            stack[sp - 2] = size === 64 ? memoKeccak64(mem.buf, mem.view, offset as number) : size === 0 ? KECCAK_EMPTY_WORD : keccak256WordOf(mem.buf, offset as number, size as number);
            sp--;
            break;
          }
          case Op.ADDRESS:
            stack[sp++] = self;
            break;
          case Op.BALANCE: {
            const address = W.toAddress(stack[sp - 1]!);
            gas -= this.accessAccountCost(address);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            stack[sp - 1] = W.norm(world.getBalance(address));
            break;
          }
          case Op.ORIGIN:
            stack[sp++] = this.tx.origin;
            break;
          case Op.CALLER:
            stack[sp++] = msg.caller;
            break;
          case Op.CALLVALUE:
            stack[sp++] = W.norm(msg.value);
            break;
          case Op.CALLDATALOAD: {
            const offset = stack[sp - 1]!;
            stack[sp - 1] = typeof offset === "number" && offset < msg.data.length ? W.fromBytes(msg.data, offset, 32) : 0;
            break;
          }
          case Op.CALLDATASIZE:
            stack[sp++] = msg.data.length;
            break;
          case Op.CALLDATACOPY:
          case Op.CODECOPY: {
            const memOffset = stack[sp - 1]!;
            const srcOffset = stack[sp - 2]!;
            const size = stack[sp - 3]!;
            sp -= 3;
            gas -= expandMemory(mem, memOffset, size, gas) + 3 * wordCount(size);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            copyPadded(mem.buf, memOffset, op === Op.CODECOPY ? code : msg.data, srcOffset, size);
            break;
          }
          case Op.CODESIZE:
            stack[sp++] = codeLen;
            break;
          case Op.GASPRICE:
            stack[sp++] = W.norm(this.tx.gasPrice);
            break;
          case Op.EXTCODESIZE: {
            const address = W.toAddress(stack[sp - 1]!);
            gas -= this.accessAccountCost(address);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            stack[sp - 1] = world.getCode(address).length;
            break;
          }
          case Op.EXTCODECOPY: {
            const address = W.toAddress(stack[sp - 1]!);
            const memOffset = stack[sp - 2]!;
            const srcOffset = stack[sp - 3]!;
            const size = stack[sp - 4]!;
            sp -= 4;
            gas -= expandMemory(mem, memOffset, size, gas) + 3 * wordCount(size);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            gas -= this.accessAccountCost(address);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            copyPadded(mem.buf, memOffset, world.getCode(address), srcOffset, size);
            break;
          }
          case Op.RETURNDATASIZE:
            stack[sp++] = returnData.length;
            break;
          case Op.RETURNDATACOPY: {
            const memOffset = stack[sp - 1]!;
            const srcOffset = stack[sp - 2]!;
            const size = stack[sp - 3]!;
            sp -= 3;
            gas -= expandMemory(mem, memOffset, size, gas) + 3 * wordCount(size);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            if (typeof srcOffset !== "number" || typeof size !== "number" || srcOffset + size > returnData.length) {
              throw HALT_RETURN_DATA_OUT_OF_BOUNDS;
            }
            if (size > 0) mem.buf.set(returnData.subarray(srcOffset, srcOffset + size), memOffset as number);
            break;
          }
          case Op.EXTCODEHASH: {
            const address = W.toAddress(stack[sp - 1]!);
            gas -= this.accessAccountCost(address);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            stack[sp - 1] = world.isDead(address) ? 0 : world.getCodeHash(address);
            break;
          }
          case Op.BLOCKHASH: {
            const n = stack[sp - 1]!;
            stack[sp - 1] = this.blockHash(n);
            break;
          }
          case Op.COINBASE:
            stack[sp++] = this.block.coinbase;
            break;
          case Op.TIMESTAMP:
            stack[sp++] = W.norm(this.block.timestamp);
            break;
          case Op.NUMBER:
            stack[sp++] = W.norm(this.block.number);
            break;
          case Op.PREVRANDAO:
            stack[sp++] = rules.prevRandao ? this.block.prevRandao : W.norm(this.block.difficulty);
            break;
          case Op.GASLIMIT:
            stack[sp++] = W.norm(this.block.gasLimit);
            break;
          case Op.CHAINID:
            stack[sp++] = W.norm(this.block.chainId);
            break;
          case Op.SELFBALANCE:
            stack[sp++] = W.norm(world.getBalance(self));
            break;
          case Op.BASEFEE:
            stack[sp++] = W.norm(this.block.baseFee);
            break;
          case Op.BLOBHASH: {
            const i = stack[sp - 1]!;
            const hashes = this.tx.blobHashes;
            stack[sp - 1] = typeof i === "number" && i < hashes.length ? hashes[i]! : 0;
            break;
          }
          case Op.BLOBBASEFEE:
            stack[sp++] = W.norm(this.block.blobBaseFee);
            break;
          case Op.POP:
            sp--;
            break;
          case Op.MLOAD: {
            const offset = stack[sp - 1]!;
            gas -= expandMemory(mem, offset, 32, gas);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            stack[sp - 1] = W.wordAt(mem.view, offset as number);
            break;
          }
          case Op.MSTORE: {
            const offset = stack[sp - 1]!;
            gas -= expandMemory(mem, offset, 32, gas);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            W.setWordAt(mem.view, offset as number, stack[sp - 2]!);
            sp -= 2;
            break;
          }
          case Op.MSTORE8: {
            const offset = stack[sp - 1]!;
            gas -= expandMemory(mem, offset, 1, gas);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            const v = stack[sp - 2]!;
            mem.buf[offset as number] = typeof v === "number" ? v % 256 : Number(v & 0xffn);
            sp -= 2;
            break;
          }
          case Op.SLOAD: {
            const slot = stack[sp - 1]!;
            if (rules.eip2929) {
              gas -= world.warmSlot(self, slot) ? COLD_SLOAD_COST : WARM_STORAGE_READ_COST;
              if (gas < 0) throw HALT_OUT_OF_GAS;
            }
            stack[sp - 1] = world.getStorage(self, slot);
            break;
          }
          case Op.SSTORE: {
            if (msg.isStatic) throw HALT_SSTORE_IN_STATIC_CALL;
            if (rules.sstoreMode === "eip2200" && gas <= CALL_STIPEND) throw HALT_OUT_OF_GAS;
            gas -= this.sstore(self, stack[sp - 1]!, stack[sp - 2]!);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            sp -= 2;
            gas = enterBlock(starts, blocks, code, table, ++pc, sp, gas);
            continue;
          }
          case Op.JUMP: {
            const dest = stack[sp - 1]!;
            if (typeof dest !== "number" || dest >= codeLen || (starts[dest]! & 1) === 0) throw HALT_BAD_JUMP_DESTINATION;
            pc = dest;
            sp--;
            gas = enterBlock(starts, blocks, code, table, pc, sp, gas);
            continue;
          }
          case Op.JUMPI: {
            const dest = stack[sp - 1]!;
            const cond = stack[sp - 2]!;
            sp -= 2;
            if (cond !== 0) {
              if (typeof dest !== "number" || dest >= codeLen || (starts[dest]! & 1) === 0) throw HALT_BAD_JUMP_DESTINATION;
              pc = dest;
            } else pc++;
            gas = enterBlock(starts, blocks, code, table, pc, sp, gas);
            continue;
          }
          case Op.PC:
            stack[sp++] = pc;
            break;
          case Op.MSIZE:
            stack[sp++] = mem.words * 32;
            break;
          case Op.GAS:
            stack[sp++] = reserve === 0n ? gas : gasWord(gas, reserve);
            gas = enterBlock(starts, blocks, code, table, ++pc, sp, gas);
            continue;
          case Op.JUMPDEST:
            break;
          case Op.TLOAD:
            stack[sp - 1] = world.getTransient(self, stack[sp - 1]!);
            break;
          case Op.TSTORE:
            if (msg.isStatic) throw HALT_TSTORE_IN_STATIC_CALL;
            world.setTransient(self, stack[sp - 1]!, stack[sp - 2]!);
            sp -= 2;
            break;
          case Op.MCOPY: {
            const dst = stack[sp - 1]!;
            const src = stack[sp - 2]!;
            const size = stack[sp - 3]!;
            sp -= 3;
            const far = typeof src === "number" && typeof dst === "number" ? Math.max(src, dst) : W.MAX_SAFE;
            gas -= expandMemory(mem, far, size, gas) + 3 * wordCount(size);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            if (size !== 0) mem.buf.copyWithin(dst as number, src as number, (src as number) + (size as number));
            break;
          }
          case Op.PUSH0:
            stack[sp++] = 0;
            break;
          case Op.RETURN:
          case Op.REVERT: {
            const offset = stack[sp - 1]!;
            const size = stack[sp - 2]!;
            gas -= expandMemory(mem, offset, size, gas);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            const output = size === 0 ? EMPTY : mem.buf.slice(offset as number, (offset as number) + (size as number));
            return { status: op === Op.RETURN ? Status.Success : Status.Revert, gasLeft: reserve === 0n ? gas : gasWord(gas, reserve), output };
          }
          case Op.CREATE:
          case Op.CREATE2: {
            if (msg.isStatic) throw HALT_CREATE_IN_STATIC_CALL;
            const value = W.big(stack[sp - 1]!);
            const offset = stack[sp - 2]!;
            const size = stack[sp - 3]!;
            const salt = op === Op.CREATE2 ? stack[sp - 4]! : 0;
            sp -= op === Op.CREATE2 ? 4 : 3;
            if (rules.eip3860 && (typeof size !== "number" || size > rules.maxInitCodeSize)) throw HALT_INITCODE_TOO_LARGE;
            const words = wordCount(size);
            gas -= expandMemory(mem, offset, size, gas) + (rules.eip3860 ? 2 * words : 0) + (op === Op.CREATE2 ? 6 * words : 0);
            if (gas < 0) throw HALT_OUT_OF_GAS;
            const initCode = size === 0 ? EMPTY : mem.buf.slice(offset as number, (offset as number) + (size as number));
            returnData = EMPTY;
            const nonce = world.getNonce(self);
            if (msg.depth + 1 > MAX_DEPTH || value > world.getBalance(self) || nonce >= MAX_NONCE) {
              stack[sp++] = 0;
              gas = enterBlock(starts, blocks, code, table, ++pc, sp, gas);
              continue;
            }
            let childGas: Word;
            if (reserve === 0n) {
              childGas = rules.eip150 ? gas - Math.floor(gas / 64) : gas;
              gas -= childGas;
            } else {
              const total = BigInt(gas) + reserve;
              const child = rules.eip150 ? total - total / 64n : total;
              [gas, reserve] = splitGas(total - child);
              childGas = W.norm(child);
            }
            const address = op === Op.CREATE ? createAddress(self, nonce) : create2Address(self, salt, initCode);
            world.setNonce(self, nonce + 1n);
            const child = new Message(op === Op.CREATE ? CallKind.Create : CallKind.Create2, self, address, address, value, initCode, childGas, msg.depth + 1, false);
            const result = this.create(child, address);
            const left = result.gasLeft;
            if (reserve === 0n && typeof left === "number" && gas + left <= GAS_CHUNK) gas += left;
            else [gas, reserve] = splitGas(BigInt(gas) + reserve + W.big(left));
            if (result.status === Status.Revert) returnData = result.output;
            stack[sp++] = result.status === Status.Success ? address : 0;
            gas = enterBlock(starts, blocks, code, table, ++pc, sp, gas);
            continue;
          }
          case Op.CALL:
          case Op.CALLCODE:
          case Op.DELEGATECALL:
          case Op.STATICCALL: {
            const hasValue = op === Op.CALL || op === Op.CALLCODE;
            const requested = stack[sp - 1]!;
            const target = W.toAddress(stack[sp - 2]!);
            const value = hasValue ? W.big(stack[sp - 3]!) : 0n;
            const a = hasValue ? sp - 4 : sp - 3;
            const inOffset = stack[a]!;
            const inSize = stack[a - 1]!;
            const outOffset = stack[a - 2]!;
            const outSize = stack[a - 3]!;
            sp = a - 3;
            if (op === Op.CALL && msg.isStatic && value !== 0n) throw HALT_VALUE_TRANSFER_IN_STATIC_CALL;

            let extra = this.accessAccountCost(target);
            // EIP-7702: a delegated target runs its delegate's code; reaching the delegate is an access too.
            let codeAddress = target;
            let delegated = false;
            if (rules.eip7702) {
              const delegate = delegationTarget(world.getCode(target));
              if (delegate !== null) {
                extra += this.accessAccountCost(delegate);
                codeAddress = delegate;
                delegated = true;
              }
            }
            extra += expandMemory2(mem, inOffset, inSize, outOffset, outSize, gas);
            if (value !== 0n) extra += CALL_VALUE_GAS;
            if (op === Op.CALL) {
              const newAccount = rules.eip158 ? value !== 0n && world.isDead(target) : !world.exists(target);
              if (newAccount) extra += NEW_ACCOUNT_GAS;
            }
            gas -= extra;
            if (gas < 0) throw HALT_OUT_OF_GAS;
            let childGas: Word;
            if (reserve === 0n) {
              if (rules.eip150) {
                const available = gas - Math.floor(gas / 64);
                childGas = typeof requested === "number" && requested < available ? requested : available;
              } else {
                if (typeof requested !== "number" || requested > gas) throw HALT_OUT_OF_GAS;
                childGas = requested;
              }
              gas -= childGas;
            } else {
              const total = BigInt(gas) + reserve;
              let child = W.big(requested);
              if (rules.eip150) {
                const available = total - total / 64n;
                if (child > available) child = available;
              } else if (child > total) throw HALT_OUT_OF_GAS;
              [gas, reserve] = splitGas(total - child);
              childGas = W.norm(child);
            }
            if (value !== 0n) childGas = W.add(childGas, CALL_STIPEND);

            // A view, not a copy: this frame's memory does not change until the call returns, and
            // nothing keeps the input past it (precompiles copy what they return of it).
            const input = inSize === 0 ? EMPTY : mem.buf.subarray(inOffset as number, (inOffset as number) + (inSize as number));
            const child = new Message(
              op === Op.CALL ? CallKind.Call : op === Op.CALLCODE ? CallKind.CallCode : op === Op.DELEGATECALL ? CallKind.DelegateCall : CallKind.StaticCall,
              op === Op.DELEGATECALL ? msg.caller : self,
              op === Op.CALL || op === Op.STATICCALL ? target : self,
              codeAddress,
              op === Op.DELEGATECALL ? msg.value : value,
              input,
              childGas,
              msg.depth + 1,
              msg.isStatic || op === Op.STATICCALL,
            );
            const result = this.call(child, delegated);
            const left = result.gasLeft;
            if (reserve === 0n && typeof left === "number" && gas + left <= GAS_CHUNK) gas += left;
            else [gas, reserve] = splitGas(BigInt(gas) + reserve + W.big(left));
            returnData = result.status === Status.Failure ? EMPTY : result.output;
            if (outSize !== 0 && returnData.length > 0) {
              const n = Math.min(outSize as number, returnData.length);
              mem.buf.set(n === returnData.length ? returnData : returnData.subarray(0, n), outOffset as number);
            }
            stack[sp++] = result.status === Status.Success ? 1 : 0;
            gas = enterBlock(starts, blocks, code, table, ++pc, sp, gas);
            continue;
          }
          case Op.SELFDESTRUCT: {
            if (msg.isStatic) throw HALT_SELFDESTRUCT_IN_STATIC_CALL;
            const beneficiary = W.toAddress(stack[sp - 1]!);
            sp--;
            let extra = 0;
            if (rules.eip2929 && world.warmAddress(beneficiary)) extra += COLD_ACCOUNT_ACCESS_COST;
            const balance = world.getBalance(self);
            if (rules.eip150) {
              const newAccount = rules.eip158 ? balance > 0n && world.isDead(beneficiary) : !world.exists(beneficiary);
              if (newAccount) extra += NEW_ACCOUNT_GAS;
            }
            gas -= extra;
            if (gas < 0) throw HALT_OUT_OF_GAS;
            this.selfDestruct(self, beneficiary, balance);
            return { status: Status.Success, gasLeft: reserve === 0n ? gas : gasWord(gas, reserve), output: EMPTY };
          }
          case Op.PUSH1:
            stack[sp++] = ops[pc + 1]!;
            pc += 2;
            continue;
          case Op.PUSH2:
            stack[sp++] = (ops[pc + 1]! << 8) | ops[pc + 2]!;
            pc += 3;
            continue;
          default:
            if (op >= Op.PUSH3 && op <= Op.PUSH32) {
              const len = op - Op.PUSH1 + 1;
              if (len <= 6) {
                stack[sp++] = smallPush(ops, pc + 1, len);
              } else {
                // Wide immediates (addresses, hashes, masks) are mostly bigints: decode each once.
                let value = bigPushes.get(pc);
                if (value === undefined) {
                  value = W.fromBytes(code, pc + 1, len);
                  bigPushes.set(pc, value);
                }
                stack[sp++] = value;
              }
              pc += len + 1;
              continue;
            }
            if (op >= Op.DUP1 && op <= Op.DUP16) {
              stack[sp] = stack[sp - (op - Op.DUP1 + 1)]!;
              sp++;
              break;
            }
            if (op >= Op.SWAP1 && op <= Op.SWAP16) {
              const other = sp - (op - Op.SWAP1 + 2);
              const top = stack[sp - 1]!;
              stack[sp - 1] = stack[other]!;
              stack[other] = top;
              break;
            }
            if (op >= Op.LOG0 && op <= Op.LOG4) {
              if (msg.isStatic) throw HALT_LOG_IN_STATIC_CALL;
              const offset = stack[sp - 1]!;
              const size = stack[sp - 2]!;
              const topicCount = op - Op.LOG0;
              gas -= expandMemory(mem, offset, size, gas);
              if (gas < 0 || typeof size !== "number") throw HALT_OUT_OF_GAS;
              gas -= 8 * size;
              if (gas < 0) throw HALT_OUT_OF_GAS;
              // Topic 0 is the third stack item from the top: the slice reversed (no array literal: see EmittedLog).
              const topics = stack.slice(sp - 2 - topicCount, sp - 2).reverse();
              sp -= 2 + topicCount;
              const data = size === 0 ? EMPTY : mem.buf.slice(offset as number, (offset as number) + size);
              world.addLog(new EmittedLog(self, topics, data));
              break;
            }
            throw HALT_INVALID_OPCODE[op]!;
        }
        pc++;
      }
    } catch (e) {
      if (e instanceof Halt) return { status: Status.Failure, gasLeft: 0, output: EMPTY, error: e.message };
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        return { status: Status.Failure, gasLeft: 0, output: EMPTY, error: "host stack exhausted" };
      }
      throw e;
    }
  }

  // ---------------- helpers with state ----------------

  /** EIP-2929 access cost of an account (warm 100, cold 2600); 0 before Berlin (static gas covers it). */
  private accessAccountCost(address: Word): number {
    if (!this.rules.eip2929) return 0;
    return this.world.warmAddress(address) ? COLD_ACCOUNT_ACCESS_COST : WARM_STORAGE_READ_COST;
  }

  private blockHash(n: Word): Word {
    if (typeof n !== "number") return 0;
    const current = this.block.number;
    const num = BigInt(n);
    if (num >= current || num + 256n < current) return 0;
    return this.block.blockHash(num) ?? 0;
  }

  /** Gas of an SSTORE (after the EIP-2200 stipend check), with its refund effects. */
  private sstore(self: Word, slot: Word, value: Word): number {
    const world = this.world;
    const rules = this.rules;
    let cost = 0;
    if (rules.eip2929 && world.warmSlot(self, slot)) cost += COLD_SLOAD_COST;
    // Written before the charge: an out-of-gas halt that follows reverts the write with the frame.
    const current = world.storeSlot(self, slot, value);
    if (rules.sstoreMode === "frontier") {
      if (current === 0 && value !== 0) cost += rules.sstoreSetGas;
      else {
        cost += rules.sstoreResetGas;
        if (current !== 0 && value === 0) world.addRefund(rules.refundSstoreClears);
      }
    } else {
      const original = world.storedOriginal;
      if (current === value) {
        cost += rules.sstoreDirtyGas;
      } else if (original === current) {
        if (original === 0) cost += rules.sstoreSetGas;
        else {
          cost += rules.sstoreResetGas;
          if (value === 0) world.addRefund(rules.refundSstoreClears);
        }
      } else {
        cost += rules.sstoreDirtyGas;
        if (original !== 0) {
          if (current === 0) world.addRefund(-rules.refundSstoreClears);
          else if (value === 0) world.addRefund(rules.refundSstoreClears);
        }
        if (original === value) {
          world.addRefund((original === 0 ? rules.sstoreSetGas : rules.sstoreResetGas) - rules.sstoreDirtyGas);
        }
      }
    }
    return cost;
  }

  private selfDestruct(self: Word, beneficiary: Word, balance: bigint): void {
    const world = this.world;
    const rules = this.rules;
    if (!rules.eip3529 && !world.isDestructed(self)) world.addRefund(rules.refundSelfDestruct);
    if (rules.eip6780) {
      world.subBalance(self, balance);
      world.addBalance(beneficiary, balance);
      if (world.wasCreatedInTx(self)) {
        world.setBalance(self, 0n);
        world.markDestructed(self);
      }
      return;
    }
    world.addBalance(beneficiary, balance);
    world.setBalance(self, 0n);
    world.markDestructed(self);
  }
}

// ---------------- pure helpers ----------------

const GAS_CHUNK = 2 ** 52;
const GAS_CHUNK_BIG = BigInt(GAS_CHUNK);

/** The exact gas of a frame whose gas exceeds 2^52: the loop's number plus the reserve. */
function gasWord(gas: number, reserve: bigint): Word {
  return W.norm(BigInt(gas) + reserve);
}

/** Splits an exact gas amount into the loop's number and the reserve. */
function splitGas(total: bigint): [number, bigint] {
  return total <= GAS_CHUNK_BIG ? [Number(total), 0n] : [GAS_CHUNK, total - GAS_CHUNK_BIG];
}

const TWO_POW_32 = 2 ** 32;
/** 2^i for i in 0..256, to find a bigint's bit length by comparisons alone (no allocation). */
const POWERS_OF_TWO: readonly bigint[] = Array.from({ length: 257 }, (_, i) => 1n << BigInt(i));

/** EIP-7939 CLZ: the number of leading zero bits of a 256-bit word (256 for zero). */
export function countLeadingZeros(x: Word): number {
  if (typeof x === "number") {
    if (x < TWO_POW_32) return 224 + Math.clz32(x); // clz32(0) = 32: 256 for zero
    return 192 + Math.clz32(Math.floor(x / TWO_POW_32));
  }
  // A bigint word is >= 2^53: its bit length b (2^(b-1) <= x < 2^b) lies in 54..256.
  let lo = 54;
  let hi = 256;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < POWERS_OF_TWO[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return 256 - lo;
}

/** Number of 32-byte words covering `size` bytes (huge sizes give a huge count). */
function wordCount(size: Word): number {
  return typeof size === "number" ? Math.ceil(size / 32) : W.MAX_SAFE;
}

/**
 * Grows memory to cover [offset, offset+size) and returns the gas it costs; a cost above
 * `gasLeft` is returned without growing (the caller then halts out of gas).
 */
function expandMemory(mem: Memory, offset: Word, size: Word, gasLeft: number): number {
  if (size === 0) return 0;
  if (typeof offset !== "number" || typeof size !== "number" || offset + size > MAX_MEMORY_BYTES) return W.MAX_SAFE;
  const words = Math.ceil((offset + size) / 32);
  if (words <= mem.words) return 0;
  const cost = memoryCost(words) - memoryCost(mem.words);
  if (cost <= gasLeft) mem.grow(words);
  return cost;
}

/** Where a block beyond the indexed ones is measured, at each entry. */
const UNINDEXED_BLOCK = new Int32Array(2);

/**
 * The gas left after charging the static gas of the block entered at `at` with `sp` items on the
 * stack (the block measured on first entry); throws the halt the block reaches instead: an
 * undefined opcode, a stack underflow or overflow, or running out of gas.
 */
function enterBlock(starts: Uint16Array, blocks: Int32Array, code: Uint8Array, table: OpTable, at: number, sp: number, gas: number): number {
  const index = starts[at]! >> 1;
  let record = blocks;
  let slot = 2 * index;
  let entry = index === 0 ? 0 : blocks[slot]!;
  if (entry === 0) {
    if (index === 0) {
      record = UNINDEXED_BLOCK;
      slot = 0;
    }
    entry = measureBlock(record, slot, code, table, at);
  }
  if (entry < 0) throw HALT_INVALID_OPCODE[code[-entry - 1]!]!;
  const bounds = record[slot + 1]!;
  if (sp < blockNeedMin(bounds)) throw HALT_STACK_UNDERFLOW;
  if (sp > blockNeedMax(bounds)) throw HALT_STACK_OVERFLOW;
  const left = gas - (entry - 1);
  if (left < 0) throw HALT_OUT_OF_GAS;
  return left;
}

/** Memory expansion for two ranges (CALL's input and output). */
function expandMemory2(mem: Memory, off1: Word, size1: Word, off2: Word, size2: Word, gasLeft: number): number {
  const end1 = size1 === 0 ? 0 : typeof off1 === "number" && typeof size1 === "number" ? off1 + size1 : Infinity;
  const end2 = size2 === 0 ? 0 : typeof off2 === "number" && typeof size2 === "number" ? off2 + size2 : Infinity;
  const end = Math.max(end1, end2);
  if (end === 0) return 0;
  if (end > MAX_MEMORY_BYTES) return W.MAX_SAFE;
  return expandMemory(mem, 0, end, gasLeft);
}

/** Copies `size` bytes of `src` from `srcOffset` into memory, zero-filling past the end of `src`. */
function copyPadded(buf: Uint8Array, memOffset: Word, src: Uint8Array, srcOffset: Word, size: Word): void {
  if (size === 0) return;
  const dst = memOffset as number;
  const n = size as number;
  const start = typeof srcOffset === "number" ? Math.min(srcOffset, src.length) : src.length;
  const available = Math.min(n, src.length - start);
  if (available > 0) buf.set(src.subarray(start, start + available), dst);
  if (available < n) buf.fill(0, dst + Math.max(available, 0), dst + n);
}

function addressBytes(address: Word): Uint8Array {
  return W.addressToBytes(address);
}

/** CREATE address: keccak256(rlp([sender, nonce]))[12:]. */
export function createAddress(sender: Word, nonce: bigint): Word {
  let nonceBytes: Uint8Array;
  if (nonce === 0n) nonceBytes = new Uint8Array([0x80]);
  else if (nonce < 0x80n) nonceBytes = new Uint8Array([Number(nonce)]);
  else {
    const hex = nonce.toString(16);
    const raw = Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
    nonceBytes = new Uint8Array(raw.length + 1);
    nonceBytes[0] = 0x80 + raw.length;
    nonceBytes.set(raw, 1);
  }
  const payload = new Uint8Array(1 + 1 + 20 + nonceBytes.length);
  payload[0] = 0xc0 + 21 + nonceBytes.length;
  payload[1] = 0x94;
  payload.set(addressBytes(sender), 2);
  payload.set(nonceBytes, 22);
  return W.fromBytes(keccak256(payload), 12, 20);
}

/** CREATE2 address: keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12:]. */
export function create2Address(sender: Word, salt: Word, initCode: Uint8Array): Word {
  const payload = new Uint8Array(1 + 20 + 32 + 32);
  payload[0] = 0xff;
  payload.set(addressBytes(sender), 1);
  W.toBytes32(salt, payload, 21);
  payload.set(keccak256(initCode), 53);
  return W.fromBytes(keccak256(payload), 12, 20);
}
