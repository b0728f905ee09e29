// Our side: a state-test case through src/statetest/runner.ts's executeCase, the path
// `pevm statetest` takes, reported as an Outcome.
import { bytesToHex } from "../../src/primitives/bytes.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { addressToBytes, wordToBytes } from "../../src/primitives/word.js";
import { forkByName, rulesFor } from "../../src/fork/forks.js";
import { memoryStateRoot } from "../../src/state/apply.js";
import type { MemoryState } from "../../src/state/memory.js";
import { chainIdOf, executeCase, rulesWithSchedule, type CaseOutcome, type StateTestJson } from "../../src/statetest/runner.js";
import { Status } from "../../src/evm/interpreter.js";
import type { AccountView, Outcome, StateView } from "./outcome.js";

/** Runs the index vector (0, 0, 0) of `test` under `forkName` ("Cancun", "Prague"...). */
export function runOurs(test: StateTestJson, forkName: string): Outcome {
  const fork = forkByName(forkName);
  if (fork === undefined) throw new Error(`unknown fork ${forkName}`);
  const context = { rules: rulesWithSchedule(rulesFor(fork), forkName, test.config), chainId: chainIdOf(test.config) };
  let outcome: ReturnType<typeof executeCase>;
  try {
    outcome = executeCase(test, context, { data: 0, gas: 0, value: 0 });
  } catch (e) {
    return { crash: (e as Error).stack ?? String(e) };
  }
  if (outcome.rejected !== undefined) return { rejected: outcome.rejected };
  const post = outcome.post;
  return {
    stateRoot: bytesToHex(memoryStateRoot(post)),
    gasUsed: outcome.gasUsed,
    status: statusOf(outcome),
    logs: outcome.logs.map((log) => ({
      address: bytesToHex(addressToBytes(log.address)),
      topics: log.topics.map((t) => bytesToHex(wordToBytes(t))),
      data: bytesToHex(log.data),
    })),
    state: async () => stateView(post),
  };
}

/** The top frame's status as executeCase reports it, in the oracle's words. */
function statusOf(outcome: CaseOutcome): Outcome["status"] {
  switch (outcome.status) {
    case Status.Success:
      return "success";
    case Status.Revert:
      return "revert";
    case Status.Failure:
      return "halt";
    default:
      throw new Error("executeCase ran the transaction but reported no status");
  }
}

function stateView(post: MemoryState): StateView {
  const view: StateView = new Map();
  for (const [address, a] of post.accounts) {
    const addressBytes = addressToBytes(address);
    const code = post.codes.get(a.codeHash);
    const account: AccountView = {
      address: bytesToHex(addressBytes),
      nonce: a.nonce,
      balance: a.balance,
      codeHash: bytesToHex(wordToBytes(a.codeHash)),
      code: code === undefined ? undefined : bytesToHex(code),
      storage: new Map(),
    };
    for (const [slot, value] of a.storage) {
      if (value === 0) continue;
      const key = wordToBytes(slot);
      account.storage.set(bytesToHex(keccak256(key)), { slot: bytesToHex(key), value: BigInt(value) });
    }
    view.set(bytesToHex(keccak256(addressBytes)), account);
  }
  return view;
}
