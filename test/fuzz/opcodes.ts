// The generator's own opcode table (written from the Yellow Paper and the EIPs, independently of
// src/evm/opcodes.ts, so that a mistake there cannot hide here): each opcode's byte, the fork that
// introduced it, and what its stack arguments mean, in pop order (top of the stack first).
//
// Argument kinds: v any value, o memory offset, l memory length, a address, s storage slot,
// n small index (BYTE, SIGNEXTEND, shifts), e exponent, b block number, i blob index,
// d calldata offset, r return-data offset, c call value, g call gas, z CREATE2 salt, j jump target.

export type FuzzFork = "Cancun" | "Prague" | "Osaka";
export const FUZZ_FORKS: readonly FuzzFork[] = ["Cancun", "Prague", "Osaka"];

const FORK_ORDER: Record<FuzzFork, number> = { Cancun: 0, Prague: 1, Osaka: 2 };

export function forkAtLeast(fork: FuzzFork, since: FuzzFork): boolean {
  return FORK_ORDER[fork] >= FORK_ORDER[since];
}

export type OpClass = "simple" | "push" | "dup" | "swap" | "jump" | "call" | "create" | "terminator" | "jumpdest";

export interface OpSpec {
  name: string;
  byte: number;
  /** Argument kinds in pop order; "" for none. */
  args: string;
  /** Items pushed. */
  out: number;
  cls: OpClass;
  since?: FuzzFork;
}

