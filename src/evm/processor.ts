// Transaction processing: validity checks, gas purchase, EIP-7702 authorizations, the top-level
// message, refunds, the EIP-7623 calldata floor, fee payment and end-of-transaction cleanup
// (Yellow Paper section 6, EIP-1559, EIP-4844, EIP-7702, EIP-7623).
import { calldataFloorGas, intrinsicGas, PER_AUTH_BASE_COST, PER_EMPTY_ACCOUNT_COST, recoverAuthority, validateForFork } from "../tx/transaction.js";
import { TxType, type Authorization, type Transaction } from "../tx/types.js";
import type { ForkRules } from "../fork/forks.js";
import { KECCAK_EMPTY_WORD } from "../state/reader.js";
import type { Log } from "../state/world.js";
import { delegationCode, delegationTarget, isDelegation } from "./code.js";
import { CallKind, createAddress, Message, Status, type CallResult, type Evm } from "./interpreter.js";
import { big, norm, type Word } from "../primitives/word.js";
import { zeroBytes } from "../primitives/bytes.js";
import { precompileAddresses } from "./precompiles/index.js";

export const GAS_PER_BLOB = 131072n;
const MAX_NONCE = 0xffffffffffffffffn;
/** EIP-7702: refunded for an authorization whose authority already exists. */
const EXISTING_AUTHORITY_REFUND = Number(PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST);
const EMPTY_CODE = new Uint8Array(0);

/** A transaction that cannot be included in a block; nothing it would do happens. */
export class InvalidTransactionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTransactionError";
  }
}

export interface TxResult {
  status: Status;
  gasUsed: bigint;
  logs: Log[];
  /** Address of the contract a creation transaction made (null when not a creation or on failure). */
  contractAddress: Word | null;
  output: Uint8Array;
  blobGasUsed: bigint;
  error?: string;
}

/** EIP-4844 fake_exponential(factor, numerator, denominator). */
export function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  let i = 1n;
  let output = 0n;
  let accum = factor * denominator;
  while (accum > 0n) {
    output += accum;
    accum = (accum * numerator) / (denominator * i);
    i++;
  }
  return output / denominator;
}

/** The blob base fee for a header's excess blob gas, with the fork's update fraction (EIP-4844, EIP-7691). */
export function blobBaseFee(excessBlobGas: bigint, rules: ForkRules): bigint {
  return fakeExponential(1n, excessBlobGas, rules.blobs.baseFeeUpdateFraction);
}

/**
 * Executes `tx` from `sender` on the Evm's world state and finalizes the transaction there.
 * Throws InvalidTransactionError (leaving the state untouched) when the transaction is invalid.
 * `gasAvailable` is what the block has left for it.
 */
export function applyTransaction(evm: Evm, tx: Transaction, sender: Word, gasAvailable: bigint = evm.block.gasLimit): TxResult {
  const { world, rules, block } = evm;

  // Both price the call data's zero bytes apart: counted once.
  const zeros = zeroBytes(tx.data);
  const intrinsic = intrinsicGas(tx, rules, zeros);
  const floor = calldataFloorGas(tx, rules, zeros);
  const gasPrice = checkValidity(evm, tx, sender, gasAvailable, intrinsic, floor);
  const blobGasUsed = GAS_PER_BLOB * BigInt(tx.blobVersionedHashes.length);

  evm.tx = { origin: sender, gasPrice, blobHashes: tx.blobVersionedHashes };
  world.subBalance(sender, tx.gasLimit * gasPrice + blobGasUsed * block.blobBaseFee);

  if (rules.eip2929) {
    world.warmAddress(sender);
    if (tx.to !== null) world.warmAddress(tx.to);
    // The precompiles 0x01..0x(count) as one range; any beyond it (P-256 at 0x100) one by one.
    world.warmAddressRange(rules.precompileCount + 1);
    for (const p of precompileAddresses(rules)) if (p > rules.precompileCount) world.warmAddress(p);
    for (const entry of tx.accessList) {
      world.warmAddress(entry.address);
      for (const key of entry.storageKeys) world.warmSlot(entry.address, key);
    }
    if (rules.warmCoinbase) world.warmAddress(block.coinbase);
  }

  const gas = norm(tx.gasLimit - intrinsic);
  let contractAddress: Word | null = null;
  const msg = new Message(CallKind.Call, sender, tx.to ?? 0, tx.to ?? 0, tx.value, tx.data, gas, 0, false);
  let result: CallResult;
  if (tx.to === null) {
    const nonce = world.getNonce(sender);
    contractAddress = createAddress(sender, nonce);
    world.setNonce(sender, nonce + 1n);
    msg.kind = CallKind.Create;
    msg.to = msg.codeAddress = contractAddress;
    result = evm.create(msg, contractAddress);
    if (result.status !== Status.Success) contractAddress = null;
  } else {
    world.setNonce(sender, world.getNonce(sender) + 1n);
    // After the sender's nonce, before execution; kept when the execution fails (EIP-7702).
    if (tx.authorizationList.length > 0) applyAuthorizations(evm, tx.authorizationList);
    const delegate = rules.eip7702 ? delegationTarget(world.getCode(tx.to)) : null;
    if (delegate === null) {
      result = evm.call(msg);
    } else {
      // A delegated recipient runs its delegate's code (a precompile's own code, not the precompile).
      world.warmAddress(delegate);
      msg.codeAddress = delegate;
      result = evm.call(msg, true);
    }
  }

  const gasLeft = big(result.gasLeft);
  const spent = tx.gasLimit - gasLeft;
  const refundCap = spent / BigInt(rules.maxRefundQuotient);
  const refundCounter = BigInt(Math.max(world.refund, 0));
  const refund = refundCounter < refundCap ? refundCounter : refundCap;
  // EIP-7623: the transaction pays at least its calldata floor (0 before Prague).
  const gasUsed = spent - refund > floor ? spent - refund : floor;

  world.addBalance(sender, (tx.gasLimit - gasUsed) * gasPrice);
  const priorityFee = rules.eip1559 ? gasPrice - block.baseFee : gasPrice;
  const fee = gasUsed * priorityFee;
  // The parallel executor credits fees as deltas, so that paying the coinbase is no conflict. A
  // zero fee still touches the coinbase (EIP-161), which needs its account: no deferring then.
  if (evm.deferCoinbaseFee && fee > 0n) evm.deferredFee = fee;
  else world.payFee(block.coinbase, fee);

  const logs = world.finalizeTransaction(rules);
  return { status: result.status, gasUsed, logs, contractAddress, output: result.output, blobGasUsed, error: result.error };
}

