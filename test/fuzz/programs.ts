// Random EVM programs: sequences of snippets that each give an opcode the arguments it expects
// (memory offsets, slots, addresses, call gas...), with results sunk into storage and logs so that
// a difference in any computed value shows in the post-state. Nested calls of every kind, creations
// whose init code returns random runtime code, precompile calls with crafted inputs, forward
// branches, short loops, and now and then an ill-formed opcode (undefined, stack underflow,
// a bad jump, a stack overflow).
import { Asm } from "./assembler.js";
import { opByName, opsOf, type FuzzFork, type OpSpec } from "./opcodes.js";
import { precompileInput, precompileOutputSize, precompilesOf } from "./precompileInputs.js";
import type { Rng } from "./rng.js";

export interface AddressBook {
  /** Accounts with code in the pre-state. */
  contracts: bigint[];
  /** Externally owned accounts (some delegated under EIP-7702). */
  eoas: bigint[];
  /** Addresses with no account. */
  empty: bigint[];
}

export interface ProgramEnv {
  rng: Rng;
  fork: FuzzFork;
  book: AddressBook;
  blockNumber: bigint;
  blobCount: number;
  /** Storage slots the programs use (and the pre-state fills some of). */
  slots: bigint[];
  /** Opcodes emitted, counted by byte. */
  counts?: Uint32Array;
}

/** Size classes: how many snippets, and how deep creations may nest. */
export interface ProgramShape {
  snippets: number;
  /** Creation nesting: init code made at depth 2 creates nothing. */
  createDepth: number;
  /**
   * A slot set to 1 first thing: a revert or halt of the frame then shows in the post-state too,
   * not only in the status both sides report.
   */
  markerSlot?: bigint;
}

const MAX_CREATE_DEPTH = 2;
/** Where a program keeps its accumulator of computed values (see Gen.accumulate). */
const ACC_OFFSET = 0x400n;
const BOUNDARY: readonly bigint[] = [
  0n,
  1n,
  2n,
  31n,
  32n,
  255n,
  256n,
  (1n << 64n) - 1n,
  1n << 128n,
  (1n << 160n) - 1n,
  (1n << 255n) - 1n,
  1n << 255n,
  (1n << 256n) - 1n,
  (1n << 256n) - 2n,
];

/** Values where arithmetic goes wrong: signs, word and limb boundaries, powers of two either side. */
function interesting(r: Rng): bigint {
  const max = (1n << 256n) - 1n;
  return r.weighted<() => bigint>([
    [4, () => r.pick(BOUNDARY)],
    [2, () => max - BigInt(r.int(5))], // -1 .. -5
    [2, () => (1n << BigInt(r.int(256))) + BigInt(r.range(-1, 1))],
    [1, () => (1n << 255n) + BigInt(r.int(3))],
    [1, () => BigInt(r.pick([0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff]))],
    [1, () => (max - r.bits(r.range(1, 255))) & max], // a large (negative) number
    [1, () => 2n ** 53n + BigInt(r.range(-2, 2))], // the edge of our word's number form
  ])();
}

const ENV_VALUE_OPS = ["CALLVALUE", "CALLDATASIZE", "GAS", "NUMBER", "TIMESTAMP", "MSIZE", "RETURNDATASIZE", "SELFBALANCE", "CODESIZE", "PC"];
const ENV_ADDRESS_OPS = ["ADDRESS", "CALLER", "ORIGIN", "COINBASE"];

class Gen {
  readonly asm: Asm;
  private loopDepth = 0;
  private readonly simpleOps: readonly OpSpec[];
  private readonly arithmeticOps: readonly OpSpec[];
  private readonly precompiles: number[];

  constructor(
    readonly env: ProgramEnv,
    readonly createDepth: number,
  ) {
    this.asm = new Asm(true, env.counts);
    this.simpleOps = opsOf(env.fork).filter((o) => o.cls === "simple" && o.name !== "POP");
    this.arithmeticOps = this.simpleOps.filter((o) => o.byte < 0x20);
    this.precompiles = precompilesOf(env.fork);
  }

