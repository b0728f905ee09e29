// The contracts the block workloads deploy (contracts/*.sol), as compiled by
// scripts/compile-contracts.mjs into contracts.json: runtime bytecode, selectors, event topics and
// storage slots. Reading the committed artifacts means solc is never needed at run time.
import artifacts from "./contracts.json" with { type: "json" };
import { hexToBytes } from "../primitives/bytes.js";
import { keccak256Word } from "../primitives/hash.js";
import type { Word } from "../primitives/word.js";

export interface ContractArtifact {
  source: string;
  runtime: string;
  runtimeSize: number;
  /** Canonical signature → 4-byte selector (0x hex). */
  functions: Record<string, string>;
  /** Canonical signature → topic 0 (0x hex). */
  events: Record<string, string>;
  /** State variable → its slot as solc laid it out. */
  storage: Record<string, { slot: number; offset: number; type: string }>;
}

export interface CompiledContract {
  artifact: ContractArtifact;
  code: Uint8Array;
  codeHash: Word;
  selector(signature: string): Uint8Array;
  slot(variable: string): number;
}

const ALL = artifacts.contracts as Record<string, ContractArtifact>;

/** A compiled contract by name ("Token", "Pool"); throws when the artifacts lack it. */
export function contract(name: string): CompiledContract {
  const artifact = ALL[name];
  if (artifact === undefined) throw new Error(`src/workload/contracts.json has no contract ${name} (run npm run contracts)`);
  const code = hexToBytes(artifact.runtime);
  return {
    artifact,
    code,
    codeHash: keccak256Word(code),
    selector(signature: string): Uint8Array {
      const s = artifact.functions[signature];
      if (s === undefined) throw new Error(`${name} has no function ${signature}`);
      return hexToBytes(s);
    },
    slot(variable: string): number {
      const s = artifact.storage[variable];
      if (s === undefined) throw new Error(`${name} has no state variable ${variable}`);
      return s.slot;
    },
  };
}

/** The compiler and settings the artifacts were built with. */
export const COMPILER = artifacts.compiler;
