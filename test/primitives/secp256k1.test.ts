// Public-key recovery on secp256k1 (src/primitives/secp256k1.ts) against @noble/curves, the
// reference: random signatures with both recovery ids, random and edge-case garbage (r, s, hash,
// recovery id) where failure and success must agree too, the exceptional additions of the walk,
// the field arithmetic at the limits of its limb bounds, the modular inverse, known vectors and
// mainnet transactions from the fixtures, and the ecrecover precompile against the noble-based
// implementation it replaced.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { invert } from "@noble/curves/abstract/modular.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { blockFromRpc } from "../../src/block/rpc.js";
import { readJson } from "../../src/block/load.js";
import { signingHash } from "../../src/tx/txEncoding.js";
import { TxType } from "../../src/tx/types.js";
import { ecrecover } from "../../src/evm/precompiles/ecrecover.js";
import { addressToHex } from "../../src/primitives/word.js";
import { bytesToHex, hexToBytes } from "../../src/primitives/bytes.js";
import {
  isCurveX,
  recoverAddressBytes,
  recoverAddressInto,
  recoverPublicKey,
  secp256k1Internals,
  SECP256K1_LAMBDA,
  SECP256K1_N,
} from "../../src/primitives/secp256k1.js";
import { modInverse } from "../../src/primitives/modInverse.js";
import { fixturePath } from "../fixtures.js";
import { splitmix64 } from "../splitmix.js";

const { Point, Signature } = secp256k1;
const P = Point.Fp.ORDER;
const N = Point.Fn.ORDER;
const G = Point.BASE;

// Deterministic pseudo-random bytes, so that a failure can be replayed.
const nextU64 = splitmix64(BigInt(process.env.SECP256K1_TEST_SEED ?? "0x5eed5ec9256b1"));
function randomBigint(bits = 256): bigint {
  let x = 0n;
  for (let i = 0; i < bits; i += 64) x = (x << 64n) | nextU64();
  return x >> BigInt(Math.ceil(bits / 64) * 64 - bits);
}
function randomBytes(len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i += 8) {
    let v = nextU64();
    for (let j = i; j < Math.min(len, i + 8); j++, v >>= 8n) out[j] = Number(v & 0xffn);
  }
  return out;
}
function randomBelow(n: bigint): bigint {
  for (;;) {
    const x = randomBigint(256);
    if (x < n) return x;
  }
}
function bytes32(x: bigint): Uint8Array {
  return hexToBytes(x.toString(16).padStart(64, "0"));
}
function hex(b: Uint8Array | null): string {
  return b === null ? "null" : bytesToHex(b);
}

/** noble's answer: the 64-byte key, or null where it throws (invalid signature or recovery failure). */
function nobleRecover(hash: Uint8Array, r: bigint, s: bigint, recovery: number): Uint8Array | null {
  try {
    return new Signature(r, s, recovery).recoverPublicKey(hash).toBytes(false).subarray(1);
  } catch {
    return null;
  }
}

function signRandom(): { hash: Uint8Array; r: bigint; s: bigint; recovery: number; publicKey: Uint8Array } {
  const secret = bytes32(1n + randomBelow(N - 1n));
  const hash = randomBytes(32);
  const sig = Signature.fromBytes(secp256k1.sign(hash, secret, { prehash: false, format: "recovered" }), "recovered");
  return { hash, r: sig.r, s: sig.s, recovery: sig.recovery!, publicKey: secp256k1.getPublicKey(secret, false).subarray(1) };
}

test("constants: n, λ and β agree with noble (λ·G = (β·Gx, Gy))", () => {
  assert.equal(SECP256K1_N, N);
  const lambdaG = G.multiply(SECP256K1_LAMBDA);
  const beta = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;
  assert.equal(lambdaG.x, (beta * G.x) % P);
  assert.equal(lambdaG.y, G.y);
});

