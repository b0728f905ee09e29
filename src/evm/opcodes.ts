// Opcode numbers and the per-fork opcode table (validity, static gas, stack effect), built once
// per fork from the rules table. Dynamic gas (memory, copies, cold access, calls) is charged by
// the interpreter.
import type { ForkRules } from "../fork/forks.js";

export const enum Op {
  STOP = 0x00, ADD, MUL, SUB, DIV, SDIV, MOD, SMOD, ADDMOD, MULMOD, EXP, SIGNEXTEND,
  LT = 0x10, GT, SLT, SGT, EQ, ISZERO, AND, OR, XOR, NOT, BYTE, SHL, SHR, SAR, CLZ,
  KECCAK256 = 0x20,
  ADDRESS = 0x30, BALANCE, ORIGIN, CALLER, CALLVALUE, CALLDATALOAD, CALLDATASIZE, CALLDATACOPY,
  CODESIZE, CODECOPY, GASPRICE, EXTCODESIZE, EXTCODECOPY, RETURNDATASIZE, RETURNDATACOPY, EXTCODEHASH,
  BLOCKHASH = 0x40, COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, SELFBALANCE, BASEFEE,
  BLOBHASH, BLOBBASEFEE,
  POP = 0x50, MLOAD, MSTORE, MSTORE8, SLOAD, SSTORE, JUMP, JUMPI, PC, MSIZE, GAS, JUMPDEST, TLOAD,
  TSTORE, MCOPY, PUSH0,
  PUSH1 = 0x60, PUSH2 = 0x61, PUSH3 = 0x62, PUSH32 = 0x7f,
  DUP1 = 0x80, DUP16 = 0x8f,
  SWAP1 = 0x90, SWAP16 = 0x9f,
  LOG0 = 0xa0, LOG4 = 0xa4,
  CREATE = 0xf0, CALL, CALLCODE, RETURN, DELEGATECALL, CREATE2,
  STATICCALL = 0xfa,
  REVERT = 0xfd, INVALID = 0xfe, SELFDESTRUCT = 0xff,
}

export interface OpTable {
  /** Static gas per opcode; -1 for an opcode that is undefined in this fork. */
  readonly gas: Int32Array;
  /** Items that must be on the stack before the opcode runs. */
  readonly stackMin: Uint8Array;
  /** Largest stack height at which the opcode may run without overflowing 1024 items. */
  readonly stackLimit: Uint16Array;
  /** Items pushed minus items popped. */
  readonly stackDelta: Int8Array;
}

/**
 * 1 for an opcode that ends a block of straight-line code (see src/evm/code.ts), in every fork:
 * one that leaves the frame or jumps, or one that reads the gas left exactly (GAS, SSTORE's
 * stipend check, the gas a CALL or CREATE passes on), so that no later instruction's gas is
 * charged before it. After the ones that continue, the interpreter enters the next block itself.
 */
export const ENDS_BLOCK: Uint8Array = (() => {
  const ends = new Uint8Array(256);
  const ops = [Op.STOP, Op.RETURN, Op.REVERT, Op.SELFDESTRUCT, Op.INVALID, Op.JUMP, Op.JUMPI, Op.GAS, Op.SSTORE, Op.CALL, Op.CALLCODE, Op.DELEGATECALL, Op.STATICCALL, Op.CREATE, Op.CREATE2];
  for (const op of ops) ends[op] = 1;
  return ends;
})();

interface OpDef {
  op: number;
  in: number;
  out: number;
  gas: (r: ForkRules) => number;
  enabled: (r: ForkRules) => boolean;
}

const always = () => true;
const fixed = (g: number) => () => g;