/**
 * EIP-7702: each authorization that holds (this chain or any, nonce below 2^64 - 1, a recoverable
 * authority without code or with a delegation already, the authority's nonce) sets the authority's
 * code to a designator for its address (or clears it for address 0) and increments its nonce. The
 * authority is warm from its recovery on; one that exists already earns a refund.
 */
function applyAuthorizations(evm: Evm, authorizations: readonly Authorization[]): void {
  const { world, block } = evm;
  for (const auth of authorizations) {
    if (auth.chainId !== 0n && auth.chainId !== block.chainId) continue;
    if (auth.nonce >= MAX_NONCE) continue;
    // Recovered once per transaction object (a loader may have done it already).
    const authority = auth.authority !== undefined ? auth.authority : (auth.authority = recoverAuthority(auth));
    if (authority === null) continue;
    world.warmAddress(authority);
    const code = world.getCode(authority);
    if (code.length !== 0 && !isDelegation(code)) continue;
    if (world.getNonce(authority) !== auth.nonce) continue;
    if (world.exists(authority)) world.addRefund(EXISTING_AUTHORITY_REFUND);
    world.setCode(authority, auth.address === 0 ? EMPTY_CODE : delegationCode(auth.address));
    world.setNonce(authority, auth.nonce + 1n);
  }
}

/** Checks everything that makes a transaction invalid; returns the effective gas price. */
function checkValidity(evm: Evm, tx: Transaction, sender: Word, gasAvailable: bigint, intrinsic: bigint, floor: bigint): bigint {
  const { world, rules, block } = evm;
  try {
    validateForFork(tx, rules, intrinsic, floor);
  } catch (e) {
    throw new InvalidTransactionError((e as Error).message);
  }
  const nonce = world.getNonce(sender);
  if (nonce >= MAX_NONCE) throw new InvalidTransactionError(`sender nonce ${nonce} is at the maximum (EIP-2681)`);
  if (tx.nonce !== nonce) throw new InvalidTransactionError(`nonce ${tx.nonce} does not match sender nonce ${nonce}`);
  // EIP-3607: only accounts without code send, and (EIP-7702) those whose code is a delegation.
  if (world.getCodeHash(sender) !== KECCAK_EMPTY_WORD && !(rules.eip7702 && isDelegation(world.getCode(sender)))) {
    throw new InvalidTransactionError("sender has code (EIP-3607)");
  }
  if (tx.gasLimit > gasAvailable) throw new InvalidTransactionError(`gas limit ${tx.gasLimit} exceeds the block's remaining gas ${gasAvailable}`);

  let gasPrice = tx.maxFeePerGas;
  if (rules.eip1559) {
    if (tx.maxFeePerGas < block.baseFee) throw new InvalidTransactionError(`max fee per gas ${tx.maxFeePerGas} below base fee ${block.baseFee}`);
    if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) throw new InvalidTransactionError("max priority fee per gas above max fee per gas");
    const tip = tx.maxFeePerGas - block.baseFee;
    gasPrice = block.baseFee + (tx.maxPriorityFeePerGas < tip ? tx.maxPriorityFeePerGas : tip);
  }
  let maxCost = tx.gasLimit * tx.maxFeePerGas + tx.value;
  if (tx.type === TxType.Blob) {
    if (tx.maxFeePerBlobGas < block.blobBaseFee) throw new InvalidTransactionError(`max fee per blob gas ${tx.maxFeePerBlobGas} below blob base fee ${block.blobBaseFee}`);
    maxCost += GAS_PER_BLOB * BigInt(tx.blobVersionedHashes.length) * tx.maxFeePerBlobGas;
  }
  const balance = world.getBalance(sender);
  if (balance < maxCost) throw new InvalidTransactionError(`sender balance ${balance} below maximum cost ${maxCost}`);
  return gasPrice;
}
