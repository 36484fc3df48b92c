/**
 * A JSON value with Float32Arrays inside, packed into one binary buffer: the arrays travel as raw
 * little-endian float32 (4 bytes a number, not ~10 as JSON text, and no float→text→float drift),
 * everything else as JSON. Layout:
 *
 *   magic (4 ASCII bytes) · uint32 format version · uint32 header length H · H bytes of UTF-8 JSON ·
 *   zero padding to a multiple of 4 · the arrays' floats, one after another
 *
 * In the JSON each array is replaced by {"$f32": [offset, length]} counted in floats from the start
 * of the float section. Unpacking checks the magic, version and every length, so a truncated or
 * foreign buffer is refused with a message rather than misread.
 */
const ARRAY_KEY = '$f32';

export class BinaryJsonError extends Error {}

export function packBinaryJson(value: unknown, magic: string, version: number): Buffer {
  if (Buffer.byteLength(magic, 'latin1') !== 4) throw new Error(`magic must be 4 bytes, got "${magic}"`);
  const arrays: Float32Array[] = [];
  let floats = 0;
  const header = JSON.stringify(value, (_key, v) => {
    if (v instanceof Float32Array) {
      arrays.push(v);
      const ref = { [ARRAY_KEY]: [floats, v.length] };
      floats += v.length;
      return ref;
    }
    if (ArrayBuffer.isView(v)) throw new Error(`only Float32Array is packed as binary, found ${v.constructor.name}`);
    return v;
  });
  const headerBytes = Buffer.from(header, 'utf8');
  const dataStart = align4(12 + headerBytes.length);
  const out = Buffer.alloc(dataStart + floats * 4);
  out.write(magic, 0, 'latin1');
  out.writeUInt32LE(version, 4);
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  let at = dataStart;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, at);
    at += a.byteLength;
  }
  return out;
}

/** The value packed by packBinaryJson; `what` names the thing in error messages ("checkpoint"). */
export function unpackBinaryJson<T>(buffer: Uint8Array, magic: string, version: number, what: string): T {
  const buf = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== magic) throw new BinaryJsonError(`${what} is not in our format (it does not start with "${magic}")`);
  const found = buf.readUInt32LE(4);
  if (found !== version) throw new BinaryJsonError(`${what} has format version ${found}; this version of the code reads version ${version}`);
  const headerLength = buf.readUInt32LE(8);
  if (12 + headerLength > buf.length) throw new BinaryJsonError(`${what} is truncated: its header needs ${12 + headerLength} bytes, it has ${buf.length}`);
  const dataStart = align4(12 + headerLength);
  const floatBytes = buf.length - dataStart;
  if (floatBytes < 0 || floatBytes % 4 !== 0) throw new BinaryJsonError(`${what} is truncated or damaged: its data section is ${floatBytes} bytes, not a whole number of floats`);
  // One aligned copy of the float section; arrays are views into it.
  const data = new Float32Array(floatBytes / 4);
  if (data.length) Buffer.from(data.buffer).set(buf.subarray(dataStart, dataStart + data.length * 4));
  let used = 0;
  const value = JSON.parse(buf.toString('utf8', 12, 12 + headerLength), (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && ARRAY_KEY in v) {
      const [offset, length] = v[ARRAY_KEY] as [number, number];
      if (offset + length > data.length) throw new BinaryJsonError(`${what} is truncated: an array needs floats ${offset}–${offset + length}, it holds ${data.length}`);
      used += length;
      return data.subarray(offset, offset + length);
    }
    return v;
  });
  if (used !== data.length) throw new BinaryJsonError(`${what} has ${data.length - used} floats that belong to no array; it is damaged`);
  return value as T;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
