// BLS12-381 precompiles (EIP-2537), 0x0b..0x11. Not implemented yet: every call fails.
import { failure, type Precompile } from "./common.js";

const notImplemented: Precompile = (_input, gasLimit) => failure(gasLimit);

export const blsG1Add: Precompile = notImplemented;
export const blsG1Msm: Precompile = notImplemented;
export const blsG2Add: Precompile = notImplemented;
export const blsG2Msm: Precompile = notImplemented;
export const blsPairing: Precompile = notImplemented;
export const blsMapFpToG1: Precompile = notImplemented;
export const blsMapFp2ToG2: Precompile = notImplemented;
