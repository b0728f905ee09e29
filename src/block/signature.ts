// Transaction signatures: validity of (v, r, s) per fork and ECDSA public-key recovery on secp256k1
// (Yellow Paper appendix F, EIP-2 low-s, EIP-155 replay protection, typed-transaction y-parity).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Fork, type ForkRules } from "../evm/forks.js";
import { keccak256 } from "../primitives/hash.js";
import { fromBytes, type Word } from "../evm/word.js";
import { signingHash } from "./txEncoding.js";
import { TxType, type Transaction } from "./types.js";

/** The signature cannot yield a sender (bad v/r/s, wrong chain, or recovery failure). */
export class InvalidSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSignatureError";
  }
}

const { Point } = secp256k1;
const Fp = Point.Fp;
const Fn = Point.Fn;

/** The order n of secp256k1's group. */
export const SECP256K1_N: bigint = Fn.ORDER;
const HALF_N = SECP256K1_N >> 1n;

function bigint32(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return (view.getBigUint64(0) << 192n) | (view.getBigUint64(8) << 128n) | (view.getBigUint64(16) << 64n) | view.getBigUint64(24);
}

function writeBigint32(x: bigint, out: Uint8Array, off: number): void {
  const view = new DataView(out.buffer, out.byteOffset + off, 32);
  view.setBigUint64(0, x >> 192n);
  view.setBigUint64(8, (x >> 128n) & 0xffffffffffffffffn);
  view.setBigUint64(16, (x >> 64n) & 0xffffffffffffffffn);
  view.setBigUint64(24, x & 0xffffffffffffffffn);
}

/**
 * The address that signed `hash` (32 bytes) with (r, s) and recovery bit `yParity` (0/1):
 * Q = r⁻¹(s·R − e·G), address = last 20 bytes of keccak(Q.x ‖ Q.y). Checks 0 < r, s < n only
 * (the caller applies the fork's low-s rule). Throws InvalidSignatureError.
 *
 * Same steps as @noble/curves' Signature.recoverPublicKey, but it lifts R from x directly and uses
 * the precomputed base-point table for e·G (about 8% faster, measured).
 */
export function recoverAddress(hash: Uint8Array, r: bigint, s: bigint, yParity: number): Word {
  if (hash.length !== 32) throw new InvalidSignatureError(`message hash must be 32 bytes, got ${hash.length}`);
  if (r <= 0n || r >= SECP256K1_N) throw new InvalidSignatureError("signature r is not in [1, n-1]");
  if (s <= 0n || s >= SECP256K1_N) throw new InvalidSignatureError("signature s is not in [1, n-1]");
  if (yParity !== 0 && yParity !== 1) throw new InvalidSignatureError(`recovery bit ${yParity} is not 0 or 1`);
  // R = (r, y) with y of the given parity; r < n < p so r is a field element.
  let y: bigint;
  try {
    y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(r), r), 7n));
  } catch {
    throw new InvalidSignatureError("signature r is not the x coordinate of a curve point (recovery failed)");
  }
  if (Number(y & 1n) !== yParity) y = Fp.neg(y);
  const R = Point.fromAffine({ x: r, y });
  const rInv = Fn.inv(r);
  const e = Fn.create(bigint32(hash));
  const u1 = Fn.create(-e * rInv);
  const u2 = Fn.create(s * rInv);
  const Q = Point.BASE.multiplyUnsafe(u1).add(R.multiplyUnsafe(u2));
  if (Q.is0()) throw new InvalidSignatureError("recovered public key is the point at infinity (recovery failed)");
  const { x, y: qy } = Q.toAffine();
  const pub = new Uint8Array(64);
  writeBigint32(x, pub, 0);
  writeBigint32(qy, pub, 32);
  return fromBytes(keccak256(pub), 12, 20);
}

/**
 * The y-parity (recovery bit) of the transaction's signature, after checking v and the chain id:
 * legacy v must be 27/28, or 35 + 2·chainId + {0,1} from EIP-155 on (Spurious Dragon) with
 * `tx.chainId` equal to the chain id v encodes; typed v is the y-parity 0/1. When `chainId` is given,
 * a replay-protected transaction must be for that chain.
 */
function signatureParity(tx: Transaction, rules: ForkRules | undefined, chainId: bigint | undefined): number {
  const v = tx.v;
  if (tx.type === TxType.Legacy) {
    if (v === 27n || v === 28n) {
      if (tx.chainId !== null) throw new InvalidSignatureError(`v ${v} is not replay-protected but the transaction has chain id ${tx.chainId}`);
      return Number(v - 27n);
    }
    if (v < 35n) throw new InvalidSignatureError(`invalid v ${v}: expected 27, 28 or 35 + 2 * chainId + {0, 1}`);
    if (rules !== undefined && !rules.eip155) throw new InvalidSignatureError(`v ${v} encodes a chain id (EIP-155), not enabled before Spurious Dragon`);
    const encoded = (v - 35n) >> 1n;
    if (tx.chainId !== encoded) throw new InvalidSignatureError(`v ${v} encodes chain id ${encoded}, but the transaction has chain id ${tx.chainId}`);
    if (chainId !== undefined && encoded !== chainId) throw new InvalidSignatureError(`chain id ${encoded} (from v ${v}) does not match the chain's id ${chainId}`);
    return Number((v - 35n) & 1n);
  }
  if (v !== 0n && v !== 1n) throw new InvalidSignatureError(`invalid y-parity ${v}: expected 0 or 1`);
  if (chainId !== undefined && tx.chainId !== chainId) throw new InvalidSignatureError(`chain id ${tx.chainId} does not match the chain's id ${chainId}`);
  return Number(v);
}

/**
 * The transaction's sender, recovered from its signature. `rules` selects the fork's signature
 * rules (EIP-2 low s from Homestead on, EIP-155 v from Spurious Dragon on); omitted, the latest
 * rules apply. `chainId`, when given, must match a replay-protected transaction's chain id.
 * Throws InvalidSignatureError.
 */
export function recoverSender(tx: Transaction, rules?: ForkRules, chainId?: bigint): Word {
  const parity = signatureParity(tx, rules, chainId);
  const { r, s } = tx;
  if (r <= 0n || r >= SECP256K1_N) throw new InvalidSignatureError("signature r is not in [1, n-1]");
  if (s <= 0n || s >= SECP256K1_N) throw new InvalidSignatureError("signature s is not in [1, n-1]");
  const lowS = rules === undefined || rules.fork >= Fork.Homestead;
  if (lowS && s > HALF_N) throw new InvalidSignatureError("signature s is above n/2 (EIP-2, from Homestead on)");
  return recoverAddress(signingHash(tx), r, s, parity);
}
