// secp256k1 public-key recovery: ours (src/primitives/secp256k1.ts) against @noble/curves, on 1,000
// random signatures (both recovery ids), median of 5 runs. Two rows: the public key alone
// (noble's Signature.recoverPublicKey), and the sender address as transaction recovery needs it
// (noble: the path src/tx/signature.ts used before, lifting R itself and using the base-point
// table for e·G, then keccak).
// Usage: node dist/bench/secp256k1.js [--json]
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "../src/primitives/hash.js";
import { recoverAddressBytes, recoverPublicKey } from "../src/primitives/secp256k1.js";
import { BenchArgs } from "./args.js";

const args = new BenchArgs("secp256k1", "usage: node dist/bench/secp256k1.js [--json]", { values: [], flags: ["--json"] });

const COUNT = 1000;
const ROUNDS = 5;
const { Point, Signature } = secp256k1;
const Fp = Point.Fp;
const Fn = Point.Fn;

interface Sig {
  hash: Uint8Array;
  r: bigint;
  s: bigint;
  recovery: number;
  signature: InstanceType<typeof Signature>;
}

function makeSignatures(count: number): Sig[] {
  const out: Sig[] = [];
  for (let i = 0; i < count; i++) {
    const secret = secp256k1.utils.randomSecretKey();
    const hash = crypto.getRandomValues(new Uint8Array(32));
    const signature = Signature.fromBytes(secp256k1.sign(hash, secret, { prehash: false, format: "recovered" }), "recovered");
    out.push({ hash, r: signature.r, s: signature.s, recovery: signature.recovery!, signature });
  }
  return out;
}

/** The noble-based sender recovery src/tx/signature.ts used before. */
function nobleAddress(hash: Uint8Array, r: bigint, s: bigint, recovery: number): Uint8Array {
  let y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(r), r), 7n));
  if (Number(y & 1n) !== recovery) y = Fp.neg(y);
  const R = Point.fromAffine({ x: r, y });
  const rInv = Fn.inv(r);
  let e = 0n;
  for (const b of hash) e = (e << 8n) | BigInt(b);
  e = Fn.create(e);
  const Q = Point.BASE.multiplyUnsafe(Fn.create(-e * rInv)).add(R.multiplyUnsafe(Fn.create(s * rInv)));
  return keccak256(Q.toBytes(false).subarray(1)).subarray(12);
}

function microsPer(run: (sig: Sig) => unknown, sigs: Sig[]): number {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    for (const sig of sigs) run(sig);
    times.push(((performance.now() - t0) * 1000) / sigs.length);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const sigs = makeSignatures(COUNT);
const cases: [string, (sig: Sig) => unknown, (sig: Sig) => unknown][] = [
  ["public key (64 bytes)", (g) => recoverPublicKey(g.hash, g.r, g.s, g.recovery), (g) => g.signature.recoverPublicKey(g.hash).toBytes(false)],
  ["sender address (20 bytes)", (g) => recoverAddressBytes(g.hash, g.r, g.s, g.recovery), (g) => nobleAddress(g.hash, g.r, g.s, g.recovery)],
];
// Warm-up (also builds our base-point table and checks both sides agree).
for (const sig of sigs.slice(0, 200)) {
  const a = recoverAddressBytes(sig.hash, sig.r, sig.s, sig.recovery)!;
  const b = nobleAddress(sig.hash, sig.r, sig.s, sig.recovery);
  if (a.some((x, i) => x !== b[i])) throw new Error("ours and noble disagree");
  sig.signature.recoverPublicKey(sig.hash);
  recoverPublicKey(sig.hash, sig.r, sig.s, sig.recovery);
}
const rows = cases.map(([name, ours, noble]) => {
  const o = microsPer(ours, sigs);
  const n = microsPer(noble, sigs);
  return { recovery: name, oursMicros: Number(o.toFixed(1)), nobleMicros: Number(n.toFixed(1)), speedup: Number((n / o).toFixed(2)) };
});
if (args.flag("--json")) console.log(JSON.stringify(rows, null, 2));
else {
  console.log(`secp256k1 recovery, ${COUNT} random signatures, median of ${ROUNDS} runs (µs per recovery)\n`);
  console.log("| recovery | ours µs | @noble/curves µs | speedup |\n| --- | ---: | ---: | ---: |");
  for (const r of rows) console.log(`| ${r.recovery} | ${r.oursMicros} | ${r.nobleMicros} | ${r.speedup}x |`);
}