test("recoverPublicKey equals noble on 2000 random signatures, with the right and the flipped recovery id", () => {
  let flippedFailures = 0;
  const counts = [0, 0];
  for (let i = 0; i < 2000; i++) {
    const { hash, r, s, recovery, publicKey } = signRandom();
    counts[recovery]!++;
    const ours = recoverPublicKey(hash, r, s, recovery);
    assert.equal(hex(ours), hex(publicKey), `signature ${i}`);
    assert.equal(hex(ours), hex(nobleRecover(hash, r, s, recovery)), `signature ${i}`);
    // The other recovery id lifts -R instead: a different key, never a failure for a valid r.
    const flipped = recoverPublicKey(hash, r, s, 1 - recovery);
    if (flipped === null) flippedFailures++;
    assert.equal(hex(flipped), hex(nobleRecover(hash, r, s, 1 - recovery)), `signature ${i}, flipped id`);
    assert.notEqual(hex(flipped), hex(publicKey));
  }
  assert.equal(flippedFailures, 0);
  assert.ok(counts[0]! > 800 && counts[1]! > 800, `both recovery ids occur: ${counts}`);
});

test("recoverAddressBytes / recoverAddressInto: the last 20 bytes of keccak256 of the key", () => {
  for (let i = 0; i < 50; i++) {
    const { hash, r, s, recovery, publicKey } = signRandom();
    const address = keccak_256(publicKey).subarray(12);
    assert.equal(hex(recoverAddressBytes(hash, r, s, recovery)), bytesToHex(address));
    const out = new Uint8Array(40).fill(0xee);
    assert.equal(recoverAddressInto(hash, r, s, recovery, out, 7), true);
    assert.equal(bytesToHex(out.subarray(7, 27)), bytesToHex(address));
    assert.ok(out.subarray(0, 7).every((b) => b === 0xee) && out.subarray(27).every((b) => b === 0xee));
  }
  const untouched = new Uint8Array(20).fill(0xee);
  assert.equal(recoverAddressInto(new Uint8Array(32), 0n, 1n, 0, untouched, 0), false);
  assert.ok(untouched.every((b) => b === 0xee));
  assert.equal(recoverAddressBytes(new Uint8Array(32), 1n, N, 0), null);
});

test("garbage r, s, hash and recovery ids: success, failure and output equal noble's", () => {
  const specialR = [0n, 1n, 2n, 3n, 7n, N - 1n, N - 2n, N, N + 1n, P - 1n, P, G.x, (1n << 255n) + 19n, (1n << 256n) - 1n];
  const specialS = [0n, 1n, 2n, N / 2n, N / 2n + 1n, N - 1n, N, N + 1n, P - 1n, (1n << 256n) - 1n];
  const specialHash = [0n, 1n, N - 1n, N, N + 1n, P - 1n, P, (1n << 256n) - 1n];
  const rs = () => (nextU64() % 3n === 0n ? specialR[Number(nextU64() % BigInt(specialR.length))]! : randomBigint(256));
  const ss = () => (nextU64() % 3n === 0n ? specialS[Number(nextU64() % BigInt(specialS.length))]! : randomBigint(256));
  const hs = () => (nextU64() % 3n === 0n ? specialHash[Number(nextU64() % BigInt(specialHash.length))]! : randomBigint(256));
  let successes = 0, failures = 0;
  const check = (h: bigint, r: bigint, s: bigint, recovery: number) => {
    const hash = bytes32(h);
    const ours = recoverPublicKey(hash, r, s, recovery);
    assert.equal(hex(ours), hex(nobleRecover(hash, r, s, recovery)), `hash ${h}, r ${r}, s ${s}, recovery ${recovery}`);
    if (ours === null) failures++;
    else successes++;
  };
  for (const r of specialR) for (const s of specialS) for (const recovery of [0, 1]) check(hs(), r, s, recovery);
  for (const h of specialHash) for (const recovery of [0, 1]) check(h, rs(), ss(), recovery);
  for (let i = 0; i < 600; i++) check(hs(), rs(), ss(), Number(nextU64() & 1n));
  // A valid signature with the hash replaced by edge values still recovers some key.
  for (const h of specialHash) {
    const { r, s, recovery } = signRandom();
    check(h, r, s, recovery);
  }
  assert.ok(successes > 200 && failures > 200, `${successes} successes, ${failures} failures`);
  // Recovery ids other than 0 and 1 (noble's 2 and 3 mean r + n) are not supported: null.
  const { hash, r, s } = signRandom();
  assert.equal(recoverPublicKey(hash, r, s, 2), null);
  assert.equal(recoverPublicKey(hash, r, s, -1), null);
  assert.throws(() => recoverPublicKey(new Uint8Array(31), r, s, 0), RangeError);
});

