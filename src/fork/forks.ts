// Forks are data: one table of rules and gas costs per mainnet fork. Code asks `rules.x`,
// never "is this fork after that one". Values come from the EIPs and the execution-specs.

export enum Fork {
  Frontier = 0,
  Homestead,
  TangerineWhistle, // EIP-150
  SpuriousDragon, // EIP-155/158/160/161/170
  Byzantium,
  Constantinople,
  Petersburg, // "ConstantinopleFix": Constantinople without EIP-1283
  Istanbul,
  MuirGlacier,
  Berlin,
  London,
  ArrowGlacier,
  GrayGlacier,
  Paris, // the Merge
  Shanghai,
  Cancun,
  Prague,
  Osaka,
  Bpo1, // blob parameters only (EIP-7892)
  Bpo2,
}

export type SstoreMode = "frontier" | "eip1283" | "eip2200";

export interface ForkRules {
  readonly fork: Fork;
  readonly name: string;

  // --- features ---
  readonly hasDelegateCall: boolean; // EIP-7
  readonly homesteadCreate: boolean; // EIP-2: creation out of gas for code deposit fails the create; tx create intrinsic 53000; low-s signatures
  readonly eip150: boolean; // all but one 64th, repriced IO
  readonly eip155: boolean; // replay-protected signatures
  readonly eip158: boolean; // empty account cleanup (EIP-161), EXP repricing (EIP-160)
  readonly maxCodeSize: number; // EIP-170 (0 = unlimited)
  readonly byzantium: boolean; // REVERT, RETURNDATASIZE/COPY, STATICCALL, status receipts
  readonly hasShifts: boolean; // EIP-145
  readonly hasCreate2: boolean; // EIP-1014
  readonly hasExtCodeHash: boolean; // EIP-1052
  readonly sstoreMode: SstoreMode;
  readonly hasChainId: boolean; // EIP-1344
  readonly hasSelfBalance: boolean; // EIP-1884
  readonly eip2929: boolean; // warm/cold access
  readonly eip2930: boolean; // access-list transactions
  readonly eip1559: boolean; // fee market, BASEFEE
  readonly eip3529: boolean; // reduced refunds
  readonly eip3541: boolean; // reject new code starting with 0xEF
  readonly prevRandao: boolean; // EIP-4399: DIFFICULTY returns mixHash
  readonly hasPush0: boolean; // EIP-3855
  readonly warmCoinbase: boolean; // EIP-3651
  readonly eip3860: boolean; // initcode limit and metering
  readonly hasTransientStorage: boolean; // EIP-1153
  readonly hasMcopy: boolean; // EIP-5656
  readonly hasBlobs: boolean; // EIP-4844 (BLOBHASH, blob txs), EIP-7516 (BLOBBASEFEE)
  readonly eip6780: boolean; // SELFDESTRUCT only in the creating transaction
  readonly beaconRoots: boolean; // EIP-4788 system call
  readonly withdrawals: boolean; // EIP-4895
  readonly eip7702: boolean; // set-code transactions, delegation designators
  readonly historyStorage: boolean; // EIP-2935: the parent hash stored by a system call
  readonly requests: boolean; // EIP-7685 requests: deposits (EIP-6110), withdrawals (EIP-7002), consolidations (EIP-7251)
  readonly calldataFloorPerToken: number; // EIP-7623: floor gas per calldata token (0 = no floor)
  readonly hasClz: boolean; // EIP-7939
  readonly p256Verify: boolean; // EIP-7951: P256VERIFY at 0x100
  readonly txGasLimitCap: bigint; // EIP-7825 (0 = none)
  readonly maxBlockRlpSize: number; // EIP-7934 (0 = none)
  readonly blobs: BlobParams;

  // --- gas costs ---
  readonly gasBalance: number;
  readonly gasExtCodeSize: number;
  readonly gasExtCodeCopy: number;
  readonly gasExtCodeHash: number;
  readonly gasSload: number;
  readonly gasCall: number;
  readonly gasSelfDestruct: number;
  readonly gasExpByte: number;
  readonly gasTxDataNonZero: number;
  readonly gasTxCreate: number; // added to 21000 for a creation transaction
  readonly sstoreSetGas: number; // zero to non-zero
  readonly sstoreResetGas: number; // non-zero to another value (EIP-2929: minus the cold cost)
  readonly sstoreDirtyGas: number; // EIP-1283/2200: no-op or already-dirty slot
  readonly refundSstoreClears: number;
  readonly refundSelfDestruct: number;
  readonly maxRefundQuotient: number; // refund is capped at gasUsed / quotient

