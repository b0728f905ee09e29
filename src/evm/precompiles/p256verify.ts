// P256VERIFY (EIP-7951) at 0x100: ECDSA signature verification on secp256r1 (NIST P-256).
//
// Input (exactly 160 bytes): message hash h, r, s, public key qx, qy, 32 big-endian bytes each.
// The call costs 6900 gas whatever the input; lacking that much gas is the only failure. A valid
// signature returns the word 1; anything else (wrong length, r or s outside (0, n), a coordinate
// >= p, a key off the curve or at infinity, R' at infinity, R'.x != r mod n) returns empty output
// with the call still succeeding. The hash is used as given (no hashing, no reduction needed
// beyond mod n) and high s is accepted: no low-s normalisation as in Ethereum transactions.
//
// The verification is ours (src/primitives/p256.ts: field arithmetic in WebAssembly, about 12x
// @noble/curves' p256, which the tests take as the reference).
import { isP256Point, P256_N, verifyP256 } from "../../primitives/p256.js";
import { P256_P } from "../../primitives/p256Wasm.js";
import { bytesToBigint, EMPTY, failure, success, type PrecompileResult } from "./common.js";

export const P256_VERIFY_ADDRESS = 0x100;

const GAS = 6900;
const INPUT_LENGTH = 160;

const N = P256_N;
const P = P256_P;

const VALID_OUTPUT = new Uint8Array(32);
VALID_OUTPUT[31] = 1;

export function p256Verify(input: Uint8Array, gasLimit: number): PrecompileResult {
  if (GAS > gasLimit) return failure(gasLimit);
  return success(GAS, signatureVerifies(input) ? VALID_OUTPUT.slice() : EMPTY);
}

/** The checks and the verification of EIP-7951, in its order. */
function signatureVerifies(input: Uint8Array): boolean {
  if (input.length !== INPUT_LENGTH) return false;
  const h = bytesToBigint(input.subarray(0, 32));
  const r = bytesToBigint(input.subarray(32, 64));
  const s = bytesToBigint(input.subarray(64, 96));
  const qx = bytesToBigint(input.subarray(96, 128));
  const qy = bytesToBigint(input.subarray(128, 160));
  if (r === 0n || r >= N || s === 0n || s >= N) return false;
  if (qx >= P || qy >= P) return false;
  // (0, 0) is not on the curve (b != 0), so this also rejects the encoding of infinity.
  if (!isP256Point(qx, qy)) return false;
  return verifyP256(h, r, s, qx, qy);
}
