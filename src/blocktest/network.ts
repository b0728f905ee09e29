// A blockchain test's `network`: one fork ("Prague") or a transition ("PragueToOsakaAtTime15k":
// Prague before timestamp 15,000, Osaka from it; "BerlinToLondonAt5": London from block 5), and
// the rules of each block, with the blob parameters of the test's config.blobSchedule.
import { Fork, forkByName, rulesFor, type BlobParams, type ForkRules } from "../fork/forks.js";

export interface BlobScheduleJson {
  target: string;
  max: string;
  baseFeeUpdateFraction: string;
}

export interface ConfigJson {
  chainid?: string;
  blobSchedule?: Record<string, BlobScheduleJson>;
}

/** The rules of the blocks of a test's chain. */
export interface Network {
  name: string;
  /** The rules of the block with this number and timestamp. */
  rulesAt(number: bigint, timestamp: bigint): ForkRules;
}

/** The network's fork or forks are unknown, or the config disagrees with the fork table. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

const TRANSITION = /^(\w+?)To(\w+?)At(Time)?(\d+)(k?)$/;

/** The network named by a test, with its config's blob schedule. Throws NetworkError. */
export function networkOf(name: string, config: ConfigJson | undefined): Network {
  const transition = TRANSITION.exec(name);
  if (transition === null) {
    const rules = forkRules(name, config);
    return { name, rulesAt: () => rules };
  }
  const [, fromName, toName, byTime, amount, thousands] = transition;
  const before = forkRules(fromName!, config);
  const after = forkRules(toName!, config);
  const at = BigInt(amount!) * (thousands === "k" ? 1000n : 1n);
  return {
    name,
    rulesAt: (number, timestamp) => ((byTime === undefined ? number : timestamp) >= at ? after : before),
  };
}

// Blob-parameter-only forks (EIP-7892) past the table's last one take that one's rules with the
// config's blob parameters: "BPO3", "BPO4" of the tests' schedules.
const BPO = /^BPO(\d+)$/i;
const LAST_BPO = Fork.Bpo2;

/**
 * The rules of one fork by its test name. The config's blob parameters, when it gives them, must
 * equal the fork table's (they are the mainnet values); a BPO fork past the table takes them from
 * the config, which must then give them.
 */
export function forkRules(name: string, config: ConfigJson | undefined): ForkRules {
  const schedule = scheduleFor(config, name);
  const fork = forkByName(name);
  if (fork !== undefined) {
    const rules = rulesFor(fork);
    if (schedule !== undefined && rules.hasBlobs) checkAgrees(rules, schedule, name);
    return rules;
  }
  if (BPO.test(name)) {
    if (schedule === undefined) throw new NetworkError(`fork ${name}: a blob-parameter-only fork pevm's table lacks, and config.blobSchedule gives no parameters for it`);
    const base = rulesFor(LAST_BPO);
    return { ...base, name: name.toUpperCase(), blobs: { ...base.blobs, ...blobParams(schedule, name) } };
  }
  throw new NetworkError(`unknown fork ${name}`);
}

function scheduleFor(config: ConfigJson | undefined, name: string): BlobScheduleJson | undefined {
  const schedule = config?.blobSchedule;
  if (schedule === undefined) return undefined;
  const key = Object.keys(schedule).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : schedule[key];
}

function blobParams(schedule: BlobScheduleJson, name: string): Pick<BlobParams, "target" | "max" | "baseFeeUpdateFraction"> {
  const read = (key: keyof BlobScheduleJson): bigint => {
    const value = schedule[key];
    if (typeof value !== "string" || !/^0x[0-9a-f]+$/i.test(value)) throw new NetworkError(`config.blobSchedule.${name}.${key}: expected a hex quantity, got ${JSON.stringify(value)}`);
    return BigInt(value);
  };
  return { target: Number(read("target")), max: Number(read("max")), baseFeeUpdateFraction: read("baseFeeUpdateFraction") };
}

function checkAgrees(rules: ForkRules, schedule: BlobScheduleJson, name: string): void {
  const given = blobParams(schedule, name);
  const { target, max, baseFeeUpdateFraction } = rules.blobs;
  if (given.target !== target || given.max !== max || given.baseFeeUpdateFraction !== baseFeeUpdateFraction) {
    throw new NetworkError(
      `config.blobSchedule.${name} (target ${given.target}, max ${given.max}, update fraction ${given.baseFeeUpdateFraction}) disagrees with the fork table's ${rules.name} (target ${target}, max ${max}, update fraction ${baseFeeUpdateFraction})`,
    );
  }
}