  // --- precompiles and block rules ---
  readonly precompileCount: number; // addresses 0x01..0x(count) are precompiles
  readonly precompileGas: PrecompileGas;
  readonly blockReward: bigint; // 0 after the Merge
  readonly maxInitCodeSize: number; // EIP-3860 (0 = unlimited)
}

/** Blob gas parameters (EIP-4844, EIP-7691, EIP-7840, EIP-7892, EIP-7918, EIP-7594). */
export interface BlobParams {
  readonly target: number; // blobs per block
  readonly max: number;
  readonly baseFeeUpdateFraction: bigint;
  readonly maxPerTransaction: number; // EIP-7594 caps it below `max`
  readonly reservePriceFromExecution: boolean; // EIP-7918: the blob base fee follows the execution base fee from below
}

export const GAS_PER_BLOB = 131072;

const CANCUN_BLOBS: BlobParams = { target: 3, max: 6, baseFeeUpdateFraction: 3338477n, maxPerTransaction: 6, reservePriceFromExecution: false };
const PRAGUE_BLOBS: BlobParams = { target: 6, max: 9, baseFeeUpdateFraction: 5007716n, maxPerTransaction: 9, reservePriceFromExecution: false };
const OSAKA_BLOBS: BlobParams = { ...PRAGUE_BLOBS, maxPerTransaction: 6, reservePriceFromExecution: true };
const BPO1_BLOBS: BlobParams = { ...OSAKA_BLOBS, target: 10, max: 15, baseFeeUpdateFraction: 8346193n };
const BPO2_BLOBS: BlobParams = { ...OSAKA_BLOBS, target: 14, max: 21, baseFeeUpdateFraction: 11684671n };

export interface PrecompileGas {
  readonly ecAdd: number; // EIP-196, repriced by EIP-1108
  readonly ecMul: number;
  readonly ecPairingBase: number; // EIP-197, repriced by EIP-1108
  readonly ecPairingPerPoint: number;
  readonly modexpEip2565: boolean; // Berlin modexp pricing (else EIP-198)
  readonly modexpEip7883: boolean; // Osaka modexp pricing
  readonly modexpMaxInputBytes: number; // EIP-7823: base, exponent and modulus lengths (0 = unbounded)
}

const BYZANTIUM_PRECOMPILE_GAS: PrecompileGas = { ecAdd: 500, ecMul: 40000, ecPairingBase: 100000, ecPairingPerPoint: 80000, modexpEip2565: false, modexpEip7883: false, modexpMaxInputBytes: 0 };
const ISTANBUL_PRECOMPILE_GAS: PrecompileGas = { ecAdd: 150, ecMul: 6000, ecPairingBase: 45000, ecPairingPerPoint: 34000, modexpEip2565: false, modexpEip7883: false, modexpMaxInputBytes: 0 };
const BERLIN_PRECOMPILE_GAS: PrecompileGas = { ...ISTANBUL_PRECOMPILE_GAS, modexpEip2565: true };
const OSAKA_PRECOMPILE_GAS: PrecompileGas = { ...BERLIN_PRECOMPILE_GAS, modexpEip7883: true, modexpMaxInputBytes: 1024 };

// Warm/cold costs of EIP-2929 (used only when rules.eip2929).
export const COLD_SLOAD_COST = 2100;
export const COLD_ACCOUNT_ACCESS_COST = 2600;
export const WARM_STORAGE_READ_COST = 100;

const ETHER = 10n ** 18n;

