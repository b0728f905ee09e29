// The mainnet fork schedule: which fork's rules apply to a block, by number and timestamp.
// Activation points from the fixtures README and the execution-specs.
import { Fork } from "../fork/forks.js";

interface Activation {
  fork: Fork;
  block?: bigint;
  timestamp?: bigint;
}

// Ordered; the last entry whose condition holds wins. Muir/Arrow/Gray Glacier only move the
// difficulty bomb, which block execution without header validation does not see.
const MAINNET: Activation[] = [
  { fork: Fork.Frontier, block: 0n },
  { fork: Fork.Homestead, block: 1_150_000n },
  { fork: Fork.TangerineWhistle, block: 2_463_000n },
  { fork: Fork.SpuriousDragon, block: 2_675_000n },
  { fork: Fork.Byzantium, block: 4_370_000n },
  { fork: Fork.Petersburg, block: 7_280_000n },
  { fork: Fork.Istanbul, block: 9_069_000n },
  { fork: Fork.MuirGlacier, block: 9_200_000n },
  { fork: Fork.Berlin, block: 12_244_000n },
  { fork: Fork.London, block: 12_965_000n },
  { fork: Fork.ArrowGlacier, block: 13_773_000n },
  { fork: Fork.GrayGlacier, block: 15_050_000n },
  { fork: Fork.Paris, block: 15_537_394n },
  { fork: Fork.Shanghai, timestamp: 1_681_338_455n },
  { fork: Fork.Cancun, timestamp: 1_710_338_135n },
  { fork: Fork.Prague, timestamp: 1_746_612_311n },
  { fork: Fork.Osaka, timestamp: 1_764_798_551n },
  { fork: Fork.Bpo1, timestamp: 1_765_290_071n },
  { fork: Fork.Bpo2, timestamp: 1_767_747_671n },
];

/** The mainnet fork of a block. (Constantinople never activated alone on mainnet: Petersburg did.) */
export function mainnetFork(number: bigint, timestamp: bigint): Fork {
  let fork = Fork.Frontier;
  for (const a of MAINNET) {
    if ((a.block !== undefined && number >= a.block) || (a.timestamp !== undefined && timestamp >= a.timestamp)) fork = a.fork;
  }
  return fork;
}