test("r with no curve point: isCurveX agrees with noble's point decoding", () => {
  let on = 0;
  for (let i = 0; i < 300; i++) {
    const x = i < 20 ? BigInt(i) : i < 40 ? P - BigInt(i - 19) : randomBelow(P);
    let noble: boolean;
    try {
      Point.fromBytes(hexToBytes("02" + x.toString(16).padStart(64, "0")));
      noble = true;
    } catch {
      noble = false;
    }
    assert.equal(isCurveX(x), noble, `x = ${x}`);
    if (noble) on++;
  }
  assert.ok(on > 100 && on < 200);
  assert.equal(isCurveX(N - 1n), false); // TransactionTests' TransactionWithRvalueHigh
});

test("exceptional additions (acc = ±P mid-walk, result at infinity) take the checked walk and match noble", () => {
  // R = G: with hash e = s the result is (s - e)/r·G = infinity; with e = -s it is 2s/r·G and the
  // walk's first addition doubles. Likewise R = -G, R = λG and R = 2G for other ratios.
  const candidates: [bigint, number][] = [
    [G.x, Number(G.y & 1n)],
    [G.x, Number((P - G.y) & 1n)],
    [G.multiply(SECP256K1_LAMBDA).x, Number(G.multiply(SECP256K1_LAMBDA).y & 1n)],
    [G.double().x, Number(G.double().y & 1n)],
  ];
  const before = secp256k1Internals.stats.checkedWalks;
  let nulls = 0, keys = 0;
  for (const [r, recovery] of candidates) {
    if (r >= N) continue;
    for (const s of [1n, 2n, 3n, 12345n, N - 1n, N / 2n, randomBelow(N - 1n) + 1n]) {
      for (const e of [s, N - s, (2n * s) % N, N - ((2n * s) % N), (3n * s) % N, (s * SECP256K1_LAMBDA) % N]) {
        const hash = bytes32(e);
        const ours = recoverPublicKey(hash, r, s, recovery);
        assert.equal(hex(ours), hex(nobleRecover(hash, r, s, recovery)), `r ${r}, s ${s}, e ${e}`);
        if (ours === null) nulls++;
        else keys++;
      }
    }
  }
  assert.ok(nulls > 0 && keys > 0);
  assert.ok(secp256k1Internals.stats.checkedWalks - before >= 10, `checked walks: ${secp256k1Internals.stats.checkedWalks - before}`);
});

test("modInverse equals noble's invert mod p and mod n (random and edge values)", () => {
  for (const m of [P, N]) {
    for (const a of [1n, 2n, 3n, m - 1n, m - 2n, m >> 1n, (m >> 1n) + 1n, 1n << 255n, (1n << 48n) - 1n, 1n << 48n, 0xffffffffffffn + 2n]) {
      assert.equal(modInverse(a, m), invert(a, m), `a = ${a}`);
    }
    for (let i = 0; i < 2000; i++) {
      const bits = 1 + Number(nextU64() % 256n);
      const a = (randomBigint(bits) % (m - 1n)) + 1n;
      assert.equal(modInverse(a, m), invert(a, m), `a = ${a}`);
    }
  }
  assert.throws(() => modInverse(6n, 9n), RangeError);
});

// --- field arithmetic at the limits of the limb invariant (0 <= limb < 2^27) ---

const LIMB32 = secp256k1Internals.limb32;
const LIMBS = secp256k1Internals.limbs;
const [RA, RB, RO] = secp256k1Internals.registers;
const MAX_LIMB = 2 ** 27 - 1;

function setLimbs(reg: number, limbs: number[]): void {
  for (let i = 0; i < LIMBS; i++) LIMB32[reg / 4 + i] = limbs[i]!;
}
function limbsOf(reg: number): number[] {
  return Array.from(LIMB32.subarray(reg / 4, reg / 4 + LIMBS));
}
function valueOf(limbs: number[]): bigint {
  let x = 0n;
  for (let i = LIMBS - 1; i >= 0; i--) x = (x << 26n) + BigInt(limbs[i]!);
  return x % P;
}

const limbPatterns: (() => number[])[] = [
  () => Array(LIMBS).fill(MAX_LIMB),
  () => Array(LIMBS).fill(0),
  () => Array.from({ length: LIMBS }, (_, i) => (i & 1 ? MAX_LIMB : 0)),
  () => Array.from({ length: LIMBS }, (_, i) => (i & 1 ? 0 : MAX_LIMB)),
  () => Array.from({ length: LIMBS }, () => Number(nextU64() % BigInt(MAX_LIMB + 1))),
  () => Array.from({ length: LIMBS }, () => (nextU64() & 1n ? MAX_LIMB : 0)),
  () => Array.from({ length: LIMBS }, () => Number(nextU64() % BigInt(2 ** 26))),
];

