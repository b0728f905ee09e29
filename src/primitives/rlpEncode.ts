// Minimal allocation-lean RLP encoding for hashing paths (trie nodes, accounts, addresses).
// Decoding and general encoding go through @ethereumjs/rlp (primitives/rlp.ts).

function lengthPrefix(len: number, offset: number): Uint8Array {
  if (len < 56) return Uint8Array.of(offset + len);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l % 256);
  return Uint8Array.of(offset + 55 + bytes.length, ...bytes);
}

/** RLP of a byte string. */
export function encodeBytes(b: Uint8Array): Uint8Array {
  if (b.length === 1 && b[0]! < 0x80) return b;
  const prefix = lengthPrefix(b.length, 0x80);
  const out = new Uint8Array(prefix.length + b.length);
  out.set(prefix);
  out.set(b, prefix.length);
  return out;
}

/** RLP of a list whose items are already RLP-encoded. */
export function encodeList(items: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const item of items) total += item.length;
  const prefix = lengthPrefix(total, 0xc0);
  const out = new Uint8Array(prefix.length + total);
  out.set(prefix);
  let off = prefix.length;
  for (const item of items) {
    out.set(item, off);
    off += item.length;
  }
  return out;
}

/** Minimal big-endian bytes of a non-negative integer (0 gives no bytes). */
export function uintBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  let hex = n.toString(16);
  if (hex.length & 1) hex = "0" + hex;
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/** RLP of a non-negative integer. */
export function encodeUint(n: bigint): Uint8Array {
  return encodeBytes(uintBytes(n));
}