const frontier: ForkRules = {
  fork: Fork.Frontier,
  name: "Frontier",
  hasDelegateCall: false,
  homesteadCreate: false,
  eip150: false,
  eip155: false,
  eip158: false,
  maxCodeSize: 0,
  byzantium: false,
  hasShifts: false,
  hasCreate2: false,
  hasExtCodeHash: false,
  sstoreMode: "frontier",
  hasChainId: false,
  hasSelfBalance: false,
  eip2929: false,
  eip2930: false,
  eip1559: false,
  eip3529: false,
  eip3541: false,
  prevRandao: false,
  hasPush0: false,
  warmCoinbase: false,
  eip3860: false,
  hasTransientStorage: false,
  hasMcopy: false,
  hasBlobs: false,
  eip6780: false,
  beaconRoots: false,
  withdrawals: false,
  eip7702: false,
  historyStorage: false,
  requests: false,
  calldataFloorPerToken: 0,
  hasClz: false,
  p256Verify: false,
  txGasLimitCap: 0n,
  maxBlockRlpSize: 0,
  blobs: CANCUN_BLOBS,
  gasBalance: 20,
  gasExtCodeSize: 20,
  gasExtCodeCopy: 20,
  gasExtCodeHash: 0,
  gasSload: 50,
  gasCall: 40,
  gasSelfDestruct: 0,
  gasExpByte: 10,
  gasTxDataNonZero: 68,
  gasTxCreate: 0,
  sstoreSetGas: 20000,
  sstoreResetGas: 5000,
  sstoreDirtyGas: 0,
  refundSstoreClears: 15000,
  refundSelfDestruct: 24000,
  maxRefundQuotient: 2,
  precompileCount: 4,
  precompileGas: BYZANTIUM_PRECOMPILE_GAS,
  blockReward: 5n * ETHER,
  maxInitCodeSize: 0,
};

const homestead: ForkRules = { ...frontier, fork: Fork.Homestead, name: "Homestead", hasDelegateCall: true, homesteadCreate: true, gasTxCreate: 32000 };

const tangerineWhistle: ForkRules = {
  ...homestead,
  fork: Fork.TangerineWhistle,
  name: "TangerineWhistle",
  eip150: true,
  gasBalance: 400,
  gasExtCodeSize: 700,
  gasExtCodeCopy: 700,
  gasSload: 200,
  gasCall: 700,
  gasSelfDestruct: 5000,
};

const spuriousDragon: ForkRules = { ...tangerineWhistle, fork: Fork.SpuriousDragon, name: "SpuriousDragon", eip155: true, eip158: true, maxCodeSize: 24576, gasExpByte: 50 };

const byzantium: ForkRules = { ...spuriousDragon, fork: Fork.Byzantium, name: "Byzantium", byzantium: true, precompileCount: 8, blockReward: 3n * ETHER };

const constantinople: ForkRules = {
  ...byzantium,
  fork: Fork.Constantinople,
  name: "Constantinople",
  hasShifts: true,
  hasCreate2: true,
  hasExtCodeHash: true,
  gasExtCodeHash: 400,
  sstoreMode: "eip1283",
  sstoreDirtyGas: 200,
  blockReward: 2n * ETHER,
};

const petersburg: ForkRules = { ...constantinople, fork: Fork.Petersburg, name: "Petersburg", sstoreMode: "frontier", sstoreDirtyGas: 0 };

const istanbul: ForkRules = {
  ...petersburg,
  fork: Fork.Istanbul,
  name: "Istanbul",
  sstoreMode: "eip2200",
  sstoreDirtyGas: 800,
  hasChainId: true,
  hasSelfBalance: true,
  gasBalance: 700,
  gasExtCodeHash: 700,
  gasSload: 800,
  gasTxDataNonZero: 16,
  precompileCount: 9,
  precompileGas: ISTANBUL_PRECOMPILE_GAS,
};

const muirGlacier: ForkRules = { ...istanbul, fork: Fork.MuirGlacier, name: "MuirGlacier" };

// Berlin: account and slot access costs become the warm cost; the cold surcharge is added
// dynamically (EIP-2929). SLOAD's static cost is the warm read.
const berlin: ForkRules = {
  ...muirGlacier,
  fork: Fork.Berlin,
  name: "Berlin",
  eip2929: true,
  eip2930: true,
  gasBalance: 0,
  gasExtCodeSize: 0,
  gasExtCodeCopy: 0,
  gasExtCodeHash: 0,
  gasSload: 0,
  gasCall: 0,
  sstoreResetGas: 5000 - 2100,
  sstoreDirtyGas: 100,
  precompileGas: BERLIN_PRECOMPILE_GAS,
};

