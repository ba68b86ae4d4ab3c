import { createHash } from 'node:crypto';
import { types } from 'node:util';

/**
 * The file an audit seals its state into (`npm run audit -- --seal FILE`), so a later audit can
 * resume from it (`--resume FILE --baseline REPORT`) and replay only the events after it.
 *
 *   "LEDGER-AUDIT-STATE\n" · header length (4 bytes, big-endian) · header (UTF-8 JSON) · payload
 *
 * The header says what the state is of (format, sealed position, log digest there, cut-off,
 * policy) and is readable without decoding the payload. The payload is
 *
 *   skeleton length (4 bytes, big-endian) · skeleton (UTF-8 JSON) · binary sections
 *
 * the skeleton being the auditor's state graph in the plain form encodeGraph() gives it (see
 * below), and the sections the bytes of its typed arrays, each 8-byte aligned, which the skeleton
 * names by offset and length (format 2 wrote them as base64 inside the JSON: a third larger, and
 * decoded through strings). Every class instance is written as
 * its class name and own fields, and given its prototype back on decoding from a registry of the
 * classes the state may hold. Anything else — a function, an instance of a class
 * the registry does not know, an object from outside the audit (the policy) not named as such —
 * makes sealing fail rather than write a state that would resume differently.
 */
export const SEALED_STATE_MAGIC = 'LEDGER-AUDIT-STATE\n';
/** Bump when what is sealed, or how, changes: an older state is then refused, not misread. 4: the first-seen tables' slots are sealed; 5: the residents' benefit starts are not. */
export const SEALED_STATE_FORMAT = 5;

export interface SealedStateHeader {
  format: number;
  /** The last position the sealing audit read; every event through it was replayed. */
  position: string;
  /** The running log digest (log-baseline.ts) through that position, as that audit's report states it. */
  logDigest: string;
  /** The sealing audit's business-date cut-off. */
  asOf: string | null;
  policyVersion: string;
  policyDigest: string;
  eventsRead: number;
}

