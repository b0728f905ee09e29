// Transaction signatures: validity of (v, r, s) per fork and ECDSA public-key recovery on secp256k1
// (Yellow Paper appendix F, EIP-2 low-s, EIP-155 replay protection, typed-transaction y-parity),
// and the authorities of EIP-7702 authorizations.
import type { ForkRules } from "../fork/forks.js";
import { isCurveX, recoverAddressInto, SECP256K1_N as CURVE_N } from "../primitives/secp256k1.js";
import { fromBytes, type Word } from "../primitives/word.js";
import { authorizationSigningHash, signingHash } from "./txEncoding.js";
import { TxType, type Authorization, type Transaction } from "./types.js";

/** The signature cannot yield a sender (bad v/r/s, wrong chain, or recovery failure). */
export class InvalidSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSignatureError";
  }
}

/** The order n of secp256k1's group. */
export const SECP256K1_N: bigint = CURVE_N;
const HALF_N = SECP256K1_N >> 1n;

const ADDRESS = new Uint8Array(20);

/**
 * The address that signed `hash` (32 bytes) with (r, s) and recovery bit `yParity` (0/1):
 * Q = r⁻¹(s·R − e·G), address = last 20 bytes of keccak(Q.x ‖ Q.y). Checks 0 < r, s < n only
 * (the caller applies the fork's low-s rule). Throws InvalidSignatureError.
 *
 * The recovery is src/primitives/secp256k1.ts (bit-identical to @noble/curves, several times
 * faster; see bench/secp256k1.ts).
 */
export function recoverAddress(hash: Uint8Array, r: bigint, s: bigint, yParity: number): Word {
  if (hash.length !== 32) throw new InvalidSignatureError(`message hash must be 32 bytes, got ${hash.length}`);
  if (r <= 0n || r >= SECP256K1_N) throw new InvalidSignatureError("signature r is not in [1, n-1]");
  if (s <= 0n || s >= SECP256K1_N) throw new InvalidSignatureError("signature s is not in [1, n-1]");
  if (yParity !== 0 && yParity !== 1) throw new InvalidSignatureError(`recovery bit ${yParity} is not 0 or 1`);
  if (!recoverAddressInto(hash, r, s, yParity, ADDRESS, 0)) {
    // r, s are in range, so recovery failed on the curve: say which way, as before.
    throw new InvalidSignatureError(
      isCurveX(r)
        ? "recovered public key is the point at infinity (recovery failed)"
        : "signature r is not the x coordinate of a curve point (recovery failed)",
    );
  }
  return fromBytes(ADDRESS, 0, 20);
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
  const lowS = rules === undefined || rules.homesteadCreate; // EIP-2 came with Homestead
  if (lowS && s > HALF_N) throw new InvalidSignatureError("signature s is above n/2 (EIP-2, from Homestead on)");
  return recoverAddress(signingHash(tx), r, s, parity);
}

/**
 * The authority of an EIP-7702 authorization: the signer of keccak(0x05 ‖ rlp([chainId, address,
 * nonce])), or null when the signature yields none (y-parity not 0/1, r not in [1, n-1], s not in
 * [1, n/2], or recovery failure). Such an authorization is skipped, not the transaction. Returns
 * `auth.authority` when a loader has recovered it already. Chain id and nonce are the caller's
 * to check (they depend on the chain and the state).
 */
export function recoverAuthority(auth: Authorization): Word | null {
  if (auth.authority !== undefined) return auth.authority;
  const { yParity, r, s } = auth;
  if ((yParity !== 0n && yParity !== 1n) || r <= 0n || r >= SECP256K1_N || s <= 0n || s > HALF_N) return null;
  if (!recoverAddressInto(authorizationSigningHash(auth), r, s, Number(yParity), ADDRESS, 0)) return null;
  return fromBytes(ADDRESS, 0, 20);
}
