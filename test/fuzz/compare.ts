// Comparing our outcome with the oracle's: rejection, gas used, status, state root (and then, to
// name it, the first differing account fields), logs. And the list of known ethereumjs
// divergences (known-divergences.json), each adjudicated in docs/ethereumjs-divergences.md.
import { readFileSync } from "node:fs";
import { repoPath } from "../fixtures.js";
import type { AccountView, LogView, Outcome, StateView } from "./outcome.js";

export type DivergenceKind = "crash" | "validity" | "gas" | "status" | "state" | "logs";

export interface Difference {
  kind: DivergenceKind;
  text: string;
}

const MAX_STATE_DIFFERENCES = 6;

/** The differences between the two outcomes, most telling first; empty when they agree. */
export async function compareOutcomes(ours: Outcome, theirs: Outcome): Promise<Difference[]> {
  if (ours.crash !== undefined) return [{ kind: "crash", text: `ours crashed: ${firstLines(ours.crash)}` }];
  if (theirs.crash !== undefined) return [{ kind: "crash", text: `ethereumjs crashed: ${firstLines(theirs.crash)}` }];
  if (ours.rejected !== undefined || theirs.rejected !== undefined) {
    if (ours.rejected !== undefined && theirs.rejected !== undefined) return [];
    if (ours.rejected !== undefined) return [{ kind: "validity", text: `ours rejected the transaction (${ours.rejected}); ethereumjs ran it (gas ${theirs.gasUsed}, ${theirs.status})` }];
    return [{ kind: "validity", text: `ethereumjs rejected the transaction (${theirs.rejected}); ours ran it (gas ${ours.gasUsed})` }];
  }
  const out: Difference[] = [];
  if (ours.gasUsed !== theirs.gasUsed) {
    const delta = ours.gasUsed !== undefined && theirs.gasUsed !== undefined ? ` (ours ${ours.gasUsed - theirs.gasUsed > 0n ? "+" : ""}${ours.gasUsed - theirs.gasUsed})` : "";
    out.push({ kind: "gas", text: `gas used: ours ${ours.gasUsed}, ethereumjs ${theirs.gasUsed}${delta}` });
  }
  if (ours.status !== undefined && theirs.status !== undefined && ours.status !== theirs.status) {
    out.push({ kind: "status", text: `status: ours ${ours.status}, ethereumjs ${theirs.status}` });
  }
  if (ours.stateRoot !== theirs.stateRoot) {
    const details = ours.state !== undefined && theirs.state !== undefined ? stateDifferences(await ours.state(), await theirs.state()) : [];
    out.push({ kind: "state", text: `state root: ours ${ours.stateRoot}, ethereumjs ${theirs.stateRoot}${details.length > 0 ? `: ${details.join("; ")}` : ""}` });
  }
  const logDifference = compareLogs(ours.logs ?? [], theirs.logs ?? []);
  if (logDifference !== undefined) out.push({ kind: "logs", text: logDifference });
  return out;
}

function firstLines(s: string): string {
  return s.split("\n").slice(0, 4).join(" | ");
}

/** The first few account-level differences, each naming the address (or its hash) and the field. */
export function stateDifferences(ours: StateView, theirs: StateView): string[] {
  const out: string[] = [];
  const name = (hashed: string, a: AccountView | undefined, b: AccountView | undefined) => a?.address ?? b?.address ?? `keccak(address)=${hashed}`;
  for (const hashed of new Set([...ours.keys(), ...theirs.keys()])) {
    const a = ours.get(hashed);
    const b = theirs.get(hashed);
    const who = name(hashed, a, b);
    if (a === undefined) out.push(`${who} exists only in ethereumjs (${describe(b!)})`);
    else if (b === undefined) out.push(`${who} exists only in ours (${describe(a)})`);
    else out.push(...accountDifferences(who, a, b));
    if (out.length >= MAX_STATE_DIFFERENCES) break;
  }
  return out.slice(0, MAX_STATE_DIFFERENCES);
}