/** A sealed state file that cannot be used; the message names what did not match. */
export class SealedStateRefused extends Error {
  override readonly name = 'SealedStateRefused';
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function writeSealedState(header: SealedStateHeader, payload: Buffer): Buffer {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([Buffer.from(SEALED_STATE_MAGIC, 'utf8'), length, head, payload]);
}

export function readSealedState(file: Buffer): { header: SealedStateHeader; payload: Buffer } {
  const magic = Buffer.from(SEALED_STATE_MAGIC, 'utf8');
  if (file.length < magic.length + 4 || !file.subarray(0, magic.length).equals(magic)) {
    throw new SealedStateRefused('the file is not a sealed audit state (it does not start with LEDGER-AUDIT-STATE)');
  }
  const length = file.readUInt32BE(magic.length);
  const start = magic.length + 4;
  let header: SealedStateHeader;
  try {
    header = JSON.parse(file.subarray(start, start + length).toString('utf8')) as SealedStateHeader;
  } catch {
    throw new SealedStateRefused('the sealed state has an unreadable header');
  }
  if (header.format !== SEALED_STATE_FORMAT) {
    throw new SealedStateRefused(`the sealed state is in format ${JSON.stringify(header.format)}; this auditor reads format ${SEALED_STATE_FORMAT}: seal it again with this version (a full replay)`);
  }
  return { header, payload: file.subarray(start + length) };
}

/** Objects from outside the sealed graph (the policy), written by name and given back by the resuming audit. */
export type Externals = ReadonlyMap<string, object>;

/**
 * The plain form: JSON, because its text is the same for the same state (v8 writes a string one-
 * or two-byte as the engine happens to hold it, so two equal states could differ in bytes); on this
 * form JSON.parse and v8's deserialize read a year's state about as fast (0.64–1.65× of each other,
 * back to back at load 12). A state holds millions of small objects: written as objects, v8
 * repeats every object's keys; written as below, two 20,000-resident years take 84 MB instead of
 * 117 MB (reading still costs about the same per MB). Every value that is not a string,
 * finite number, boolean or null is an array whose first element says what it is:
 * - an object (plain or a class instance): [shape, ...values], its shape — class and keys — written
 *   once in a table (v8 and JSON would write every object's keys again);
 * - [ARRAY, ...items], [MAP, k1, v1, …], [SET, ...items], [DECIMAL, constructor, s, e, digits],
 *   [CHUNKED_ARRAY | CHUNKED_MAP | CHUNKED_SET, count, offset, length, offset, length, …] (a large
 *   collection's items, or key, value, key, value… for a map, as JSON texts in the binary sections,
 *   see CHUNK_ITEMS), [TYPED, type, offset, byteLength] (into the binary sections; [TYPED, type, base64] where there
 *   are none, as for copyOf()), [BIGINT, number] (as text beyond ±2^53), [BIGINTS, ...numbers] (an
 *   array of positions: one array, no text to parse), [NUMBER, text] (NaN, ±Infinity, -0), [UNDEFINED],
 *   [EXTERNAL, name];
 * - an object reached more than once: [DEFINE, id, value] the first time, [REFERENCE, id] after,
 *   so shared references stay shared.
 */
const ARRAY = -1;
const DECIMAL = -2;
const EXTERNAL = -3;
const MAP = -4;
const SET = -5;
const TYPED = -6;
const BIGINT = -7;
const NUMBER = -8;
const UNDEFINED = -9;
const DEFINE = -10;
const REFERENCE = -11;
const BIGINTS = -12;
const CHUNKED_ARRAY = -13;
const CHUNKED_MAP = -14;
const CHUNKED_SET = -15;
/**
 * A collection of more items than this (the residents' records, the claim table's residents) is
 * written as JSON texts of this many items each in the binary sections, parsed one at a time on
 * decoding: the arrays JSON.parse builds for a chunk die young instead of surviving, with the
 * objects decoded from them, every scavenge of a load that builds millions of objects.
 */
const CHUNK_ITEMS = 2048;
/**
 * A class may seal a view of its fields instead of its own fields as they are: a method under
 * SEALED_FIELDS returns the fields to write (typed arrays cut to the entries in use rather than
 * their grown capacity, an index left out), and one under RESTORED rebuilds, on the restored
 * instance, what was left out. What is sealed must depend on the state alone, never on how it grew,
 * so that a resumed audit seals the bytes a full replay seals.
 */
export const SEALED_FIELDS = Symbol.for('ledger.audit.sealedFields');
export const RESTORED = Symbol.for('ledger.audit.restored');
export interface SealsOwnFields {
  [SEALED_FIELDS](): Record<string, unknown>;
  [RESTORED]?(): void;
}

/** The fields a class instance is sealed with, asked once per instance (its views are then the same objects when counted and when written). */
class SealedFields {
  private readonly views = new Map<object, Record<string, unknown>>();

  of(value: object): Record<string, unknown> {
    const hook = (value as Partial<SealsOwnFields>)[SEALED_FIELDS];
    if (typeof hook !== 'function') return value as Record<string, unknown>;
    let view = this.views.get(value);
    if (view === undefined) this.views.set(value, (view = hook.call(value)));
    return view;
  }
}

/** Collects the binary sections (typed arrays' bytes, large collections' JSON chunks), each 8-byte aligned. */
class Sections {
  private readonly parts: Buffer[] = [];
  private length = 0;

