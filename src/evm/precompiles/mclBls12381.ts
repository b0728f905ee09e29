// The process's one mcl-wasm instance on BLS12-381, shared by the point evaluation precompile
// (kzg.ts) and the EIP-2537 precompiles (bls12381.ts, bls12381Points.ts).
//
// mcl-wasm keeps its WebAssembly instance, curve and settings in module state, and bn254.ts has
// the package's own instance for BN254 (BN_SNARK1). So this module loads a private copy of the
// package's CommonJS modules, with a WebAssembly instance of its own (loadPrivateMcl), that
// neither is nor becomes the instance that `import "mcl-wasm"` gives anyone else. Being an ES
// module, it runs once: the process has two instances, that one and this one.
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
import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
// The shared instance is loaded (not initialised) before the private copy: see loadPrivateMcl.
import "mcl-wasm";

type Mcl = typeof import("mcl-wasm");

/** The instance's API, less what initialises it or changes its settings. */
export type MclBls12381 = Omit<Mcl, "init" | "setETHserialization" | "verifyOrderG1" | "verifyOrderG2" | "setMapToMode">;

const instance = loadPrivateMcl();
await instance.init(instance.BLS12_381);
instance.setETHserialization(true);
instance.verifyOrderG1(true);
instance.verifyOrderG2(true);
instance.setMapToMode(instance.IRTF);

export const mcl: MclBls12381 = instance;

/**
 * A copy of mcl-wasm of its own: required with the shared copy's entries set aside from
 * require's cache, which are then put back as they were. The shared copy must be loaded first
 * (the import above): Node's ES module loader keeps its own record of a CommonJS module it loads,
 * and one it loads after the cache was touched this way comes out incomplete, while one it has
 * already loaded is left as it is.
 */
function loadPrivateMcl(): Mcl {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("mcl-wasm")) + sep;
  const cache = require.cache;
  const setAside = Object.entries(cache).filter(([key]) => key.startsWith(packageDir));
  for (const [key] of setAside) delete cache[key];
  const copy = require("mcl-wasm") as Mcl;
  for (const key of Object.keys(cache)) if (key.startsWith(packageDir)) delete cache[key];
  for (const [key, module] of setAside) cache[key] = module;
  return copy;
}