  get rng(): Rng {
    return this.env.rng;
  }

  // --- arguments ---

  private emitOp(name: string): void {
    const spec = opByName(name);
    this.asm.op(spec.byte, spec.args.length, spec.out);
  }

  /** Pushes a value, sometimes in a wider PUSH than it needs. */
  pushValue(value: bigint): void {
    const width = this.rng.chance(0.25) ? this.rng.range(0, 32) : undefined;
    this.asm.push(value, width);
  }

  private dupAny(): boolean {
    const reach = Math.min(16, this.asm.depth);
    if (reach === 0) return false;
    this.asm.dup(this.rng.range(1, reach));
    return true;
  }

  address(): bigint {
    const { book } = this.env;
    return this.rng.weighted<() => bigint>([
      [35, () => this.rng.pick(book.contracts)],
      [15, () => this.rng.pick(book.eoas)],
      [10, () => BigInt(this.rng.pick(this.precompiles))],
      [10, () => this.rng.pick(book.empty)],
      [2, () => this.rng.bits(160)],
      [2, () => (this.rng.bits(96) << 160n) | this.rng.pick(book.contracts)], // high bits are ignored
    ])();
  }

  /** Pushes one argument of the given kind (see opcodes.ts). */
  arg(kind: string): void {
    const r = this.rng;
    if (kind === "a") {
      const created = this.asm.findTag("created");
      const choice = r.weighted<number>([[70, 0], [created === undefined ? 0 : 20, 1], [10, 2]]);
      if (choice === 1) return this.asm.dup(created!);
      if (choice === 2) return this.emitOp(r.pick(ENV_ADDRESS_OPS));
      return this.pushValue(this.address());
    }
    if (kind === "v") {
      const choice = r.weighted<number>([[30, 0], [15, 1], [10, 2], [8, 3], [8, 4], [this.asm.depth > 0 ? 15 : 0, 5], [5, 6]]);
      if (choice === 5 && this.dupAny()) return;
      if (choice === 6) return this.emitOp(r.pick(ENV_VALUE_OPS));
      const value = [() => BigInt(r.int(41)), () => interesting(r), () => r.word(), () => r.bits(8 * r.range(1, 8)), () => this.address()][Math.min(choice, 4)]!();
      return this.pushValue(value);
    }
    // All the gas now and then; not often, since a callee that halts burns what it was given.
    if (kind === "g" && r.chance(0.12)) return this.emitOp("GAS");
    this.pushValue(this.scalarArg(kind));
  }

