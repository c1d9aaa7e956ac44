/**
 * Float text exactly as TiDB prints it.
 *
 * Go's strconv.FormatFloat(v, fmt, -1, bitSize) = shortest digits that round-trip at that bit
 * size, the closest such, exact ties to even. float64: ECMAScript Number::toString has exactly
 * that contract. float32: searched per precision with Math.fround and exact BigInt distances.
 * Checked against numpy's Dragon4 in test/tidb/fixtures/float-shortest.json.
 *
 * FLOAT/DOUBLE columns (pingcap/tidb:pkg/server/internal/dump/dump.go AppendFormatFloat):
 *   NaN/±Inf -> "0"; exponent form when |v| >= 1e15 or 0 < |v| < 1e-15 (compared as float32 for
 *   FLOAT), '+' removed from the exponent; FLOAT in exponent form uses 6 significant digits
 *   ('e', prec 5) with trailing zeros (and a bare '.') removed; otherwise 'f' with shortest digits.
 *   e.g. DOUBLE 1e15 -> "1e15", DOUBLE 0.1 -> "0.1", FLOAT 0.1 -> "0.1", DOUBLE 1e-16 -> "1e-16".
 * JSON doubles (pingcap/tidb:pkg/types/json_binary.go marshalFloat64To, see §6.8 of the spec):
 *   same 1e15 / 1e-15 cut-offs at float64, '+' removed, "e-09" -> "e-9", ".0" appended to an
 *   integral value printed in 'f' form.
 * VECTOR elements (pkg/types/vector.go): strconv.FormatFloat(v, 'f', -1, 32).
 */

export interface ShortestDigits {
  negative: boolean;
  /** Significant digits, no leading/trailing zeros (except "0" for zero). */
  digits: string;
  /** Decimal exponent of the first digit: value = d.ddd × 10^exp. */
  exp: number;
}

function fromDigits(negative: boolean, m: bigint, q: number): ShortestDigits {
  // value = m × 10^q; normalise to d.ddd × 10^exp without trailing zeros
  let str = m.toString();
  const exp = q + str.length - 1;
  str = str.replace(/0+$/, '') || '0';
  return { negative, digits: str, exp };
}

/** Digits of ECMAScript Number::toString (shortest, closest, ties to even — spec-defined). */
function float64Shortest(v: number): ShortestDigits {
  const negative = v < 0;
  const s = String(Math.abs(v));
  const eAt = s.indexOf('e');
  const mantissa = eAt < 0 ? s : s.slice(0, eAt);
  let q = eAt < 0 ? 0 : Number(s.slice(eAt + 1));
  const dot = mantissa.indexOf('.');
  let intDigits = mantissa;
  if (dot >= 0) {
    intDigits = mantissa.slice(0, dot) + mantissa.slice(dot + 1);
    q -= mantissa.length - dot - 1;
  }
  return fromDigits(negative, BigInt(intDigits.replace(/^0+/, '') || '0'), q);
}

const bitsView = new DataView(new ArrayBuffer(8));

/** Exact |m×10^q − v| compared between two candidates sharing q: returns sign(|a−v| − |b−v|). */
function compareDistance(a: bigint, b: bigint, q: number, v: number): number {
  bitsView.setFloat64(0, Math.abs(v));
  const bits = bitsView.getBigUint64(0);
  const bexp = Number(bits >> 52n);
  let M = bits & ((1n << 52n) - 1n);
  let E: number;
  if (bexp === 0) E = -1074;
  else {
    M |= 1n << 52n;
    E = bexp - 1075;
  }
  // scale everything by 10^max(0,-q) * 2^max(0,-E) to integers
  const s10 = q < 0 ? 10n ** BigInt(-q) : 1n;
  const s2 = E < 0 ? 1n << BigInt(-E) : 1n;
  const c10 = q >= 0 ? 10n ** BigInt(q) : 1n;
  const vInt = M * (E >= 0 ? 1n << BigInt(E) : 1n) * s10;
  const da = a * c10 * s2 - vInt;
  const db = b * c10 * s2 - vInt;
  const aa = da < 0n ? -da : da;
  const ab = db < 0n ? -db : db;
  return aa < ab ? -1 : aa > ab ? 1 : 0;
}

/**
 * Shortest float32 digits like Go's strconv (Ryu): fewest digits that round back to the same
 * float32; among those the closest to the exact value; an exact tie goes to the even digit.
 */
