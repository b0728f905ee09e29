// Corrections for @ethereumjs/vm 10.1.3 behaviour that differs from the specification (each one
// adjudicated in docs/ethereumjs-divergences.md and listed in known-divergences.json). When a raw
// run of a case diverges from ours, the case runs again with these hooks installed; a correction
// that fires is recorded, and if the corrected run agrees with ours, the divergence is explained.
//
// The hooks use ethereumjs's message events and wrap one EVM method on the instance; nothing in
// node_modules changes.
import type { VM } from "@ethereumjs/vm";

/** Ids of the corrections, as known-divergences.json names them. */
export const CREATE_REVERT_EF = "create-revert-ef";
export const PRECOMPILE_FAILURE_REVERT = "precompile-failure-revert";

interface ExecResultLike {
  executionGasUsed: bigint;
  returnValue: Uint8Array;
  exceptionError?: { error: string };
}

interface Frame {
  isCreate: boolean;
  /** The message, whose `isCompiled` ethereumjs sets once it runs a precompile for it. */
  message: { isCompiled?: boolean };
  /** The init code's own result when it ended in REVERT. */
  reverted?: ExecResultLike;
}

/**
 * Installs the corrections on `vm`; the ids of those that fire are added to `applied`.
 *
 * create-revert-ef: ethereumjs applies the EIP-3541 check (new code must not start with 0xEF) to
 * the output of init code that REVERTed, turning the revert into an exceptional halt that burns
 * all the frame's gas and drops the revert data. The correction restores the REVERT result.
 *
 * precompile-failure-revert: a precompile that fails on its input (a point off the curve, say) is
 * an exceptional halt, and ethereumjs runs it as one (all the gas consumed, no output), but names
 * the error "revert". The correction names it as a halt.
 */
export function installQuirkFixes(vm: VM, applied: Set<string>): void {
  const evm = vm.evm as unknown as {
    events: { on(topic: string, listener: (data: never) => void): void };
    runInterpreter(message: { isCreate?: boolean }, opts?: unknown): Promise<ExecResultLike>;
  };
  const frames: Frame[] = [];
  evm.events.on("beforeMessage", (message: { to?: unknown; isCompiled?: boolean }) => {
    frames.push({ isCreate: message.to === undefined, message });
  });
  const runInterpreter = evm.runInterpreter.bind(evm);
  evm.runInterpreter = async (message, opts) => {
    const result = await runInterpreter(message, opts);
    const frame = frames[frames.length - 1];
    if (message.isCreate === true && frame?.isCreate === true && result.exceptionError?.error === "revert") {
      frame.reverted = { executionGasUsed: result.executionGasUsed, returnValue: result.returnValue, exceptionError: result.exceptionError };
    }
    return result;
  };
  evm.events.on("afterMessage", (result: { execResult: ExecResultLike }) => {
    const frame = frames.pop();
    const exec = result.execResult;
    if (frame?.message.isCompiled === true && exec.exceptionError?.error === "revert" && exec.returnValue.length === 0) {
      exec.exceptionError = { error: "precompile failed" };
      applied.add(PRECOMPILE_FAILURE_REVERT);
      return;
    }
    const reverted = frame?.reverted;
    if (reverted === undefined || result.execResult.exceptionError?.error !== "invalid bytecode deployed") return;
    result.execResult.exceptionError = reverted.exceptionError;
    result.execResult.executionGasUsed = reverted.executionGasUsed;
    result.execResult.returnValue = reverted.returnValue;
    applied.add(CREATE_REVERT_EF);
  });
}