const london: ForkRules = {
  ...berlin,
  fork: Fork.London,
  name: "London",
  eip1559: true,
  eip3529: true,
  eip3541: true,
  refundSstoreClears: 4800,
  refundSelfDestruct: 0,
  maxRefundQuotient: 5,
};

const arrowGlacier: ForkRules = { ...london, fork: Fork.ArrowGlacier, name: "ArrowGlacier" };
const grayGlacier: ForkRules = { ...arrowGlacier, fork: Fork.GrayGlacier, name: "GrayGlacier" };
const paris: ForkRules = { ...grayGlacier, fork: Fork.Paris, name: "Paris", prevRandao: true, blockReward: 0n };

const shanghai: ForkRules = {
  ...paris,
  fork: Fork.Shanghai,
  name: "Shanghai",
  hasPush0: true,
  warmCoinbase: true,
  eip3860: true,
  maxInitCodeSize: 2 * 24576,
  withdrawals: true,
};

const cancun: ForkRules = {
  ...shanghai,
  fork: Fork.Cancun,
  name: "Cancun",
  hasTransientStorage: true,
  hasMcopy: true,
  hasBlobs: true,
  eip6780: true,
  beaconRoots: true,
  precompileCount: 10,
};

const prague: ForkRules = {
  ...cancun,
  fork: Fork.Prague,
  name: "Prague",
  eip7702: true,
  historyStorage: true,
  requests: true,
  calldataFloorPerToken: 10,
  precompileCount: 0x11, // EIP-2537: BLS12-381 at 0x0b..0x11
  blobs: PRAGUE_BLOBS,
};

const osaka: ForkRules = {
  ...prague,
  fork: Fork.Osaka,
  name: "Osaka",
  hasClz: true,
  p256Verify: true,
  txGasLimitCap: 1n << 24n,
  maxBlockRlpSize: 10 * 1024 * 1024 - 2 * 1024 * 1024, // EIP-7934: 10 MiB less a 2 MiB margin for the beacon block
  precompileGas: OSAKA_PRECOMPILE_GAS,
  blobs: OSAKA_BLOBS,
};

const bpo1: ForkRules = { ...osaka, fork: Fork.Bpo1, name: "BPO1", blobs: BPO1_BLOBS };
const bpo2: ForkRules = { ...osaka, fork: Fork.Bpo2, name: "BPO2", blobs: BPO2_BLOBS };

export const FORK_RULES: readonly ForkRules[] = [
  frontier,
  homestead,
  tangerineWhistle,
  spuriousDragon,
  byzantium,
  constantinople,
  petersburg,
  istanbul,
  muirGlacier,
  berlin,
  london,
  arrowGlacier,
  grayGlacier,
  paris,
  shanghai,
  cancun,
  prague,
  osaka,
  bpo1,
  bpo2,
];

export function rulesFor(fork: Fork): ForkRules {
  return FORK_RULES[fork]!;
}

// Names used by the Ethereum consensus tests (and common aliases) mapped to forks.
const FORK_NAMES: Record<string, Fork> = {
  frontier: Fork.Frontier,
  homestead: Fork.Homestead,
  eip150: Fork.TangerineWhistle,
  tangerinewhistle: Fork.TangerineWhistle,
  eip158: Fork.SpuriousDragon,
  spuriousdragon: Fork.SpuriousDragon,
  byzantium: Fork.Byzantium,
  constantinople: Fork.Constantinople,
  constantinoplefix: Fork.Petersburg,
  petersburg: Fork.Petersburg,
  istanbul: Fork.Istanbul,
  muirglacier: Fork.MuirGlacier,
  berlin: Fork.Berlin,
  london: Fork.London,
  arrowglacier: Fork.ArrowGlacier,
  grayglacier: Fork.GrayGlacier,
  paris: Fork.Paris,
  merge: Fork.Paris,
  shanghai: Fork.Shanghai,
  cancun: Fork.Cancun,
  prague: Fork.Prague,
  osaka: Fork.Osaka,
  bpo1: Fork.Bpo1,
  bpo2: Fork.Bpo2,
};

/** The fork for a test-suite or user-given fork name, or undefined when the name is unknown. */
export function forkByName(name: string): Fork | undefined {
  return FORK_NAMES[name.toLowerCase()];
}