function float32Shortest(v: number): ShortestDigits {
  const f = Math.fround(v);
  const negative = f < 0;
  const a = Math.abs(f);
  for (let p = 1; p <= 9; p++) {
    const e = a.toExponential(p - 1);
    const eAt = e.indexOf('e');
    const m0 = BigInt(e.slice(0, eAt).replace('.', ''));
    const q = Number(e.slice(eAt + 1)) - (p - 1);
    let best: bigint | null = null;
    for (const m of [m0 - 1n, m0, m0 + 1n]) {
      if (m <= 0n || Math.fround(Number(`${m}e${q}`)) !== a) continue;
      if (best === null) {
        best = m;
        continue;
      }
      const c = compareDistance(m, best, q, a);
      if (c < 0 || (c === 0 && m % 2n === 0n)) best = m;
    }
    if (best !== null) return fromDigits(negative, best, q);
  }
  return float64Shortest(f);
}

/** Shortest round-trip digits of a finite float (bits 64) or float32 value (bits 32). */
export function shortestDigits(v: number, bits: 32 | 64): ShortestDigits {
  if (v === 0) return { negative: Object.is(v, -0), digits: '0', exp: 0 };
  return bits === 64 ? float64Shortest(v) : float32Shortest(v);
}

/** Go 'f' layout of shortest digits. */
function layoutFixed(d: ShortestDigits): string {
  const { digits, exp } = d;
  let s: string;
  if (digits === '0') s = '0';
  else if (exp >= digits.length - 1) s = digits + '0'.repeat(exp - (digits.length - 1));
  else if (exp >= 0) s = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  return (d.negative ? '-' : '') + s;
}

/** Go 'e' layout (exponent at least two digits, explicit sign). */
function layoutExp(d: ShortestDigits): string {
  const { digits, exp } = d;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const es = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${d.negative ? '-' : ''}${mant}e${es}`;
}

/** strconv.FormatFloat(v, 'f', -1, bits). */
export function goFormatFixed(v: number, bits: 32 | 64): string {
  return layoutFixed(shortestDigits(v, bits));
}

/** strconv.FormatFloat(v, 'e', -1, bits). */
export function goFormatExp(v: number, bits: 32 | 64): string {
  return layoutExp(shortestDigits(v, bits));
}

const F32_BIG = Math.fround(1e15);
const F32_SMALL = Math.fround(1e-15);

/** TiDB text of a FLOAT (bits 32) or DOUBLE (bits 64) column value. */
export function formatTidbFloat(v: number, bits: 32 | 64): string {
  if (!Number.isFinite(v)) return '0';
  const abs = Math.abs(v);
  let isE: boolean;
  if (bits === 32) {
    const a = Math.fround(abs);
    isE = a >= F32_BIG || (a !== 0 && a < F32_SMALL);
  } else {
    isE = abs >= 1e15 || (abs !== 0 && abs < 1e-15);
  }
  if (!isE) return goFormatFixed(v, bits);
  let s: string;
  if (bits === 32) {
    // strconv 'e' with precision 5 at bitSize 32: 6 significant digits of the exact float32
    // value. toExponential rounds ties up where Go rounds them to even, but no float32 in this
    // range has an exact 7-significant-digit expansion ending in 5 (values >= 1e15 would need
    // 10^k to carry 2^26 or more; values < 1e-15 have long expansions), so they agree.
    const e = Math.abs(Math.fround(v)).toExponential(5);
    const eAt = e.indexOf('e');
    const exp = Number(e.slice(eAt + 1));
    const mant = e.slice(0, eAt).replace(/\.?0+$/, '');
    s = `${v < 0 ? '-' : ''}${mant}e${exp < 0 ? '-' : ''}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else {
    s = goFormatExp(v, 64).replace('+', '');
  }
  return s;
}

/** TiDB JSON text of a double (marshalFloat64To). */
export function formatJsonDouble(v: number): string {
  if (!Number.isFinite(v)) return goFormatFixed(0, 64); // TiDB never stores NaN/Inf in JSON
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-15 || abs >= 1e15)) {
    let s = goFormatExp(v, 64).replace('+', '');
    s = s.replace(/e-0(\d)$/, 'e-$1');
    return s;
  }
  const s = goFormatFixed(v, 64);
  return s.includes('.') ? s : `${s}.0`;
}