  private scalarArg(kind: string): bigint {
    const r = this.rng;
    const huge = (): bigint => r.pick([1n << 32n, 1n << 64n, (1n << 256n) - 1n, (1n << 255n) + 5n]);
    switch (kind) {
      case "o":
        return r.weighted<() => bigint>([
          [60, () => BigInt(32 * r.int(9))],
          [25, () => BigInt(r.int(300))],
          [8, () => BigInt(r.range(300, 3000))],
          [1, () => BigInt(r.range(3000, 70000))],
          [0.3, huge],
        ])();
      case "l":
        return r.weighted<() => bigint>([
          [30, () => BigInt(r.pick([32, 64]))],
          [40, () => BigInt(r.int(100))],
          [10, () => 0n],
          [8, () => BigInt(r.range(100, 1000))],
          [1, () => BigInt(r.range(1000, 30000))],
          [0.3, huge],
        ])();
      case "s":
        return r.weighted<() => bigint>([[75, () => r.pick(this.env.slots)], [15, () => BigInt(r.int(20))], [10, () => r.word()]])();
      case "n":
        return r.weighted<() => bigint>([
          [40, () => BigInt(r.int(41))],
          [25, () => BigInt(r.int(300))],
          [15, () => BigInt(r.range(250, 260))],
          [20, () => interesting(r)],
        ])();
      case "e":
        return r.weighted<() => bigint>([[50, () => BigInt(r.int(11))], [30, () => BigInt(r.int(300))], [20, () => r.pick([...BOUNDARY, r.word()])]])();
      case "b": {
        const n = this.env.blockNumber;
        return r.weighted<() => bigint>([
          [50, () => n - BigInt(r.range(1, 260))],
          [10, () => n],
          [5, () => n + 1n],
          [5, () => n - 256n],
          [5, () => n - 257n],
          [5, () => r.pick(BOUNDARY)],
        ])();
      }
      case "i":
        return r.weighted<() => bigint>([[80, () => BigInt(r.int(this.env.blobCount + 2))], [20, () => r.pick(BOUNDARY)]])();
      case "d":
        return r.weighted<() => bigint>([[70, () => BigInt(r.int(70))], [30, () => r.pick(BOUNDARY)]])();
      case "r":
        return r.weighted<() => bigint>([[80, () => 0n], [15, () => BigInt(r.int(40))], [5, () => r.pick(BOUNDARY)]])();
      case "c":
        return r.weighted<() => bigint>([[60, () => 0n], [25, () => BigInt(r.range(1, 1000))], [10, () => 10n ** 18n * BigInt(r.range(1, 5))], [5, () => r.pick(BOUNDARY)]])();
      case "g":
        return r.weighted<() => bigint>([
          [12, () => BigInt(r.int(30000))],
          [30, () => BigInt(r.range(30000, 250000))],
          [10, () => BigInt(r.range(250000, 1000000))],
          [5, () => BigInt(r.int(3000))],
          [8, () => r.pick([(1n << 256n) - 1n, 1n << 64n, (1n << 63n) - 1n])],
        ])();
      case "z":
        return r.weighted<() => bigint>([[60, () => BigInt(r.int(4))], [40, () => r.word()]])();
      default:
        throw new Error(`unknown argument kind ${kind}`);
    }
  }

  /** Pushes the arguments of an opcode (kinds in pop order, so pushed last to first). */
  args(kinds: string): void {
    for (let i = kinds.length - 1; i >= 0; i--) this.arg(kinds[i]!);
  }

  // --- snippets ---

  simple(): void {
    const spec = this.rng.pick(this.simpleOps);
    this.args(spec.args);
    this.asm.op(spec.byte, spec.args.length, spec.out);
    if (spec.out === 1 && this.rng.chance(0.6)) this.accumulate();
  }

  /** A run of arithmetic, comparison and bitwise opcodes on interesting values and each other's results. */
  arithmetic(): void {
    const r = this.rng;
    const n = r.range(3, 12);
    for (let i = 0; i < n; i++) {
      const spec = r.pick(this.arithmeticOps);
      for (let k = spec.args.length - 1; k >= 0; k--) {
        const kind = spec.args[k]!;
        if (kind === "v" && this.asm.free > 0 && r.chance(0.4)) this.asm.dup(r.range(1, Math.min(4, this.asm.depth)));
        else if (kind === "v" && r.chance(0.6)) this.pushValue(interesting(r));
        else this.arg(kind);
      }
      this.asm.op(spec.byte, spec.args.length, spec.out);
      this.accumulate();
    }
  }

  /**
   * Folds the top item into the accumulator word in memory (XOR), leaving the stack as it was: every
   * computed value then reaches the post-state (through the stores and returns of the accumulator)
   * without a storage write per value, and without writing storage, so static frames do it too.
   */
  accumulate(): void {
    this.asm.dup(1);
    this.asm.push(ACC_OFFSET);
    this.asm.op(0x51, 1, 1); // MLOAD
    this.asm.op(0x18, 2, 1); // XOR
    this.asm.push(ACC_OFFSET);
    this.asm.op(0x52, 2); // MSTORE
  }

  /** Stores the accumulator (when the program ends in a way that keeps its state). */
  storeAccumulator(): void {
    this.asm.push(ACC_OFFSET);
    this.asm.op(0x51, 1, 1); // MLOAD
    this.pushValue(this.rng.pick(this.env.slots));
    this.asm.op(0x55, 2); // SSTORE
  }

