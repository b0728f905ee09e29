import assert from "node:assert/strict";
import { test } from "node:test";
import { mainnetFork } from "../../src/block/schedule.js";
import { Fork } from "../../src/fork/forks.js";

test("mainnet fork boundaries by block number and timestamp", () => {
  const cases: [bigint, bigint, Fork][] = [
    [46_147n, 0n, Fork.Frontier],
    [1_149_999n, 0n, Fork.Frontier],
    [1_150_000n, 0n, Fork.Homestead],
    [2_462_999n, 0n, Fork.Homestead],
    [2_463_000n, 0n, Fork.TangerineWhistle],
    [2_675_000n, 0n, Fork.SpuriousDragon],
    [4_369_999n, 0n, Fork.SpuriousDragon],
    [4_370_000n, 0n, Fork.Byzantium],
    [7_280_000n, 0n, Fork.Petersburg],
    [9_069_000n, 0n, Fork.Istanbul],
    [12_243_999n, 0n, Fork.MuirGlacier],
    [12_244_000n, 0n, Fork.Berlin],
    [12_965_000n, 0n, Fork.London],
    [15_537_393n, 1_663_224_162n, Fork.GrayGlacier],
    [15_537_394n, 1_663_224_179n, Fork.Paris],
    [17_034_869n, 1_681_338_479n, Fork.Shanghai],
    [19_426_586n, 1_710_338_123n, Fork.Shanghai],
    [19_426_587n, 1_710_338_135n, Fork.Cancun],
    [22_431_083n, 1_746_612_299n, Fork.Cancun],
    [22_431_084n, 1_746_612_311n, Fork.Prague],
    [23_935_693n, 1_764_798_539n, Fork.Prague],
    [23_935_694n, 1_764_798_551n, Fork.Osaka],
    [23_975_795n, 1_765_290_071n, Fork.Bpo1],
    [24_100_000n, 1_767_747_670n, Fork.Bpo1],
    [24_100_001n, 1_767_747_671n, Fork.Bpo2],
  ];
  for (const [number, timestamp, fork] of cases) assert.equal(mainnetFork(number, timestamp), fork, `block ${number}`);
});
