// Deterministic synthetic execution records for the store's tests: every kind of thing a record
// holds (reads with versions and credits, writes of the four fields with credits, system changes,
// deployed code, a worker timeline, senders and targets present, absent and null, words on both
// sides of 2^53), valid for recordFromJson, from a seed.
import { keccak256Word } from "../../src/primitives/hash.js";
import { norm, type Word } from "../../src/primitives/word.js";
import { Field, Outcome, PRE_STATE, TxStatus, type BlockRecord, type Location, type Read, type TimelineEvent, type TxRecord, type Write } from "../../src/records/record.js";
import { KECCAK_EMPTY_WORD } from "../../src/state/reader.js";
import { random } from "../helpers/random.js";

export interface SyntheticOptions {
  /** Transactions (default 12). */
  txs?: number;
  /** Default: the block number. */
  seed?: number;
}

export function syntheticRecord(number: number, options: SyntheticOptions = {}): BlockRecord {
  const rand = random(options.seed ?? number);
  const int = (n: number): number => Math.floor(rand() * n);
  const bigWord = (bits: number): bigint => {
    let v = 0n;
    for (let b = 0; b < bits; b += 32) v = (v << 32n) | BigInt(int(2 ** 32));
    return v & ((1n << BigInt(bits)) - 1n);
  };
  const word = (): Word => (rand() < 0.5 ? int(1000) : norm(bigWord(256)));
  const addresses: Word[] = [0xaa, 0xbb, 3, norm(bigWord(160)), norm(bigWord(160)), norm((1n << 159n) + 7n)];
  const code1 = Uint8Array.from({ length: 1 + int(40) }, () => int(256));
  const code2 = Uint8Array.from({ length: 1 + int(40) }, () => int(256));
  const codes = new Map<Word, Uint8Array>([
    [keccak256Word(code1), code1],
    [keccak256Word(code2), code2],
  ]);
  const codeHashes = [...codes.keys(), KECCAK_EMPTY_WORD];

  // A pool of locations, so that transactions conflict.
  const pool: Location[] = [];
  for (const address of addresses) {
    pool.push({ address, field: Field.Balance, slot: 0 }, { address, field: Field.Nonce, slot: 0 }, { address, field: Field.Code, slot: 0 });
    for (let s = 0; s < 3; s++) pool.push({ address, field: Field.Storage, slot: word() });
  }
  const pick = (k: number): Location[] => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(k, pool.length)) chosen.add(int(pool.length));
    return [...chosen].map((i) => ({ ...pool[i]! }));
  };
  const value = (l: Location): Word | bigint => {
    switch (l.field) {
      case Field.Balance:
        return rand() < 0.3 ? bigWord(200) : BigInt(int(1e9));
      case Field.Nonce:
        return BigInt(int(5000));
      case Field.Code:
        return codeHashes[int(codeHashes.length)]!;
      default:
        return word();
    }
  };
  const writesOf = (locations: Location[]): Write[] =>
    locations.map((location) => ({ location, value: value(location), credit: location.field === Field.Balance && rand() < 0.3 ? BigInt(int(1e6)) : null }));

  const n = options.txs ?? 12;
  const transactions: TxRecord[] = [];
  for (let i = 0; i < n; i++) {
    const reads: Read[] = pick(int(8)).map((location) => {
      const version = i > 0 && rand() < 0.5 ? int(i) : PRE_STATE;
      const credits: number[] = [];
      if (location.field === Field.Balance && i > 1 && rand() < 0.4) for (let c = 0; c < i; c++) if (rand() < 0.3) credits.push(c);
      return { location, version, credits };
    });
    const tx: TxRecord = {
      index: i,
      reads,
      writes: writesOf(pick(int(5))),
      gasUsed: BigInt(21000 + int(1e6)),
      status: rand() < 0.8 ? TxStatus.Success : TxStatus.Failure,
      ms: rand() * 3,
      incarnations: 1 + int(3),
      aborts: int(3),
      validationFailures: int(2),
    };
    const shape = int(4);
    if (shape >= 1) tx.from = addresses[int(addresses.length)]!;
    if (shape === 2) tx.to = null;
    if (shape === 3) tx.to = addresses[int(addresses.length)]!;
    transactions.push(tx);
  }
  const parallel = rand() < 0.7;
  const workers = parallel ? 2 + int(3) : 1;
  const timeline: TimelineEvent[] = [];
  if (parallel) {
    let clock = rand();
    for (let k = 0; k < n * 2; k++) {
      const start = clock;
      clock += rand() * 0.5;
      timeline.push({ tx: int(n), incarnation: int(3), thread: int(workers), start, end: clock, kind: rand() < 0.7 ? "execute" : "validate", outcome: int(3) as Outcome });
    }
  }
  return {
    block: {
      number: BigInt(number),
      hash: rand() < 0.9 ? Uint8Array.from({ length: 32 }, () => int(256)) : null,
      fork: "Cancun",
      coinbase: addresses[1]!,
      gasUsed: transactions.reduce((s, t) => s + t.gasUsed, 0n),
      txCount: n,
    },
    run: {
      mode: parallel ? "parallel" : "sequential",
      workers,
      fallback: parallel ? null : rand() < 0.5 ? "a reason" : null,
      stopped: parallel && rand() < 0.3 ? "too many conflicts" : null,
      executionMs: rand() * 50,
      source: parallel ? "block-stm" : "sequential",
    },
    transactions,
    codes,
    pre: { reads: pick(int(3)), writes: writesOf(pick(int(3))) },
    post: { reads: pick(int(3)), writes: writesOf(pick(int(3))) },
    timeline,
  };
}
