// 0x0a KZG point evaluation (EIP-4844): checks a KZG proof that the polynomial committed to by
// `commitment` takes the value y at z. Input (exactly 192 bytes): versioned hash (32), z (32),
// y (32), commitment (48), proof (48). On success returns FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS
// as two 32-byte words; any invalid input or a wrong proof is a failure.
//
// The proof is verified by kzg.ts (mcl-wasm's BLS12-381, with the mainnet ceremony's [tau]G2).
import { createHash } from "node:crypto";
import { bigintToPadded, bytesToBigint, failure, success, type PrecompileResult } from "./common.js";
import { verifyKzgProof } from "./kzg.js";

const GAS = 50000;
const VERSIONED_HASH_VERSION_KZG = 0x01;
export const FIELD_ELEMENTS_PER_BLOB = 4096n;
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

const SUCCESS_OUTPUT = new Uint8Array(64);
SUCCESS_OUTPUT.set(bigintToPadded(FIELD_ELEMENTS_PER_BLOB, 32), 0);
SUCCESS_OUTPUT.set(bigintToPadded(BLS_MODULUS, 32), 32);

export function pointEvaluation(input: Uint8Array, gasLimit: number): PrecompileResult {
  if (GAS > gasLimit || input.length !== 192 || !proofVerifies(input)) return failure(gasLimit);
  return success(GAS, SUCCESS_OUTPUT.slice());
}

function proofVerifies(input: Uint8Array): boolean {
  const z = input.subarray(32, 64);
  const y = input.subarray(64, 96);
  const commitment = input.subarray(96, 144);
  if (!versionedHashMatches(input.subarray(0, 32), commitment)) return false;
  if (bytesToBigint(z) >= BLS_MODULUS || bytesToBigint(y) >= BLS_MODULUS) return false;
  return verifyKzgProof(commitment, z, y, input.subarray(144, 192));
}

/** kzg_to_versioned_hash(commitment) == versionedHash: 0x01 || sha256(commitment)[1:]. */
function versionedHashMatches(versionedHash: Uint8Array, commitment: Uint8Array): boolean {
  if (versionedHash[0] !== VERSIONED_HASH_VERSION_KZG) return false;
  const digest = createHash("sha256").update(commitment).digest();
  for (let i = 1; i < 32; i++) if (digest[i] !== versionedHash[i]) return false;
  return true;
}