  /**
   * Transient storage around a call: a TSTORE, a call (whose frame may write the same slots and
   * then revert), and a TLOAD of the slot folded into the accumulator, so that a journal mistake
   * shows.
   */
  transient(): void {
    const r = this.rng;
    const slot = BigInt(r.int(2));
    if (r.chance(0.6)) {
      this.arg("v");
      this.pushValue(slot);
      this.emitOp("TSTORE");
    }
    // Often a call back into this contract (or code run in its context), which writes the same
    // slots with its own transient snippets and may fail.
    const target = r.weighted<"self" | "delegate" | "any">([[4, "self"], [3, "delegate"], [3, "any"]]);
    this.call(target === "any" ? undefined : target);
    this.pushValue(slot);
    this.emitOp(r.chance(0.8) ? "TLOAD" : "SLOAD");
    this.accumulate();
  }

  /** Records a stack value (or a hash of memory) where the post-state shows it. */
  sink(): void {
    const r = this.rng;
    const kind = r.weighted<number>([[5, 0], [2, 1], [2, 2], [4, 3]]);
    if (kind === 3) return this.storeAccumulator();
    if (kind === 2) {
      this.emitOp("MSIZE");
      this.pushValue(0n);
      this.emitOp("KECCAK256");
    } else if (!this.dupAny()) this.arg("v");
    if (kind === 1) {
      // LOG1 of a word stored in memory, the value as its topic.
      this.asm.dup(1);
      this.pushValue(BigInt(32 * r.int(4)));
      this.emitOp("MSTORE");
      this.pushValue(32n);
      this.pushValue(0n);
      this.emitOp("LOG1");
      return;
    }
    this.pushValue(r.pick(this.env.slots));
    this.emitOp(r.chance(0.85) ? "SSTORE" : "TSTORE");
  }

  stackOps(): void {
    const r = this.rng;
    const kind = r.weighted<number>([[3, 0], [4, 1], [4, 2], [2, 3]]);
    if (kind === 0 && this.asm.free > 0) return this.asm.op(0x50, 1);
    if (kind === 1 && this.asm.depth > 0) return this.asm.dup(r.range(1, Math.min(16, this.asm.depth)));
    if (kind === 2 && this.asm.free > 1) return this.asm.swap(r.range(1, Math.min(16, this.asm.free - 1)));
    // A burst of pushes, so that the deep DUPs and SWAPs have something to reach.
    const n = r.range(1, 18);
    for (let i = 0; i < n; i++) this.arg("v");
    if (r.chance(0.6)) this.asm.dup(r.range(Math.max(1, Math.min(16, this.asm.depth) - 4), Math.min(16, this.asm.depth)));
    if (this.asm.free > 1 && r.chance(0.6)) this.asm.swap(r.range(Math.max(1, Math.min(16, this.asm.free - 1) - 6), Math.min(16, this.asm.free - 1)));
  }

  /**
   * A call of any kind. `target` "created" calls the address the last creation left on the stack,
   * "self" CALLs this contract, "delegate" DELEGATECALLs one of the contracts.
   */
  call(target?: "created" | "self" | "delegate"): void {
    const r = this.rng;
    const name =
      target === "self" ? "CALL" : target === "delegate" ? "DELEGATECALL" : r.weighted<string>([[45, "CALL"], [20, "STATICCALL"], [20, "DELEGATECALL"], [15, "CALLCODE"]]);
    if (r.chance(0.4)) {
      this.arg("v");
      this.pushValue(BigInt(32 * r.int(4)));
      this.emitOp("MSTORE");
    }
    const spec = opByName(name);
    // Pushed last to first: the gas goes on top, the address just under it.
    for (let i = spec.args.length - 1; i >= 0; i--) {
      const created = this.asm.findTag("created");
      if (i === 1 && target === "created" && created !== undefined) this.asm.dup(created);
      else if (i === 1 && target === "self") this.emitOp("ADDRESS");
      else if (i === 1 && target === "delegate") this.pushValue(r.pick(this.env.book.contracts));
      else this.arg(spec.args[i]!);
    }
    this.asm.op(spec.byte, spec.args.length, 1);
    this.afterCall();
  }