function defs(): OpDef[] {
  const d: OpDef[] = [];
  const def = (op: number, inputs: number, outputs: number, gas: number | ((r: ForkRules) => number), enabled: (r: ForkRules) => boolean = always) =>
    d.push({ op, in: inputs, out: outputs, gas: typeof gas === "number" ? fixed(gas) : gas, enabled });

  def(Op.STOP, 0, 0, 0);
  def(Op.ADD, 2, 1, 3);
  def(Op.MUL, 2, 1, 5);
  def(Op.SUB, 2, 1, 3);
  def(Op.DIV, 2, 1, 5);
  def(Op.SDIV, 2, 1, 5);
  def(Op.MOD, 2, 1, 5);
  def(Op.SMOD, 2, 1, 5);
  def(Op.ADDMOD, 3, 1, 8);
  def(Op.MULMOD, 3, 1, 8);
  def(Op.EXP, 2, 1, 10);
  def(Op.SIGNEXTEND, 2, 1, 5);
  for (const op of [Op.LT, Op.GT, Op.SLT, Op.SGT, Op.EQ, Op.AND, Op.OR, Op.XOR, Op.BYTE]) def(op, 2, 1, 3);
  def(Op.ISZERO, 1, 1, 3);
  def(Op.NOT, 1, 1, 3);
  for (const op of [Op.SHL, Op.SHR, Op.SAR]) def(op, 2, 1, 3, (r) => r.hasShifts);
  def(Op.CLZ, 1, 1, 5, (r) => r.hasClz); // EIP-7939
  def(Op.KECCAK256, 2, 1, 30);
  def(Op.ADDRESS, 0, 1, 2);
  def(Op.BALANCE, 1, 1, (r) => r.gasBalance);
  def(Op.ORIGIN, 0, 1, 2);
  def(Op.CALLER, 0, 1, 2);
  def(Op.CALLVALUE, 0, 1, 2);
  def(Op.CALLDATALOAD, 1, 1, 3);
  def(Op.CALLDATASIZE, 0, 1, 2);
  def(Op.CALLDATACOPY, 3, 0, 3);
  def(Op.CODESIZE, 0, 1, 2);
  def(Op.CODECOPY, 3, 0, 3);
  def(Op.GASPRICE, 0, 1, 2);
  def(Op.EXTCODESIZE, 1, 1, (r) => r.gasExtCodeSize);
  def(Op.EXTCODECOPY, 4, 0, (r) => r.gasExtCodeCopy);
  def(Op.RETURNDATASIZE, 0, 1, 2, (r) => r.byzantium);
  def(Op.RETURNDATACOPY, 3, 0, 3, (r) => r.byzantium);
  def(Op.EXTCODEHASH, 1, 1, (r) => r.gasExtCodeHash, (r) => r.hasExtCodeHash);
  def(Op.BLOCKHASH, 1, 1, 20);
  for (const op of [Op.COINBASE, Op.TIMESTAMP, Op.NUMBER, Op.PREVRANDAO, Op.GASLIMIT]) def(op, 0, 1, 2);
  def(Op.CHAINID, 0, 1, 2, (r) => r.hasChainId);
  def(Op.SELFBALANCE, 0, 1, 5, (r) => r.hasSelfBalance);
  def(Op.BASEFEE, 0, 1, 2, (r) => r.eip1559);
  def(Op.BLOBHASH, 1, 1, 3, (r) => r.hasBlobs);
  def(Op.BLOBBASEFEE, 0, 1, 2, (r) => r.hasBlobs);
  def(Op.POP, 1, 0, 2);
  def(Op.MLOAD, 1, 1, 3);
  def(Op.MSTORE, 2, 0, 3);
  def(Op.MSTORE8, 2, 0, 3);
  def(Op.SLOAD, 1, 1, (r) => r.gasSload);
  def(Op.SSTORE, 2, 0, 0);
  def(Op.JUMP, 1, 0, 8);
  def(Op.JUMPI, 2, 0, 10);
  def(Op.PC, 0, 1, 2);
  def(Op.MSIZE, 0, 1, 2);
  def(Op.GAS, 0, 1, 2);
  def(Op.JUMPDEST, 0, 0, 1);
  def(Op.TLOAD, 1, 1, 100, (r) => r.hasTransientStorage);
  def(Op.TSTORE, 2, 0, 100, (r) => r.hasTransientStorage);
  def(Op.MCOPY, 3, 0, 3, (r) => r.hasMcopy);
  def(Op.PUSH0, 0, 1, 2, (r) => r.hasPush0);
  for (let op = Op.PUSH1; op <= Op.PUSH32; op++) def(op, 0, 1, 3);
  for (let n = 1; n <= 16; n++) def(Op.DUP1 + n - 1, n, n + 1, 3);
  for (let n = 1; n <= 16; n++) def(Op.SWAP1 + n - 1, n + 1, n + 1, 3);
  for (let n = 0; n <= 4; n++) def(Op.LOG0 + n, n + 2, 0, 375 + 375 * n);
  def(Op.CREATE, 3, 1, 32000);
  def(Op.CALL, 7, 1, (r) => r.gasCall);
  def(Op.CALLCODE, 7, 1, (r) => r.gasCall);
  def(Op.RETURN, 2, 0, 0);
  def(Op.DELEGATECALL, 6, 1, (r) => r.gasCall, (r) => r.hasDelegateCall);
  def(Op.CREATE2, 4, 1, 32000, (r) => r.hasCreate2);
  def(Op.STATICCALL, 6, 1, (r) => r.gasCall, (r) => r.byzantium);
  def(Op.REVERT, 2, 0, 0, (r) => r.byzantium);
  def(Op.SELFDESTRUCT, 1, 0, (r) => r.gasSelfDestruct);
  return d;
}

const tables = new Map<ForkRules, OpTable>();

export function opTableFor(rules: ForkRules): OpTable {
  let table = tables.get(rules);
  if (table === undefined) {
    const gas = new Int32Array(256).fill(-1);
    const stackMin = new Uint8Array(256);
    const stackLimit = new Uint16Array(256).fill(1024);
    const stackDelta = new Int8Array(256);
    for (const def of defs()) {
      if (!def.enabled(rules)) continue;
      gas[def.op] = def.gas(rules);
      stackMin[def.op] = def.in;
      stackLimit[def.op] = 1024 - Math.max(0, def.out - def.in);
      stackDelta[def.op] = def.out - def.in;
    }
    table = { gas, stackMin, stackLimit, stackDelta };
    tables.set(rules, table);
  }
  return table;
}