function table(): OpSpec[] {
  const t: OpSpec[] = [];
  const op = (name: string, byte: number, args: string, out: number, cls: OpClass = "simple", since?: FuzzFork) =>
    t.push({ name, byte, args, out, cls, since });
  op("STOP", 0x00, "", 0, "terminator");
  op("ADD", 0x01, "vv", 1);
  op("MUL", 0x02, "vv", 1);
  op("SUB", 0x03, "vv", 1);
  op("DIV", 0x04, "vv", 1);
  op("SDIV", 0x05, "vv", 1);
  op("MOD", 0x06, "vv", 1);
  op("SMOD", 0x07, "vv", 1);
  op("ADDMOD", 0x08, "vvv", 1);
  op("MULMOD", 0x09, "vvv", 1);
  op("EXP", 0x0a, "ve", 1);
  op("SIGNEXTEND", 0x0b, "nv", 1);
  op("LT", 0x10, "vv", 1);
  op("GT", 0x11, "vv", 1);
  op("SLT", 0x12, "vv", 1);
  op("SGT", 0x13, "vv", 1);
  op("EQ", 0x14, "vv", 1);
  op("ISZERO", 0x15, "v", 1);
  op("AND", 0x16, "vv", 1);
  op("OR", 0x17, "vv", 1);
  op("XOR", 0x18, "vv", 1);
  op("NOT", 0x19, "v", 1);
  op("BYTE", 0x1a, "nv", 1);
  op("SHL", 0x1b, "nv", 1);
  op("SHR", 0x1c, "nv", 1);
  op("SAR", 0x1d, "nv", 1);
  op("CLZ", 0x1e, "v", 1, "simple", "Osaka");
  op("KECCAK256", 0x20, "ol", 1);
  op("ADDRESS", 0x30, "", 1);
  op("BALANCE", 0x31, "a", 1);
  op("ORIGIN", 0x32, "", 1);
  op("CALLER", 0x33, "", 1);
  op("CALLVALUE", 0x34, "", 1);
  op("CALLDATALOAD", 0x35, "d", 1);
  op("CALLDATASIZE", 0x36, "", 1);
  op("CALLDATACOPY", 0x37, "odl", 0);
  op("CODESIZE", 0x38, "", 1);
  op("CODECOPY", 0x39, "odl", 0);
  op("GASPRICE", 0x3a, "", 1);
  op("EXTCODESIZE", 0x3b, "a", 1);
  op("EXTCODECOPY", 0x3c, "aodl", 0);
  op("RETURNDATASIZE", 0x3d, "", 1);
  op("RETURNDATACOPY", 0x3e, "orl", 0);
  op("EXTCODEHASH", 0x3f, "a", 1);
  op("BLOCKHASH", 0x40, "b", 1);
  op("COINBASE", 0x41, "", 1);
  op("TIMESTAMP", 0x42, "", 1);
  op("NUMBER", 0x43, "", 1);
  op("PREVRANDAO", 0x44, "", 1);
  op("GASLIMIT", 0x45, "", 1);
  op("CHAINID", 0x46, "", 1);
  op("SELFBALANCE", 0x47, "", 1);
  op("BASEFEE", 0x48, "", 1);
  op("BLOBHASH", 0x49, "i", 1);
  op("BLOBBASEFEE", 0x4a, "", 1);
  op("POP", 0x50, "v", 0);
  op("MLOAD", 0x51, "o", 1);
  op("MSTORE", 0x52, "ov", 0);
  op("MSTORE8", 0x53, "ov", 0);
  op("SLOAD", 0x54, "s", 1);
  op("SSTORE", 0x55, "sv", 0);
  op("JUMP", 0x56, "j", 0, "jump");
  op("JUMPI", 0x57, "jv", 0, "jump");
  op("PC", 0x58, "", 1);
  op("MSIZE", 0x59, "", 1);
  op("GAS", 0x5a, "", 1);
  op("JUMPDEST", 0x5b, "", 0, "jumpdest");
  op("TLOAD", 0x5c, "s", 1);
  op("TSTORE", 0x5d, "sv", 0);
  op("MCOPY", 0x5e, "ool", 0);
  op("PUSH0", 0x5f, "", 1, "push");
  for (let n = 1; n <= 32; n++) op(`PUSH${n}`, 0x5f + n, "", 1, "push");
  for (let n = 1; n <= 16; n++) op(`DUP${n}`, 0x7f + n, "", 1, "dup");
  for (let n = 1; n <= 16; n++) op(`SWAP${n}`, 0x8f + n, "", 0, "swap");
  for (let n = 0; n <= 4; n++) op(`LOG${n}`, 0xa0 + n, "ol" + "v".repeat(n), 0);
  op("CREATE", 0xf0, "col", 1, "create");
  op("CALL", 0xf1, "gacolol", 1, "call");
  op("CALLCODE", 0xf2, "gacolol", 1, "call");
  op("RETURN", 0xf3, "ol", 0, "terminator");
  op("DELEGATECALL", 0xf4, "gaolol", 1, "call");
  op("CREATE2", 0xf5, "colz", 1, "create");
  op("STATICCALL", 0xfa, "gaolol", 1, "call");
  op("REVERT", 0xfd, "ol", 0, "terminator");
  op("INVALID", 0xfe, "", 0, "terminator");
  op("SELFDESTRUCT", 0xff, "a", 0, "terminator");
  return t;
}

export const ALL_OPS: readonly OpSpec[] = table();

const BY_NAME = new Map(ALL_OPS.map((o) => [o.name, o]));

export function opByName(name: string): OpSpec {
  const spec = BY_NAME.get(name);
  if (spec === undefined) throw new Error(`no opcode ${name}`);
  return spec;
}

const forkOps = new Map<FuzzFork, readonly OpSpec[]>();

/** The opcodes a fork defines. */
export function opsOf(fork: FuzzFork): readonly OpSpec[] {
  let ops = forkOps.get(fork);
  if (ops === undefined) {
    ops = ALL_OPS.filter((o) => o.since === undefined || forkAtLeast(fork, o.since));
    forkOps.set(fork, ops);
  }
  return ops;
}

/** Names by byte for one fork (undefined: not an opcode there). */
export function opNames(fork: FuzzFork): (string | undefined)[] {
  const names: (string | undefined)[] = new Array(256).fill(undefined);
  for (const o of opsOf(fork)) names[o.byte] = o.name;
  return names;
}
