// What one side of the differential run reports for a case: whether it rejected the transaction,
// the post-state root, the gas used, the logs, and (when asked, for naming differences) the
// post-state itself keyed by hashed address and hashed slot, the way the state trie keys it.

export type TxStatus = "success" | "revert" | "halt";

export interface LogView {
  address: string;
  topics: string[];
  data: string;
}

export interface AccountView {
  /** The address, when known (the dump is keyed by keccak(address)). */
  address?: string;
  nonce: bigint;
  balance: bigint;
  codeHash: string;
  code?: string;
  /** Non-zero slots, by keccak(slot): the slot (when known) and its value. */
  storage: Map<string, { slot?: string; value: bigint }>;
}

/** Accounts by keccak(address), "0x"-prefixed lower-case hex. */
export type StateView = Map<string, AccountView>;

export interface Outcome {
  /** The reason the transaction was rejected (invalid); nothing else is set then. */
  rejected?: string;
  /** An exception that is not a rejection: a crash of the implementation. */
  crash?: string;
  stateRoot?: string;
  gasUsed?: bigint;
  /** Undefined where the side does not report it. */
  status?: TxStatus;
  /** Why the top frame halted, as the side words it (for statistics only). */
  haltReason?: string;
  logs?: LogView[];
  /** ethereumjs only: the corrections of known deviations that fired (with `fixQuirks`). */
  quirks?: string[];
  /** The post-state in full; computed only when needed (it is slow on the ethereumjs side). */
  state?: () => Promise<StateView>;
}
