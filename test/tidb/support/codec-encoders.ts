/**
 * Small, independent encoders for property tests of the TiDB codecs (test tooling only; written
 * from tikv-tidb-encoding.md, not from src/). Each one is checked against spec vectors in the
 * tests before it is used to generate inputs.
 */

export function u64be(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, v));
  return out;
}

/** EncodeInt. */
export function cmpInt(v: bigint): Uint8Array {
  return u64be(BigInt.asUintN(64, v) ^ (1n << 63n));
}

export function uvarint(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  do {
    let b = Number(x % 128n);
    x /= 128n;
    if (x > 0n) b += 128;
    out.push(b);
  } while (x > 0n);
  return Uint8Array.from(out);
}

export function varint(v: bigint): Uint8Array {
  const x = BigInt.asIntN(64, v);
  return uvarint(x >= 0n ? x * 2n : -x * 2n - 1n);
}

export function cmpFloat(f: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, f);
  let u = new DataView(b.buffer).getBigUint64(0);
  if (u >> 63n === 0n) u |= 1n << 63n;
  else u = BigInt.asUintN(64, ~u);
  return u64be(u);
}

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrs = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrs.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrs) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** Narrowest LE int (row v2 encodeInt). */
export function narrowInt(v: bigint): Uint8Array {
  for (const n of [1, 2, 4]) {
    const lim = 1n << BigInt(n * 8 - 1);
    if (v >= -lim && v < lim) return le(BigInt.asUintN(n * 8, v), n);
  }
  return le(BigInt.asUintN(64, v), 8);
}

export function narrowUint(v: bigint): Uint8Array {
  for (const n of [1, 2, 4]) if (v < 1n << BigInt(n * 8)) return le(v, n);
  return le(v, 8);
}

