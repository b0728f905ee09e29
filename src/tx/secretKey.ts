// The sender of a secret key, for inputs that give keys instead of signatures (state tests). Its
// own module: the curve library it needs is not loaded by the paths that execute blocks.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "../primitives/hash.js";
import { fromBytes, type Word } from "../primitives/word.js";

/** The address of a secret key. */
export function senderFromSecretKey(secretKey: Uint8Array): Word {
  const publicKey = secp256k1.getPublicKey(secretKey, false);
  return fromBytes(keccak256(publicKey.subarray(1)), 12, 20);
}