  /** What a program does with a call's success flag and return data. */
  private afterCall(): void {
    const r = this.rng;
    const kind = r.weighted<number>([[3, 0], [3, 1], [3, 2]]);
    if (kind === 0) return;
    if (kind === 1) {
      // Store the flag.
      this.pushValue(r.pick(this.env.slots));
      this.emitOp("SSTORE");
      return;
    }
    // Hash the return data into storage, keeping the flag on the stack.
    const memOff = BigInt(32 * r.int(8));
    this.emitOp("RETURNDATASIZE");
    this.pushValue(0n);
    this.pushValue(memOff);
    this.emitOp("RETURNDATACOPY");
    this.emitOp("RETURNDATASIZE");
    this.pushValue(memOff);
    this.emitOp("KECCAK256");
    this.pushValue(r.pick(this.env.slots));
    this.emitOp("SSTORE");
  }

  precompileCall(): void {
    const r = this.rng;
    const address = r.pick(this.precompiles);
    const input = precompileInput(r, address, this.env.fork);
    const memOff = BigInt(32 * r.int(4));
    this.copyData(input, memOff);
    const name = r.weighted<string>([[40, "STATICCALL"], [40, "CALL"], [10, "DELEGATECALL"], [10, "CALLCODE"]]);
    const outSize = r.weighted<number>([[7, precompileOutputSize(address)], [1, 0], [1, r.int(300)]]);
    const argLen = r.chance(0.9) ? input.length : Math.max(0, input.length + r.range(-8, 8));
    this.pushValue(BigInt(outSize));
    this.pushValue(BigInt(32 * r.int(6)));
    this.pushValue(BigInt(argLen));
    this.pushValue(memOff);
    if (name === "CALL" || name === "CALLCODE") this.pushValue(r.chance(0.85) ? 0n : BigInt(r.range(1, 100)));
    this.pushValue(BigInt(address));
    if (r.chance(0.15)) this.emitOp("GAS");
    else this.pushValue(BigInt(r.chance(0.8) ? r.range(20000, 300000) : r.int(20000)));
    this.asm.op(opByName(name).byte, opByName(name).args.length, 1);
    this.afterCall();
  }

  /** CODECOPY of a data blob into memory at `memOff`. */
  private copyData(bytes: Uint8Array, memOff: bigint): void {
    const label = this.asm.addData(bytes);
    this.pushValue(BigInt(bytes.length));
    this.asm.pushLabel(label);
    this.pushValue(memOff);
    this.emitOp("CODECOPY");
  }

  create(): void {
    const r = this.rng;
    const init = initCode(this.env, this.createDepth + 1);
    const memOff = BigInt(32 * r.int(4));
    this.copyData(init, memOff);
    const len = r.chance(0.95) ? init.length : r.weighted<number>([[1, init.length - r.int(init.length + 1)], [1, 49153]]);
    if (r.chance(0.5)) {
      this.arg("z");
      this.pushValue(BigInt(len));
      this.pushValue(memOff);
      this.arg("c");
      this.asm.op(opByName("CREATE2").byte, 4, 1, "created");
    } else {
      this.pushValue(BigInt(len));
      this.pushValue(memOff);
      this.arg("c");
      this.asm.op(opByName("CREATE").byte, 3, 1, "created");
    }
    if (r.chance(0.5)) this.call("created");
    else if (r.chance(0.4)) {
      this.asm.dup(1);
      this.pushValue(r.pick(this.env.slots));
      this.emitOp("SSTORE");
    }
  }