export function le(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

const DIG2BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/** decimal2bin of a decimal text with exactly `frac` fraction digits after padding/truncation. */
export function decimalBin(textValue: string, prec: number, frac: number): Uint8Array {
  const neg = textValue.startsWith('-');
  const body = neg ? textValue.slice(1) : textValue;
  const [ip = '', fp = ''] = body.split('.');
  const intg = prec - frac;
  const intDigits = ip.replace(/^0+/, '').padStart(intg, '0');
  if (intDigits.length > intg) throw new Error(`${textValue} does not fit decimal(${prec},${frac})`);
  const fracDigits = fp.padEnd(frac, '0').slice(0, frac);
  const words: [number, number][] = []; // [value, bytes]
  const lead = intg % 9;
  let p = 0;
  if (lead > 0) {
    words.push([Number(intDigits.slice(0, lead)), DIG2BYTES[lead]!]);
    p = lead;
  }
  for (; p < intg; p += 9) words.push([Number(intDigits.slice(p, p + 9)), 4]);
  let q = 0;
  for (; q + 9 <= frac; q += 9) words.push([Number(fracDigits.slice(q, q + 9)), 4]);
  if (frac % 9 > 0) words.push([Number(fracDigits.slice(q)), DIG2BYTES[frac % 9]!]);
  const out: number[] = [];
  for (const [v, n] of words) for (let i = n - 1; i >= 0; i--) out.push(Math.floor(v / 256 ** i) % 256);
  const isZero = /^0*$/.test(intDigits + fracDigits);
  if (neg && !isZero) for (let i = 0; i < out.length; i++) out[i] = out[i]! ^ 0xff;
  out[0] = out[0]! ^ 0x80;
  return Uint8Array.from(out);
}

/** Packed time uint. */
export function packTime(y: number, mo: number, d: number, h: number, mi: number, s: number, us: number): bigint {
  const ymd = BigInt(((y * 13 + mo) << 5) | d);
  const hms = BigInt((h << 12) | (mi << 6) | s);
  return (((ymd << 17n) | hms) << 24n) | BigInt(us);
}

/** Row v2 with the given columns; null = NULL. Ids are sorted here. */
export function rowV2(cols: [number, Uint8Array | null][], opts: { checksum?: Uint8Array } = {}): Uint8Array {
  const notNull = cols.filter(([, v]) => v !== null).sort((a, b) => a[0] - b[0]) as [number, Uint8Array][];
  const nulls = cols.filter(([, v]) => v === null).map(([id]) => id).sort((a, b) => a - b);
  const dataLen = notNull.reduce((n, [, v]) => n + v.length, 0);
  const large = cols.some(([id]) => id > 255) || dataLen > 0xffff;
  const hdr: number[] = [0x80, (large ? 1 : 0) | (opts.checksum ? 2 : 0), notNull.length & 255, notNull.length >> 8, nulls.length & 255, nulls.length >> 8];
  const ids = [...notNull.map(([id]) => id), ...nulls];
  const idBytes = concat(...ids.map((id) => (large ? le(BigInt(id), 4) : [id])));
  let end = 0;
  const offs = concat(
    ...notNull.map(([, v]) => {
      end += v.length;
      return le(BigInt(end), large ? 4 : 2);
    }),
  );
  return concat(hdr, idBytes, offs, ...notNull.map(([, v]) => v), opts.checksum ?? new Uint8Array(0));
}

export type JsonValue = null | boolean | { int: bigint } | { uint: bigint } | number | string | JsonValue[] | { obj: [string, JsonValue][] };

/** Binary JSON (type code + payload), TiDB layout (keys sorted bytewise). */
export function jsonBinary(v: JsonValue): Uint8Array {
  const [tc, payload] = jsonPayload(v);
  return concat([tc], payload);
}

const te = new TextEncoder();

function jsonPayload(v: JsonValue): [number, Uint8Array] {
  if (v === null) return [0x04, Uint8Array.of(0)];
  if (v === true) return [0x04, Uint8Array.of(1)];
  if (v === false) return [0x04, Uint8Array.of(2)];
  if (typeof v === 'number') {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return [0x0b, b];
  }
  if (typeof v === 'string') {
    const s = te.encode(v);
    return [0x0c, concat(uvarint(BigInt(s.length)), s)];
  }
  if (Array.isArray(v)) return [0x03, container(v.map((x) => [null, x]))];
  if ('int' in v) return [0x09, le(BigInt.asUintN(64, v.int), 8)];
  if ('uint' in v) return [0x0a, le(v.uint, 8)];
  const entries = [...v.obj].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  return [0x01, container(entries)];
}

function container(entries: [string | null, JsonValue][]): Uint8Array {
  const isObj = entries.length > 0 ? entries[0]![0] !== null : false;
  const n = entries.length;
  const keys = entries.map(([k]) => (k === null ? new Uint8Array(0) : te.encode(k)));
  const headerLen = 8 + (isObj ? n * 6 : 0) + n * 5;
  let off = headerLen + keys.reduce((s, k) => s + k.length, 0);
  const keyEntries: Uint8Array[] = [];
  let kOff = headerLen;
  for (const k of keys) {
    keyEntries.push(concat(le(BigInt(kOff), 4), le(BigInt(k.length), 2)));
    kOff += k.length;
  }
  const valEntries: Uint8Array[] = [];
  const vals: Uint8Array[] = [];
  for (const [, v] of entries) {
    const [tc, payload] = jsonPayload(v);
    if (tc === 0x04) {
      valEntries.push(concat([tc], payload, [0, 0, 0]));
    } else {
      valEntries.push(concat([tc], le(BigInt(off), 4)));
      vals.push(payload);
      off += payload.length;
    }
  }
  return concat(le(BigInt(n), 4), le(BigInt(off), 4), ...(isObj ? keyEntries : []), ...valEntries, ...(isObj ? keys : []), ...vals);
}

/** Object helper for readability: obj({a: 1}) with int values given as {int}. */
export function obj(o: Record<string, JsonValue>): JsonValue {
  return { obj: Object.entries(o) };
}
