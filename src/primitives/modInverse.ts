// Modular inverse: Lehmer's extended Euclid (Knuth, TAOCP 4.5.2, algorithm L) on bigints, with
// the single-precision steps on 48-bit leading digits in doubles (all exact below 2^53).

const TWO48 = 281474976710656;

/** a⁻¹ mod m for 0 < a < m with gcd(a, m) = 1 (m odd prime here). */
export function modInverse(a: bigint, m: bigint): bigint {
  let u = m, v = a;
  let xu = 0n, xv = 1n; // u ≡ xu·a, v ≡ xv·a (mod m)
  for (;;) {
    if (v === 0n) break;
    const uf = Number(u);
    if (uf < TWO48) {
      // Both fit in doubles: finish the Euclid exactly there and combine the cofactors once.
      let uh = uf, vh = Number(v);
      let A = 1, B = 0, C = 0, D = 1;
      while (vh !== 0) {
        const q = Math.floor(uh / vh);
        let t = uh - q * vh;
        uh = vh;
        vh = t;
        t = A - q * C;
        A = C;
        C = t;
        t = B - q * D;
        B = D;
        D = t;
      }
      u = BigInt(uh);
      xu = BigInt(A) * xu + BigInt(B) * xv;
      break;
    }
    let shift = Math.floor(Math.log2(uf)) - 47;
    let uh = Number(u >> BigInt(shift));
    if (uh >= TWO48) {
      shift++;
      uh = Number(u >> BigInt(shift));
    }
    let vh = Number(v >> BigInt(shift));
    let A = 1, B = 0, C = 0, D = 1;
    for (;;) {
      if (vh + C === 0 || vh + D === 0) break;
      const q = Math.floor((uh + A) / (vh + C));
      if (q !== Math.floor((uh + B) / (vh + D))) break;
      let t = A - q * C;
      A = C;
      C = t;
      t = B - q * D;
      B = D;
      D = t;
      t = uh - q * vh;
      uh = vh;
      vh = t;
    }
    if (B === 0) {
      const q = u / v;
      const t = u - q * v;
      u = v;
      v = t;
      const tx = xu - q * xv;
      xu = xv;
      xv = tx;
    } else {
      const bA = BigInt(A), bB = BigInt(B), bC = BigInt(C), bD = BigInt(D);
      const nu = bA * u + bB * v;
      v = bC * u + bD * v;
      u = nu;
      const nx = bA * xu + bB * xv;
      xv = bC * xu + bD * xv;
      xu = nx;
    }
  }
  if (u !== 1n) throw new RangeError("modInverse: not invertible");
  xu %= m;
  return xu < 0n ? xu + m : xu;
}