test("field multiply, square, add, subtract and small multiples are exact at the limb bounds", () => {
  for (let round = 0; round < 3000; round++) {
    const a = limbPatterns[round % limbPatterns.length]!();
    const b = limbPatterns[Math.floor(round / limbPatterns.length) % limbPatterns.length]!();
    const va = valueOf(a), vb = valueOf(b);
    const cases: [string, () => void, bigint, number][] = [
      // Products leave every limb at most 2^26; one carry step per limb, below 2^26 + 2^18.
      ["mul", () => secp256k1Internals.fmul(RO, RA, RB), (va * vb) % P, 2 ** 26],
      ["sqr", () => secp256k1Internals.fsqr(RO, RA), (va * va) % P, 2 ** 26],
      ["add", () => secp256k1Internals.fadd(RO, RA, RB), (va + vb) % P, 2 ** 26 + 2 ** 18],
      ["sub", () => secp256k1Internals.fsub(RO, RA, RB), (va - vb + P) % P, 2 ** 26 + 2 ** 18],
      ["neg", () => secp256k1Internals.fneg(RO, RA), (P - va) % P, 2 ** 26 + 2 ** 18],
      ["mul8", () => secp256k1Internals.fmulSmall(RO, RA, 8), (8n * va) % P, 2 ** 26 + 2 ** 18],
      ["mul3", () => secp256k1Internals.fmulSmall(RO, RA, 3), (3n * va) % P, 2 ** 26 + 2 ** 18],
    ];
    for (const [name, run, expected, bound] of cases) {
      setLimbs(RA, a);
      setLimbs(RB, b);
      run();
      const out = limbsOf(RO);
      assert.equal(valueOf(out), expected, `${name} round ${round}: ${a} / ${b}`);
      assert.ok(Math.max(...out) <= bound, `${name} round ${round}: limbs ${out} exceed ${bound}`);
      assert.equal(secp256k1Internals.fget(RO), expected);
    }
  }
});

test("field arithmetic: long chains stay exact and canonical output is reduced", () => {
  let x = randomBelow(P), y = randomBelow(P);
  secp256k1Internals.fset(RA, x);
  secp256k1Internals.fset(RB, y);
  for (let i = 0; i < 5000; i++) {
    switch (i % 5) {
      case 0: secp256k1Internals.fmul(RA, RA, RB); x = (x * y) % P; break;
      case 1: secp256k1Internals.fsub(RB, RA, RB); y = (x - y + P) % P; break;
      case 2: secp256k1Internals.fsqr(RB, RB); y = (y * y) % P; break;
      case 3: secp256k1Internals.fneg(RA, RA); x = (P - x) % P; break;
      default: secp256k1Internals.fadd(RB, RB, RA); y = (x + y) % P;
    }
    if (i % 97 === 0) {
      assert.equal(secp256k1Internals.fget(RA), x);
      assert.equal(secp256k1Internals.fget(RB), y);
    }
  }
  for (const v of [0n, 1n, P - 1n, P, P + 1n, 2n * P, (1n << 256n) - 1n, (1n << 260n) - 1n, 15n * P]) {
    secp256k1Internals.fset(RA, v);
    assert.equal(secp256k1Internals.fget(RA), v % P);
    secp256k1Internals.fneg(RA, RA);
    assert.equal(secp256k1Internals.fget(RA), (P - (v % P)) % P);
  }
});

// --- known vectors ---

