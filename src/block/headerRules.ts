// Header validity against the parent, and the block-level checks made before execution, as the
// execution-specs define them (validate_header, calculate_base_fee_per_gas, check_gas_limit,
// calculate_excess_blob_gas, and state_transition's size, ommer and blob-gas bounds). Proof-of-work
// headers (before the Merge) are checked only for what does not need Ethash.
import { bytesEqual } from "../primitives/bytes.js";
import { KECCAK_RLP_EMPTY_LIST } from "../primitives/hash.js";
import { GAS_PER_BLOB, type ForkRules } from "../fork/forks.js";
import { blobBaseFee } from "../evm/processor.js";
import type { Block, BlockHeader } from "./block.js";
import type { DecodedBlock, DecodedHeader } from "./rlpBlock.js";

/** The block breaks a rule of the header or of the block as a whole; the message names it. */
export class InvalidBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidBlockError";
  }
}

// EIP-1559.
const BASE_FEE_MAX_CHANGE_DENOMINATOR = 8n;
const ELASTICITY_MULTIPLIER = 2n;
const INITIAL_BASE_FEE = 1_000_000_000n;
// Yellow Paper 4.3.4: the gas limit moves by less than 1/1024 of the parent's per block.
const GAS_LIMIT_ADJUSTMENT_FACTOR = 1024n;
const GAS_LIMIT_MINIMUM = 5000n;
const MAX_EXTRA_DATA_BYTES = 32;
/** EIP-7918: the execution cost a blob's base fee is held above, in units of the base fee. */
const BLOB_BASE_COST = 8192n;
const BLOB_GAS = BigInt(GAS_PER_BLOB);
const ZERO_NONCE = new Uint8Array(8);

function fail(message: string): never {
  throw new InvalidBlockError(message);
}

/** Whether `gasLimit` is within the bounds the parent's gas limit allows (check_gas_limit). */
export function gasLimitWithinBounds(gasLimit: bigint, parentGasLimit: bigint): boolean {
  const maxDelta = parentGasLimit / GAS_LIMIT_ADJUSTMENT_FACTOR;
  return gasLimit < parentGasLimit + maxDelta && gasLimit > parentGasLimit - maxDelta && gasLimit >= GAS_LIMIT_MINIMUM;
}

/**
 * EIP-1559: the base fee follows the parent's gas use against its target (half its limit), by at
 * most 1/8 per block, up by at least 1 when above the target. The first London block (a parent
 * without base fee) starts at 1 gwei.
 */
