// Width-w non-adjacent form of a scalar, for the curves' multi-scalar walks (./secp256k1.ts, ./p256.ts).

const MASK32 = 0xffffffffn;
/** The scalar's 32-bit words, low first, with a zero word above (scalars below 2^320). */
const WORDS = new Uint32Array(11);

/** `count` (< 32) bits of WORDS starting at bit `pos`. */
function bitsAt(pos: number, count: number): number {
  const wi = pos >>> 5, bi = pos & 31;
  let v = WORDS[wi]! >>> bi;
  if (bi + count > 32) v |= WORDS[wi + 1]! << (32 - bi);
  return (v & ((1 << count) - 1)) >>> 0;
}

/**
 * Writes the width-w NAF of 0 <= k < 2^(out.length - 1) into out (digit i has weight 2^i; nonzero
 * digits are odd, |d| < 2^(w-1), and any w consecutive digits hold at most one nonzero). Returns
 * the length (index of the top nonzero digit + 1, 0 for k = 0).
 */
export function wnaf(k: bigint, w: number, out: Int16Array): number {
  out.fill(0);
  if (k === 0n) return 0;
  const words = Math.ceil(out.length / 32);
  if (words >= WORDS.length) throw new RangeError(`wnaf: ${out.length} digits is too many`);
  for (let i = 0; i < words; i++) {
    WORDS[i] = Number(k & MASK32);
    k >>= 32n;
  }
  if (k !== 0n) throw new RangeError(`wnaf: scalar above 2^${32 * words}`);
  WORDS[words] = 0;
  let carry = 0, bit = 0, len = 0;
  while (bit < out.length) {
    if (bitsAt(bit, 1) === carry) {
      bit++;
      continue;
    }
    let word = bitsAt(bit, w) + carry;
    carry = (word >> (w - 1)) & 1;
    word -= carry << w;
    out[bit] = word;
    len = bit + 1;
    bit += w;
  }
  return len;
}