  add(view: ArrayBufferView): number {
    const offset = this.length;
    this.parts.push(Buffer.from(view.buffer, view.byteOffset, view.byteLength));
    this.length += view.byteLength;
    const pad = (8 - (this.length % 8)) % 8;
    if (pad > 0) {
      this.parts.push(Buffer.alloc(pad));
      this.length += pad;
    }
    return offset;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/** The shape of a null-prototype object; a plain object's shape has '' for its class. */
const NO_PROTOTYPE = '\u0000null';

const PLAIN_PROTOTYPES = new Set<object | null>([Object.prototype, null]);

const TYPED_ARRAYS: Record<string, { new (buffer: ArrayBuffer, offset: number, length: number): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

interface Plain {
  shapes: string[][];
  root: unknown;
}

/** Keeps every class's name → prototype; two classes of one name would be ambiguous. */
export class ClassRegistry {
  private readonly byName = new Map<string, object>();
  private readonly names = new Map<object, string>();

  add(prototype: object): void {
    if (this.names.has(prototype)) return;
    const name = (prototype as { constructor?: { name?: string } }).constructor?.name;
    if (!name) throw new Error('a sealed class has no name');
    const known = this.byName.get(name);
    if (known && known !== prototype) throw new Error(`two different classes named ${name} in the sealed state`);
    this.byName.set(name, prototype);
    this.names.set(prototype, name);
  }

  /** Adds the class of every instance reachable from `root` (a freshly built auditor). */
  addReachable(root: unknown, externals: ReadonlySet<object>): void {
    const seen = new Set<object>();
    const visit = (value: unknown): void => {
      if (value === null || typeof value !== 'object' || seen.has(value) || externals.has(value) || ArrayBuffer.isView(value)) return;
      seen.add(value);
      if (types.isMap(value)) {
        for (const [k, v] of value as Map<unknown, unknown>) (visit(k), visit(v));
        return;
      }
      if (types.isSet(value) || Array.isArray(value)) {
        for (const v of value as Iterable<unknown>) visit(v);
        return;
      }
      const prototype = Object.getPrototypeOf(value) as object | null;
      if (!PLAIN_PROTOTYPES.has(prototype)) this.add(prototype!);
      for (const v of Object.values(value)) visit(v);
    };
    visit(root);
  }

  nameOf(prototype: object): string | undefined {
    return this.names.get(prototype);
  }

  prototypeOf(name: string): object | undefined {
    return this.byName.get(name);
  }
}

/** What the graph holds, checked: throws on anything it could not give back as it was. Counts each object's references. */
function referenceCounts(root: unknown, registry: ClassRegistry, externals: ReadonlyMap<object, string>, sealedFields: SealedFields): Map<object, number> {
  const counts = new Map<object, number>();
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'symbol') throw new Error(`cannot seal the audit state: a symbol at ${path}`);
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
    const seen = counts.get(value);
    counts.set(value, (seen ?? 0) + 1);
    if (seen !== undefined || externals.has(value)) return;
    if (typeof value === 'function') throw new Error(`cannot seal the audit state: a function at ${path}`);
    // A frozen object is a shared constant: a copy would be neither shared nor frozen after a resume.
    if (Object.isFrozen(value) && !ArrayBuffer.isView(value)) throw new Error(`cannot seal the audit state: a frozen object at ${path}, a shared constant the seal must refer to by name (auditor.ts sealing())`);
    if (ArrayBuffer.isView(value)) {
      if (types.isDataView(value) || !(value.constructor.name in TYPED_ARRAYS)) throw new Error(`cannot seal the audit state: a ${value.constructor.name} at ${path}`);
      return;
    }
    if (types.isMap(value)) {
      if (Object.getPrototypeOf(value) !== Map.prototype) throw new Error(`cannot seal the audit state: a subclass of Map at ${path}`);
      for (const [k, v] of value as Map<unknown, unknown>) (visit(k, `${path}.key`), visit(v, `${path}[${String(k)}]`));
      return;
    }
    if (types.isSet(value)) {
      if (Object.getPrototypeOf(value) !== Set.prototype) throw new Error(`cannot seal the audit state: a subclass of Set at ${path}`);
      for (const v of value as Set<unknown>) visit(v, `${path}.item`);
      return;
    }
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw new Error(`cannot seal the audit state: a subclass of Array at ${path}`);
      for (let i = 0; i < value.length; i += 1) {
        if (!(i in value)) throw new Error(`cannot seal the audit state: an array with a hole at ${path}[${i}]`);
        visit(value[i], `${path}[${i}]`);
      }
      return;
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (!PLAIN_PROTOTYPES.has(prototype) && registry.nameOf(prototype!) === undefined) {
      const unknownName = (prototype as { constructor?: { name?: string } }).constructor?.name ?? '(anonymous)';
      throw new Error(`cannot seal the audit state: an instance of ${unknownName} at ${path}, a class the seal does not know (add it to the registry in auditor-seal.ts)`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw new Error(`cannot seal the audit state: symbol-keyed fields at ${path}`);
    const fields = sealedFields.of(value);
    for (const key of Object.getOwnPropertyNames(fields)) {
      const descriptor = Object.getOwnPropertyDescriptor(fields, key)!;
      if (descriptor.get || descriptor.set) throw new Error(`cannot seal the audit state: an accessor ${key} at ${path}`);
      visit(descriptor.value, `${path}.${key}`);
    }
  };
  visit(root, '$');
  return counts;
}

/** The state graph in its plain form (see above). */
export function encodeGraph(root: unknown, registry: ClassRegistry, externals: ReadonlyMap<object, string>, sections?: Sections): Plain {
  const sealedFields = new SealedFields();
  const counts = referenceCounts(root, registry, externals, sealedFields);
  const ids = new Map<object, number>();
  const shapes: string[][] = [];
  const shapeIds = new Map<string, number>();
  const shapeOf = (className: string, keys: string[]): number => {
    const signature = `${className}\u0000${keys.join('\u0000')}`;
    let id = shapeIds.get(signature);
    if (id === undefined) {
      id = shapes.push([className, ...keys]) - 1;
      shapeIds.set(signature, id);
    }
    return id;
  };
  const encode = (value: unknown): unknown => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) && !Object.is(value, -0) ? value : [NUMBER, String(Object.is(value, -0) ? '-0' : value)];
      case 'bigint':
        return [BIGINT, bigintJson(value)];
      case 'undefined':
        return [UNDEFINED];
    }
    if (value === null) return null;
    const object = value as object;
    const id = ids.get(object);
    if (id !== undefined) return [REFERENCE, id];
    if (counts.get(object)! > 1) {
      const defined = ids.size;
      ids.set(object, defined);
      return [DEFINE, defined, encodeObject(object)];
    }
    return encodeObject(object);
  };
  const encodeObject = (value: object): unknown => {
    const external = externals.get(value);
    if (external !== undefined) return [EXTERNAL, external];
    if (ArrayBuffer.isView(value)) {
      if (sections) return [TYPED, value.constructor.name, sections.add(value), value.byteLength];
      return [TYPED, value.constructor.name, Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')];
    }
    if (types.isMap(value)) {
      const map = value as Map<unknown, unknown>;
      if (sections && map.size > CHUNK_ITEMS) return chunked(CHUNKED_MAP, map.size, map, true);
      const out: unknown[] = [MAP];
      for (const [k, v] of map) out.push(encode(k), encode(v));
      return out;
    }
    if (types.isSet(value)) {
      const set = value as Set<unknown>;
      if (sections && set.size > CHUNK_ITEMS) return chunked(CHUNKED_SET, set.size, set, false);
      const out: unknown[] = [SET];
      for (const v of set) out.push(encode(v));
      return out;
    }
    if (Array.isArray(value)) {
      if (value.length > 0 && value.every(isSafeBigint)) return [BIGINTS, ...(value as bigint[]).map(Number)];
      if (sections && value.length > CHUNK_ITEMS) return chunked(CHUNKED_ARRAY, value.length, value, false);
      const out: unknown[] = new Array(value.length + 1);
      out[0] = ARRAY;
      for (let i = 0; i < value.length; i += 1) out[i + 1] = encode(value[i]);
      return out;
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    const className = prototype === null ? NO_PROTOTYPE : PLAIN_PROTOTYPES.has(prototype) ? '' : registry.nameOf(prototype)!;
    if (className === 'Decimal') {
      const decimal = value as { constructor: unknown; s: number; e: number; d: number[] | null };
      return [DECIMAL, encode(decimal.constructor), encode(decimal.s), encode(decimal.e), decimal.d === null ? null : [...decimal.d]];
    }
    const fields = sealedFields.of(value);
    const keys = Object.getOwnPropertyNames(fields);
    const out: unknown[] = new Array(keys.length + 1);
    out[0] = shapeOf(className, keys);
    for (let i = 0; i < keys.length; i += 1) out[i + 1] = encode(fields[keys[i]]);
    return out;
  };
  /** A large collection's items (a map's as key, value pairs) as JSON texts of CHUNK_ITEMS items in the sections, in order. */
  const chunked = (tag: number, count: number, items: Iterable<unknown>, pairs: boolean): unknown[] => {
    const out: unknown[] = [tag, count];
    let piece: unknown[] = [];
    const flush = (): void => {
      const text = Buffer.from(JSON.stringify(piece), 'utf8');
      out.push(sections!.add(text), text.length);
      piece = [];
    };
    for (const item of items) {
      if (pairs) {
        const [k, v] = item as [unknown, unknown];
        piece.push(encode(k), encode(v));
      } else piece.push(encode(item));
      if (piece.length >= (pairs ? 2 * CHUNK_ITEMS : CHUNK_ITEMS)) flush();
    }
    if (piece.length > 0) flush();
    return out;
  };
  const encoded = encode(root);
  return { shapes, root: encoded };
}

/** The inverse of encodeGraph: the same graph, shared references and prototypes included. */
export function decodeGraph(plain: unknown, registry: ClassRegistry, externals: Externals, sections?: Buffer): unknown {
  const { shapes, root } = (plain ?? {}) as Plain;
  if (!Array.isArray(shapes)) throw new SealedStateRefused('the sealed state has no shape table');
  const prototypes = shapes.map(([className]) => {
    if (className === '') return Object.prototype;
    if (className === NO_PROTOTYPE) return null;
    const prototype = registry.prototypeOf(className);
    if (prototype === undefined) throw new SealedStateRefused(`the sealed state holds an instance of ${className}, a class this auditor does not have`);
    return prototype;
  });
  const decimalPrototype = registry.prototypeOf('Decimal');
  const defined: unknown[] = [];
  const malformed = (what: string): never => {
    throw new SealedStateRefused(`the sealed state is malformed: ${what}`);
  };
  /** `define`: the id to register the value under as soon as it exists (before its contents, for cycles). */
  const chunkedCount = (value: unknown[]): number => (Number.isSafeInteger(value[1]) && (value[1] as number) >= 0 ? (value[1] as number) : malformed('a chunked collection with no count'));
  /** Each chunk of a chunked collection, parsed in turn (its arrays are garbage once decoded). */
  const forEachChunk = (value: unknown[], use: (piece: unknown[]) => void): void => {
    for (let i = 2; i < value.length; i += 2) {
      const bytes = typedBytes([null, null, value[i], value[i + 1]], sections) ?? malformed('a chunk outside the binary sections');
      let piece: unknown;
      try {
        piece = JSON.parse(bytes.toString('utf8'));
      } catch {
        malformed('a chunk that is not JSON');
      }
      if (!Array.isArray(piece)) malformed('a chunk that is not a list');
      use(piece as unknown[]);
    }
  };
  // Not a closure per value: a state holds millions of them.
  const made = <T>(out: T, define: number): T => {
    if (define >= 0) defined[define] = out;
    return out;
  };
  const decode = (value: unknown, define = -1): unknown => {
    if (value === null || typeof value !== 'object') {
      if (define >= 0) defined[define] = value;
      return value;
    }
    if (!Array.isArray(value)) return malformed('a value of no known form');
    const tag = value[0] as number;
    switch (tag) {
      case DEFINE:
        return decode(value[2], value[1] as number);
      case REFERENCE:
        return value[1] in defined ? defined[value[1] as number] : malformed(`a reference to ${String(value[1])} before its definition`);
      case ARRAY: {
        const out = made(new Array<unknown>(value.length - 1), define);
        for (let i = 1; i < value.length; i += 1) out[i - 1] = decode(value[i]);
        return out;
      }
      case MAP: {
        const out = made(new Map<unknown, unknown>(), define);
        for (let i = 1; i < value.length; i += 2) out.set(decode(value[i]), decode(value[i + 1]));
        return out;
      }
      case SET: {
        const out = made(new Set<unknown>(), define);
        for (let i = 1; i < value.length; i += 1) out.add(decode(value[i]));
        return out;
      }
      case CHUNKED_ARRAY: {
        const out = made(new Array<unknown>(chunkedCount(value)), define);
        let n = 0;
        forEachChunk(value, (piece) => {
          for (const item of piece) out[n++] = decode(item);
        });
        return n === out.length ? out : malformed('a chunked array of another length than it states');
      }
      case CHUNKED_MAP: {
        const out = made(new Map<unknown, unknown>(), define);
        forEachChunk(value, (piece) => {
          if (piece.length % 2 !== 0) malformed('a chunk of a map with a key and no value');
          for (let i = 0; i < piece.length; i += 2) out.set(decode(piece[i]), decode(piece[i + 1]));
        });
        return out.size === chunkedCount(value) ? out : malformed('a chunked map of another size than it states');
      }
      case CHUNKED_SET: {
        const out = made(new Set<unknown>(), define);
        forEachChunk(value, (piece) => {
          for (const item of piece) out.add(decode(item));
        });
        return out.size === chunkedCount(value) ? out : malformed('a chunked set of another size than it states');
      }
      case TYPED: {
        const type = TYPED_ARRAYS[value[1] as string] ?? malformed(`a typed array of type ${String(value[1])}`);
        const bytes = typedBytes(value, sections) ?? malformed('a typed array outside the binary sections');
        if (bytes.length % type.BYTES_PER_ELEMENT !== 0) malformed(`a ${String(value[1])} of ${bytes.length} bytes`);
        // A buffer of its own, exactly the array's bytes.
        const buffer = new ArrayBuffer(bytes.length);
        new Uint8Array(buffer).set(bytes);
        return made(new type(buffer, 0, bytes.length / type.BYTES_PER_ELEMENT), define);
      }
      case BIGINT:
        return made(BigInt(value[1] as string | number), define);
      case BIGINTS: {
        const out = made(new Array<bigint>(value.length - 1), define);
        for (let i = 1; i < value.length; i += 1) {
          if (!Number.isSafeInteger(value[i])) malformed('a position that is not an integer');
          out[i - 1] = BigInt(value[i] as number);
        }
        return out;
      }
      case NUMBER:
        return made(Number(value[1]), define);
      case UNDEFINED:
        return made(undefined, define);
      case EXTERNAL:
        return made(externals.get(value[1] as string) ?? malformed(`a reference to ${String(value[1])}, which the resuming audit does not provide`), define);
      case DECIMAL: {
        if (!decimalPrototype) return malformed('a Decimal, which this auditor does not have');
        const out = made(Object.create(decimalPrototype) as Record<string, unknown>, define);
        (out as { constructor: unknown }).constructor = decode(value[1]);
        out.s = decode(value[2]);
        out.e = decode(value[3]);
        out.d = value[4] === null ? null : [...(value[4] as number[])];
        return out;
      }
    }
    const shape = shapes[tag] ?? malformed(`shape ${String(tag)}, which its table does not have`);
    const out = made(Object.create(prototypes[tag]) as Record<string, unknown>, define);
    for (let i = 1; i < shape.length; i += 1) {
      const key = shape[i];
      // An own "__proto__" (JSON.parse makes one) must stay a field, not become the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: decode(value[i]), writable: true, enumerable: true, configurable: true });
      else out[key] = decode(value[i]);
    }
    const restored = (out as Partial<SealsOwnFields>)[RESTORED];
    if (typeof restored === 'function') restored.call(out);
    return out;
  };
  return decode(root);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isSafeBigint(value: unknown): boolean {
  return typeof value === 'bigint' && value <= MAX_SAFE && value >= -MAX_SAFE;
}

/** A bigint as a JSON number where that is exact (positions), else as its text. */
function bigintJson(value: bigint): number | string {
  return isSafeBigint(value) ? Number(value) : value.toString();
}

/** A typed array's bytes: from the binary sections when there are some, else from the base64 inline; null if out of range. */
function typedBytes(value: unknown[], sections: Buffer | undefined): Buffer | null {
  if (sections === undefined) return typeof value[2] === 'string' ? Buffer.from(value[2], 'base64') : null;
  const offset = value[2];
  const length = value[3];
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 0 || (length as number) < 0) return null;
  if ((offset as number) + (length as number) > sections.length) return null;
  return sections.subarray(offset as number, (offset as number) + (length as number));
}

export function serializeGraph(root: unknown, registry: ClassRegistry, externals: ReadonlyMap<object, string>): Buffer {
  const sections = new Sections();
  const skeleton = Buffer.from(JSON.stringify(encodeGraph(root, registry, externals, sections)), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(skeleton.length);
  return Buffer.concat([length, skeleton, sections.bytes()]);
}

export function deserializeGraph(payload: Buffer, registry: ClassRegistry, externals: Externals): unknown {
  if (payload.length < 4 || payload.readUInt32BE(0) > payload.length - 4) throw new SealedStateRefused('the sealed state\'s payload is truncated');
  const end = 4 + payload.readUInt32BE(0);
  let plain: unknown;
  try {
    plain = JSON.parse(payload.subarray(4, end).toString('utf8'));
  } catch (error) {
    throw new SealedStateRefused(`the sealed state's payload cannot be read (${(error as Error).message})`);
  }
  return decodeGraph(plain, registry, externals, payload.subarray(end));
}