export function expectedBaseFee(parent: Pick<BlockHeader, "gasLimit" | "gasUsed" | "baseFeePerGas">): bigint {
  if (parent.baseFeePerGas === null) return INITIAL_BASE_FEE;
  const parentBaseFee = parent.baseFeePerGas;
  const target = parent.gasLimit / ELASTICITY_MULTIPLIER;
  if (parent.gasUsed === target) return parentBaseFee;
  if (parent.gasUsed > target) {
    const delta = (parentBaseFee * (parent.gasUsed - target)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
    return parentBaseFee + (delta > 1n ? delta : 1n);
  }
  return parentBaseFee - (parentBaseFee * (target - parent.gasUsed)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
}

/**
 * EIP-4844 (with EIP-7691's and the blob schedule's parameters, `rules.blobs`): the blob gas above
 * the target carried over from the parent; a parent without blob fields (the fork block) counts
 * as zero. EIP-7918: while the execution base fee makes a blob's execution cost exceed its blob
 * fee, the excess grows by the parent's use scaled by (max - target) / max instead, so the blob
 * base fee cannot fall.
 */
export function expectedExcessBlobGas(parent: Pick<BlockHeader, "excessBlobGas" | "blobGasUsed" | "baseFeePerGas">, rules: ForkRules): bigint {
  const excess = parent.excessBlobGas ?? 0n;
  const used = parent.blobGasUsed ?? 0n;
  const { target, max, reservePriceFromExecution } = rules.blobs;
  const targetGas = BigInt(target) * BLOB_GAS;
  if (excess + used < targetGas) return 0n;
  if (reservePriceFromExecution) {
    const executionCost = BLOB_BASE_COST * (parent.baseFeePerGas ?? 0n);
    if (executionCost > BLOB_GAS * blobBaseFee(excess, rules)) return excess + (used * BigInt(max - target)) / BigInt(max);
  }
  return excess + used - targetGas;
}

/** The header fields each fork adds, present exactly when its rules hold. */
const FORK_FIELDS: readonly { field: keyof BlockHeader; eip: string; enabled: (rules: ForkRules) => boolean }[] = [
  { field: "baseFeePerGas", eip: "EIP-1559", enabled: (r) => r.eip1559 },
  { field: "withdrawalsRoot", eip: "EIP-4895", enabled: (r) => r.withdrawals },
  { field: "blobGasUsed", eip: "EIP-4844", enabled: (r) => r.hasBlobs },
  { field: "excessBlobGas", eip: "EIP-4844", enabled: (r) => r.hasBlobs },
  { field: "parentBeaconBlockRoot", eip: "EIP-4788", enabled: (r) => r.beaconRoots },
  { field: "requestsHash", eip: "EIP-7685", enabled: (r) => r.requests },
];

/** The header has exactly the fields of its fork (a transition block switches layout). */
export function checkHeaderLayout(header: BlockHeader, rules: ForkRules): void {
  for (const { field, eip, enabled } of FORK_FIELDS) {
    const present = header[field] !== null;
    if (present && !enabled(rules)) fail(`header has ${field}, but ${eip} is not enabled in ${rules.name}`);
    if (!present && enabled(rules)) fail(`header lacks ${field}, required by ${eip} in ${rules.name}`);
  }
}

/**
 * Checks a header against its parent's under the block's fork `rules` (validate_header): layout,
 * number, parent hash, timestamp, gas limit and use, base fee, excess blob gas, extra data and,
 * after the Merge, the proof-of-work fields fixed at zero. Throws InvalidBlockError.
 */
export function validateHeader(child: DecodedHeader, parent: BlockHeader & { hash: Uint8Array }, rules: ForkRules): void {
  const { header, extras } = child;
  checkHeaderLayout(header, rules);
  if (header.number !== parent.number + 1n) fail(`number ${header.number} does not follow the parent's ${parent.number}`);
  if (!bytesEqual(header.parentHash, parent.hash)) fail("parentHash is not the parent's hash");
  if (header.timestamp <= parent.timestamp) fail(`timestamp ${header.timestamp} not after the parent's ${parent.timestamp}`);
  if (header.gasUsed > header.gasLimit) fail(`gasUsed ${header.gasUsed} above gasLimit ${header.gasLimit}`);
  if (extras.extraData.length > MAX_EXTRA_DATA_BYTES) fail(`extraData of ${extras.extraData.length} bytes, above ${MAX_EXTRA_DATA_BYTES}`);
  checkGasAndFees(header, parent, rules);
  if (rules.prevRandao) checkProofOfStakeFields(child);
}

function checkGasAndFees(header: BlockHeader, parent: BlockHeader, rules: ForkRules): void {
  // The first London block's target is the parent's whole limit (EIP-1559 doubles the limit).
  const parentGasLimit = rules.eip1559 && parent.baseFeePerGas === null ? parent.gasLimit * ELASTICITY_MULTIPLIER : parent.gasLimit;
  if (!gasLimitWithinBounds(header.gasLimit, parentGasLimit)) {
    fail(`gasLimit ${header.gasLimit} outside the bounds the parent's ${parentGasLimit} allows (less than 1/${GAS_LIMIT_ADJUSTMENT_FACTOR} change, at least ${GAS_LIMIT_MINIMUM})`);
  }
  if (rules.eip1559) {
    const expected = expectedBaseFee(parent);
    if (header.baseFeePerGas !== expected) fail(`baseFeePerGas ${header.baseFeePerGas}, expected ${expected} from the parent (EIP-1559)`);
  }
  if (rules.hasBlobs) {
    const expected = expectedExcessBlobGas(parent, rules);
    if (header.excessBlobGas !== expected) fail(`excessBlobGas ${header.excessBlobGas}, expected ${expected} from the parent (EIP-4844${rules.blobs.reservePriceFromExecution ? ", EIP-7918" : ""})`);
    const maxGas = BigInt(rules.blobs.max) * BLOB_GAS;
    if (header.blobGasUsed! > maxGas) fail(`blobGasUsed ${header.blobGasUsed} above the block's maximum ${maxGas} (${rules.blobs.max} blobs)`);
  }
}

/** EIP-3675: after the Merge, difficulty and nonce are zero and there are no ommers. */
function checkProofOfStakeFields({ header, extras }: DecodedHeader): void {
  if (header.difficulty !== 0n) fail(`difficulty ${header.difficulty}, must be 0 after the Merge`);
  if (!bytesEqual(extras.nonce, ZERO_NONCE)) fail("nonce is not zero, as it must be after the Merge");
  if (!bytesEqual(extras.ommersHash, KECCAK_RLP_EMPTY_LIST)) fail("ommersHash is not the hash of an empty list, as it must be after the Merge");
}

/**
 * The block-level checks of state_transition made before execution: EIP-7934's cap on the block's
 * encoded size, no ommers after the Merge, and withdrawals exactly from Shanghai on.
 */
export function validateBlockBody(decoded: DecodedBlock, rules: ForkRules): void {
  const { block, size } = decoded;
  if (rules.maxBlockRlpSize > 0 && size > rules.maxBlockRlpSize) fail(`block of ${size} bytes RLP, above the ${rules.maxBlockRlpSize} EIP-7934 allows`);
  if (rules.prevRandao && block.ommers.length > 0) fail(`${block.ommers.length} ommers, none allowed after the Merge`);
  if (rules.withdrawals !== (block.withdrawals !== null)) fail(rules.withdrawals ? "no withdrawals list (EIP-4895)" : `a withdrawals list, but EIP-4895 is not enabled in ${rules.name}`);
}

/**
 * The block's blobs within the fork's maximum (check_transaction: each transaction's blob gas
 * against what the block has left, so a block over the maximum is invalid whatever its order).
 */
export function checkBlockBlobGas(block: Block, rules: ForkRules): void {
  if (!rules.hasBlobs) return;
  let blobs = 0;
  for (let i = 0; i < block.transactions.length; i++) {
    blobs += block.transactions[i]!.blobVersionedHashes.length;
    if (blobs > rules.blobs.max) fail(`transaction ${i} brings the block to ${blobs} blobs, above the maximum ${rules.blobs.max} (${BigInt(rules.blobs.max) * BLOB_GAS} blob gas)`);
  }
}