  /** A forward branch over a block that leaves the stack as it found it (or halts). */
  branch(): void {
    const r = this.rng;
    const skip = this.asm.newLabel();
    const cond = r.weighted<number>([[3, 0], [3, 1], [2, 2]]);
    if (cond === 0 && this.dupAny()) {
      /* a computed condition */
    } else if (cond === 2) this.emitOp(r.pick(["CALLVALUE", "CALLDATASIZE", "RETURNDATASIZE"]));
    else this.pushValue(BigInt(r.int(2)));
    this.asm.pushLabel(skip);
    if (r.chance(0.1)) {
      // An unconditional jump over the block.
      this.asm.swap(1);
      this.asm.op(0x50, 1);
      this.emitOp("JUMP");
    } else this.emitOp("JUMPI");
    const savedFloor = this.asm.floor;
    const height = this.asm.depth;
    this.asm.floor = height;
    const n = r.range(1, 4);
    for (let i = 0; i < n; i++) this.snippet();
    if (r.chance(0.25)) this.terminator();
    this.asm.popTo(height);
    this.asm.stack.length = height;
    this.asm.floor = savedFloor;
    this.asm.jumpdest(skip);
  }

  /** A loop of at most four rounds, its counter on the stack. */
  loop(): void {
    if (this.loopDepth > 0) return this.simple();
    const r = this.rng;
    const top = this.asm.newLabel();
    this.pushValue(BigInt(r.range(1, 4)));
    const savedFloor = this.asm.floor;
    const height = this.asm.depth;
    this.asm.floor = height;
    this.asm.jumpdest(top);
    this.loopDepth++;
    const n = r.range(1, 3);
    for (let i = 0; i < n; i++) this.snippet();
    this.loopDepth--;
    this.asm.popTo(height);
    this.asm.stack.length = height;
    this.asm.floor = savedFloor;
    // counter - 1, repeat while not zero, then drop it.
    this.pushValue(1n);
    this.asm.swap(1);
    this.emitOp("SUB");
    this.asm.dup(1);
    this.asm.pushLabel(top);
    this.emitOp("JUMPI");
    this.asm.op(0x50, 1);
  }

  /** An ill-formed step: an undefined or arbitrary opcode, an underflow, a bad jump. */
  weird(): void {
    const r = this.rng;
    this.asm.chaotic = true;
    const kind = r.weighted<number>([[4, 0], [2, 1], [3, 2]]);
    if (kind === 0) {
      const byte = r.int(256);
      this.asm.raw(byte);
      // A PUSH brings its own data, so that it does not swallow the code after it.
      if (byte >= 0x60 && byte <= 0x7f) this.asm.raw(...r.bytes(byte - 0x5f));
    } else if (kind === 1) {
      // An opcode without its arguments: an underflow when the stack is short.
      const spec = r.pick(opsOf(this.env.fork).filter((o) => o.args.length > 0));
      this.asm.raw(spec.byte);
    } else if (r.chance(0.5)) {
      this.pushValue(BigInt(r.int(this.asm.depth * 4 + 40)));
      this.emitOp(r.chance(0.5) ? "JUMP" : "JUMPI");
    } else {
      // A jump to a 0x5b byte inside PUSH data: not a valid destination.
      const inside = this.asm.newLabel();
      this.asm.mark(inside);
      this.asm.raw(0x61, 0x5b, 0x5b);
      this.asm.raw(0x50);
      this.asm.pushLabel(inside, r.range(1, 2));
      this.emitOp("JUMP");
    }
    this.asm.stack.length = this.asm.floor;
  }

  snippet(): void {
    const r = this.rng;
    if (this.asm.free > 24) this.asm.popTo(this.asm.floor + r.range(4, 12));
    const canCreate = this.createDepth < MAX_CREATE_DEPTH;
    const kind = r.weighted<string>([
      [26, "simple"],
      [10, "arithmetic"],
      [14, "sink"],
      [8, "stack"],
      [this.loopDepth > 0 ? 2 : 10, "call"],
      [8, "precompile"],
      [4, "transient"],
      [canCreate ? (this.createDepth === 0 ? 6 : 3) : 0, "create"],
      [5, "branch"],
      [1.5, "loop"],
      [0.8, "weird"],
    ]);
    switch (kind) {
      case "simple":
        return this.simple();
      case "arithmetic":
        return this.arithmetic();
      case "sink":
        return this.sink();
      case "stack":
        return this.stackOps();
      case "call":
        return this.call();
      case "precompile":
        return this.precompileCall();
      case "transient":
        return this.transient();
      case "create":
        return this.create();
      case "branch":
        return this.branch();
      case "loop":
        return this.loop();
      default:
        return this.weird();
    }
  }