test("known vectors: the EIP-155 example and ethereum/tests' CallEcrecover0", () => {
  // EIP-155: nonce 9, 20 gwei, 21000 gas, to 0x3535..35, 1 ether, chain id 1, key 0x4646..46.
  const eip155 = recoverAddressBytes(
    hexToBytes("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"),
    18515461264373351373200002665853028612451056578545711640558177340181847433846n,
    46948507304638947509940763649030358759909902576025900602547168820602576006531n,
    0, // v = 37 = 35 + 2·1 + 0
  );
  assert.equal(hex(eip155), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
  const ecrecover0 = recoverAddressBytes(
    hexToBytes("0x18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"),
    0x73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75fn,
    0xeeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549n,
    1, // v = 28
  );
  assert.equal(hex(ecrecover0), "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b");
  // Private key 1 signs as 0x7e5f4552091a69125d5dfcb7b8c2659029395bdf.
  const key1 = bytes32(1n);
  const hash = new Uint8Array(32).fill(0xab);
  const sig = Signature.fromBytes(secp256k1.sign(hash, key1, { prehash: false, format: "recovered" }), "recovered");
  assert.equal(hex(recoverAddressBytes(hash, sig.r, sig.s, sig.recovery!)), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
});

const MAINNET_BLOCKS = fixturePath("mainnet/blocks");

test("mainnet transactions: the recovered sender is each transaction's \"from\" (fixtures)", { skip: !existsSync(MAINNET_BLOCKS) && `fixtures absent: ${MAINNET_BLOCKS}` }, () => {
  let checked = 0;
  for (const dir of readdirSync(MAINNET_BLOCKS).sort().slice(0, 12)) {
    const path = join(MAINNET_BLOCKS, dir, "block.json");
    if (!existsSync(path)) continue;
    const block = blockFromRpc(readJson(path), path);
    for (const tx of block.transactions.slice(0, 40)) {
      if (tx.claimedSender === undefined) continue;
      const parity = tx.type !== TxType.Legacy ? Number(tx.v) : tx.v <= 28n ? Number(tx.v - 27n) : Number((tx.v - 35n) & 1n);
      const hash = signingHash(tx);
      const ours = recoverAddressBytes(hash, tx.r, tx.s, parity);
      assert.ok(ours !== null, `${path}: ${dir} tx`);
      assert.equal(bytesToHex(ours), addressToHex(tx.claimedSender), `${path}`);
      const noble = nobleRecover(hash, tx.r, tx.s, parity);
      assert.equal(bytesToHex(ours), bytesToHex(keccak_256(noble!).subarray(12)));
      checked++;
    }
  }
  assert.ok(checked > 100, `${checked} transactions`);
});

// --- the ecrecover precompile against the noble-based implementation it replaced ---

function nobleEcrecover(input: Uint8Array): Uint8Array {
  const data = new Uint8Array(128);
  data.set(input.subarray(0, 128));
  for (let i = 32; i < 63; i++) if (data[i] !== 0) return new Uint8Array(0);
  const v = data[63]!;
  if (v !== 27 && v !== 28) return new Uint8Array(0);
  const r = BigInt(bytesToHex(data.subarray(64, 96)));
  const s = BigInt(bytesToHex(data.subarray(96, 128)));
  if (r === 0n || s === 0n || r >= N || s >= N) return new Uint8Array(0);
  const key = nobleRecover(data.subarray(0, 32), r, s, v - 27);
  if (key === null) return new Uint8Array(0);
  const out = keccak_256(key);
  out.fill(0, 0, 12);
  return out;
}

test("ecrecover precompile: output equals the noble-based implementation on valid and garbage input", () => {
  const inputs: Uint8Array[] = [];
  for (let i = 0; i < 150; i++) {
    const { hash, r, s, recovery } = signRandom();
    const v = 27 + recovery;
    const words = [hash, bytes32(BigInt(v)), bytes32(r), bytes32(s)];
    const kind = i % 6;
    if (kind === 1) words[1] = bytes32(BigInt(55 - v)); // the other id
    if (kind === 2) words[2] = bytes32(randomBigint(256)); // random r
    if (kind === 3) words[3] = bytes32([0n, N, N - 1n, randomBigint(256)][i % 4]!);
    if (kind === 4) words[1] = bytes32([0n, 1n, 29n, (1n << 8n) + 27n, (1n << 255n) + 28n][i % 5]!);
    const input = new Uint8Array(128);
    words.forEach((w, j) => input.set(w, 32 * j));
    inputs.push(kind === 5 ? input.subarray(0, Number(nextU64() % 128n)) : input);
  }
  let nonEmpty = 0;
  for (const input of inputs) {
    const result = ecrecover(input, 3000);
    assert.equal(result.ok, true);
    assert.equal(result.gasUsed, 3000);
    assert.equal(bytesToHex(result.output), bytesToHex(nobleEcrecover(input)), bytesToHex(input));
    if (result.output.length > 0) nonEmpty++;
  }
  assert.ok(nonEmpty > 30);
});
