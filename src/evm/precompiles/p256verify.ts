// P256VERIFY (EIP-7951) at 0x100. Not implemented yet: every call fails.
import { failure, type Precompile } from "./common.js";

export const P256_VERIFY_ADDRESS = 0x100;

export const p256Verify: Precompile = (_input, gasLimit) => failure(gasLimit);