  terminator(): void {
    const r = this.rng;
    const kind = r.weighted<string>([
      [25, "STOP"],
      [25, "RETURN"],
      [20, "REVERT"],
      [10, "none"],
      [8, "SELFDESTRUCT"],
      [4, "INVALID"],
      [1, "overflow"],
    ]);
    if ((kind === "STOP" || kind === "none" || kind === "RETURN" || kind === "SELFDESTRUCT") && r.chance(0.6)) this.storeAccumulator();
    if ((kind === "RETURN" || kind === "REVERT") && r.chance(0.5)) {
      // Return (or revert with) the accumulator, which a caller may hash into its storage.
      this.pushValue(32n);
      this.asm.push(ACC_OFFSET);
      this.asm.op(opByName(kind).byte, 2);
      return;
    }
    if (kind === "none") return;
    if (kind === "overflow") {
      // 1025 items: a stack overflow.
      this.asm.raw(...new Array<number>(1025).fill(0x5f));
      return;
    }
    const spec = opByName(kind);
    this.args(spec.args);
    this.asm.op(spec.byte, spec.args.length, 0);
  }
}

/** A program of `shape.snippets` snippets and a terminator. */
export function program(env: ProgramEnv, shape: ProgramShape): Uint8Array {
  const gen = new Gen(env, shape.createDepth);
  if (shape.markerSlot !== undefined) {
    gen.pushValue(1n);
    gen.pushValue(shape.markerSlot);
    gen.asm.op(0x55, 2); // SSTORE
  }
  for (let i = 0; i < shape.snippets; i++) gen.snippet();
  gen.terminator();
  return gen.asm.assemble();
}

/**
 * Init code: a short program, then the runtime code (a program of its own, kept as data) copied
 * to memory and returned. Now and then the runtime is empty, starts with 0xEF (EIP-3541), is too
 * large (EIP-170), or the init code reverts or halts instead.
 */
export function initCode(env: ProgramEnv, createDepth: number): Uint8Array {
  const r = env.rng;
  const gen = new Gen(env, createDepth);
  const n = r.range(0, 6);
  for (let i = 0; i < n; i++) gen.snippet();
  const ending = r.weighted<string>([[80, "return"], [5, "ef"], [3, "oversized"], [5, "empty"], [7, "other"]]);
  const asm = gen.asm;
  if (ending === "other") {
    gen.terminator();
    return asm.assemble();
  }
  if (ending === "oversized") {
    gen.pushValue(BigInt(r.pick([24577, 24576])));
    gen.pushValue(0n);
    asm.op(0xf3, 2);
    return asm.assemble();
  }
  let runtime: Uint8Array;
  if (ending === "empty") runtime = new Uint8Array(0);
  else runtime = program(env, { snippets: r.range(2, 10), createDepth: Math.min(createDepth + 1, MAX_CREATE_DEPTH) });
  if (ending === "ef") runtime = Uint8Array.from([0xef, ...runtime.slice(0, 8)]);
  const label = asm.addData(runtime);
  gen.pushValue(BigInt(runtime.length));
  asm.pushLabel(label);
  gen.pushValue(0n);
  asm.op(0x39, 3); // CODECOPY
  gen.pushValue(BigInt(runtime.length));
  gen.pushValue(0n);
  asm.op(r.chance(0.95) ? 0xf3 : 0xfd, 2); // RETURN, now and then REVERT
  return asm.assemble();
}