function accountDifferences(who: string, a: AccountView, b: AccountView): string[] {
  const out: string[] = [];
  if (a.nonce !== b.nonce) out.push(`${who} nonce: ours ${a.nonce}, ethereumjs ${b.nonce}`);
  if (a.balance !== b.balance) out.push(`${who} balance: ours ${a.balance}, ethereumjs ${b.balance} (ours ${a.balance - b.balance > 0n ? "+" : ""}${a.balance - b.balance})`);
  if (a.codeHash !== b.codeHash) out.push(`${who} code: ours ${abbreviate(a.code ?? a.codeHash)}, ethereumjs ${abbreviate(b.code ?? b.codeHash)}`);
  for (const hashedSlot of new Set([...a.storage.keys(), ...b.storage.keys()])) {
    const x = a.storage.get(hashedSlot);
    const y = b.storage.get(hashedSlot);
    if (x?.value === y?.value) continue;
    const slot = x?.slot ?? y?.slot ?? `keccak(slot)=${hashedSlot}`;
    out.push(`${who} slot ${shortWord(slot)}: ours 0x${(x?.value ?? 0n).toString(16)}, ethereumjs 0x${(y?.value ?? 0n).toString(16)}`);
  }
  return out;
}

function describe(a: AccountView): string {
  return `nonce ${a.nonce}, balance ${a.balance}, code ${abbreviate(a.code ?? a.codeHash)}, ${a.storage.size} slots`;
}

function shortWord(hex: string): string {
  const trimmed = hex.replace(/^0x0*/, "");
  return "0x" + (trimmed === "" ? "0" : trimmed);
}

function abbreviate(hex: string): string {
  return hex.length <= 26 ? hex : `${hex.slice(0, 24)}…(${(hex.length - 2) / 2} bytes)`;
}

function compareLogs(ours: LogView[], theirs: LogView[]): string | undefined {
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (a === undefined || b === undefined) return `logs: ours has ${ours.length}, ethereumjs ${theirs.length}`;
    if (a.address !== b.address) return `log ${i} address: ours ${a.address}, ethereumjs ${b.address}`;
    if (a.topics.join() !== b.topics.join()) return `log ${i} topics: ours [${a.topics.join(", ")}], ethereumjs [${b.topics.join(", ")}]`;
    if (a.data !== b.data) return `log ${i} data: ours ${abbreviate(a.data)}, ethereumjs ${abbreviate(b.data)}`;
  }
  return undefined;
}

// --- known divergences ---

/**
 * A known deviation of ethereumjs from the spec. quirks.ts corrects it in the oracle; a raw
 * divergence is explained when the corrected oracle agrees with ours and every correction that
 * fired is listed here.
 */
export interface KnownDivergence {
  /** The correction's id in quirks.ts, also the name in docs/ethereumjs-divergences.md. */
  id: string;
  /** Whose behaviour is wrong, per the spec. */
  wrong: "ethereumjs" | "ours";
  reason: string;
  /** The spec text that decides it (EIP, execution-specs function). */
  reference: string;
}

const KNOWN_PATH = repoPath("test/fuzz/known-divergences.json");

export function loadKnownDivergences(): KnownDivergence[] {
  return JSON.parse(readFileSync(KNOWN_PATH, "utf8")) as KnownDivergence[];
}

/**
 * The known divergences that explain a raw divergence, given the corrections that fired in the
 * corrected run and whether that run agreed with ours; undefined when they do not explain it.
 */
export function explain(applied: readonly string[], correctedAgrees: boolean, known: readonly KnownDivergence[]): KnownDivergence[] | undefined {
  if (!correctedAgrees || applied.length === 0) return undefined;
  const entries = applied.map((id) => known.find((k) => k.id === id));
  return entries.every((e) => e !== undefined) ? (entries as KnownDivergence[]) : undefined;
}
