// 0x01 ecrecover: the address that signed a 32-byte hash (Yellow Paper appendix E).
// Input (zero-padded to 128 bytes): hash, v, r, s as 32-byte words. An invalid signature is not a
// failure: the call succeeds with empty output.
import { recoverAddressInto, SECP256K1_N } from "../../primitives/secp256k1.js";
import { bytesToBigint, EMPTY, failure, slicePadded, success, type PrecompileResult } from "./common.js";

const GAS = 3000;

/** The signer's address left-padded to 32 bytes, or empty output when the signature is invalid. */
function recoverAddress(input: Uint8Array): Uint8Array {
  const data = slicePadded(input, 0, 128);
  // v is a whole 32-byte word that must equal 27 or 28.
  for (let i = 32; i < 63; i++) if (data[i] !== 0) return EMPTY;
  const v = data[63]!;
  if (v !== 27 && v !== 28) return EMPTY;
  const r = bytesToBigint(data.subarray(64, 96));
  const s = bytesToBigint(data.subarray(96, 128));
  if (r === 0n || s === 0n || r >= SECP256K1_N || s >= SECP256K1_N) return EMPTY;
  // The address is the last 20 bytes of keccak256(x || y), left-padded with 12 zero bytes. Recovery
  // fails (empty output) when r is not the x of a curve point or the key is the point at infinity.
  const out = new Uint8Array(32);
  return recoverAddressInto(data.subarray(0, 32), r, s, v - 27, out, 12) ? out : EMPTY;
}

export function ecrecover(input: Uint8Array, gasLimit: number): PrecompileResult {
  if (GAS > gasLimit) return failure(gasLimit);
  return success(GAS, recoverAddress(input));
}
