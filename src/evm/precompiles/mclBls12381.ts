// The process's one mcl-wasm instance on BLS12-381, shared by the point evaluation precompile
// (kzg.ts) and the EIP-2537 precompiles (bls12381.ts, bls12381Points.ts).
//
// It is an instance of mcl-wasm of its own (mclLoader.ts): bn254.ts has another, on BN254, and
// `import "mcl-wasm"` gives anyone else the package's shared one, which neither is.
//
// The instance's settings are made here, once, and `mcl` is typed without their setters, so no
// user can change them under another:
// - ETH serialization and verifyOrderG1/G2(true): kzg.ts reads compressed points with deserialize,
//   which then takes ZCash's flags and rejects points outside the order-r subgroup.
// - The map mode of RFC 9380 (mcl's MCL_MAP_TO_MODE_HASH_TO_CURVE, 5, which mcl-wasm calls IRTF):
//   Fp.mapToG1 and Fp2.mapToG2 are then map_to_curve (simplified SWU on the 11- and 3-isogenous
//   curves, then the isogeny) followed by clear_cofactor, without hashing: EIP-2537's
//   MAP_FP_TO_G1 and MAP_FP2_TO_G2. The instance's default mode and the older modes (0-4) give
//   other points.
// bls12381Points.ts reads nothing that these settings change (not isValid, deserialize or
// serialize): it checks points by their coordinates itself.
import { loadMcl, type Mcl } from "./mclLoader.js";

/** The instance's API, less what initialises it or changes its settings. */
export type MclBls12381 = Omit<Mcl, "init" | "setETHserialization" | "verifyOrderG1" | "verifyOrderG2" | "setMapToMode">;

const instance = loadMcl();
await instance.init(instance.BLS12_381);
instance.setETHserialization(true);
instance.verifyOrderG1(true);
instance.verifyOrderG2(true);
instance.setMapToMode(instance.IRTF);

export const mcl: MclBls12381 = instance;

