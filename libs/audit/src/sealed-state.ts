import { createHash } from 'node:crypto';
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';

/**
 * The file an audit seals its state into (`npm run audit -- --seal FILE`), so a later audit can
 * resume from it (`--resume FILE --baseline REPORT`) and replay only the events after it.
 *
 *   "LEDGER-AUDIT-STATE\n" · header length (4 bytes, big-endian) · header (UTF-8 JSON) · payload
 *
 * The header says what the state is of (format, sealed position, log digest there, cut-off,
 * policy) and is readable without decoding the payload. The payload is node:v8's serialisation of
 * the auditor's state graph as encodeGraph() turns it into plain data: v8 keeps typed arrays,
 * Maps, Sets, bigints and shared references, but not prototypes, so every class instance is
 * written as its class name and own fields, and given its prototype back on decoding from a
 * registry of the classes the state may hold. Anything else — a function, an instance of a class
 * the registry does not know, an object from outside the audit (the policy) not named as such —
 * makes sealing fail rather than write a state that would resume differently.
 */
export const SEALED_STATE_MAGIC = 'LEDGER-AUDIT-STATE\n';
/** Bump when what is sealed, or how, changes: an older state is then refused, not misread. */
export const SEALED_STATE_FORMAT = 1;

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
 * The plain form, compact because a state holds millions of small objects and v8 writes every
 * object's keys again and creates each one on reading: an object (plain or a class instance)
 * becomes an array [shape, ...values] whose shape — class name and keys — is written once in a
 * table; a real array becomes [ARRAY, ...items]; a Decimal [DECIMAL, constructor, s, e, digits].
 * Maps, Sets, typed arrays and primitives stay as they are.
 */
const ARRAY = -1;
const DECIMAL = -2;
const EXTERNAL = -3;
/** The shape of a null-prototype object; a plain object's shape has '' for its class. */
const NO_PROTOTYPE = '\u0000null';

const PLAIN_PROTOTYPES = new Set<object | null>([Object.prototype, null]);

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

/** The state graph as plain data v8 can write; throws on anything it could not give back as it was. */
export function encodeGraph(root: unknown, registry: ClassRegistry, externals: ReadonlyMap<object, string>): Plain {
  const done = new Map<object, unknown>();
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
  const encode = (value: unknown, path: string): unknown => {
    if (typeof value === 'symbol') throw new Error(`cannot seal the audit state: a symbol at ${path}`);
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
    if (done.has(value)) return done.get(value);
    const external = externals.get(value);
    if (external !== undefined) {
      const reference = [EXTERNAL, external];
      done.set(value, reference);
      return reference;
    }
    if (typeof value === 'function') throw new Error(`cannot seal the audit state: a function at ${path}`);
    // A frozen object is a shared constant: a copy would be neither shared nor frozen after a resume.
    if (Object.isFrozen(value) && !ArrayBuffer.isView(value)) throw new Error(`cannot seal the audit state: a frozen object at ${path}, a shared constant the seal must refer to by name (auditor.ts sealing())`);
    if (ArrayBuffer.isView(value)) {
      const copy = ownBufferCopy(value, path);
      done.set(value, copy);
      return copy;
    }
    if (types.isMap(value)) {
      if (Object.getPrototypeOf(value) !== Map.prototype) throw new Error(`cannot seal the audit state: a subclass of Map at ${path}`);
      const out = new Map<unknown, unknown>();
      done.set(value, out);
      for (const [k, v] of value as Map<unknown, unknown>) out.set(encode(k, `${path}.key`), encode(v, `${path}[${String(k)}]`));
      return out;
    }
    if (types.isSet(value)) {
      if (Object.getPrototypeOf(value) !== Set.prototype) throw new Error(`cannot seal the audit state: a subclass of Set at ${path}`);
      const out = new Set<unknown>();
      done.set(value, out);
      for (const v of value as Set<unknown>) out.add(encode(v, `${path}.item`));
      return out;
    }
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw new Error(`cannot seal the audit state: a subclass of Array at ${path}`);
      const out: unknown[] = new Array(value.length + 1);
      out[0] = ARRAY;
      done.set(value, out);
      for (let i = 0; i < value.length; i += 1) {
        if (!(i in value)) throw new Error(`cannot seal the audit state: an array with a hole at ${path}[${i}]`);
        out[i + 1] = encode(value[i], `${path}[${i}]`);
      }
      return out;
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    let className = '';
    if (prototype === null) className = NO_PROTOTYPE;
    else if (!PLAIN_PROTOTYPES.has(prototype)) {
      const name = registry.nameOf(prototype);
      if (name === undefined) {
        const unknownName = (prototype as { constructor?: { name?: string } }).constructor?.name ?? '(anonymous)';
        throw new Error(`cannot seal the audit state: an instance of ${unknownName} at ${path}, a class the seal does not know (add it to the registry in auditor-seal.ts)`);
      }
      className = name;
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw new Error(`cannot seal the audit state: symbol-keyed fields at ${path}`);
    if (className === 'Decimal') {
      const decimal = value as { constructor: unknown; s: number; e: number; d: number[] };
      const out = [DECIMAL, encode(decimal.constructor, `${path}.constructor`), decimal.s, decimal.e, decimal.d === null ? null : [...decimal.d]];
      done.set(value, out);
      return out;
    }
    const keys = Object.getOwnPropertyNames(value);
    const out: unknown[] = new Array(keys.length + 1);
    out[0] = shapeOf(className, keys);
    done.set(value, out);
    for (let i = 0; i < keys.length; i += 1) {
      const descriptor = Object.getOwnPropertyDescriptor(value, keys[i])!;
      if (descriptor.get || descriptor.set) throw new Error(`cannot seal the audit state: an accessor ${keys[i]} at ${path}`);
      out[i + 1] = encode(descriptor.value, `${path}.${keys[i]}`);
    }
    return out;
  };
  const encoded = encode(root, '$');
  return { shapes, root: encoded };
}

/** The inverse of encodeGraph: the same graph, shared references and prototypes included. */
export function decodeGraph(plain: unknown, registry: ClassRegistry, externals: Externals): unknown {
  const { shapes, root } = plain as Plain;
  if (!Array.isArray(shapes)) throw new SealedStateRefused('the sealed state has no shape table');
  const prototypes = shapes.map(([className]) => {
    if (className === '') return Object.prototype;
    if (className === NO_PROTOTYPE) return null;
    const prototype = registry.prototypeOf(className);
    if (prototype === undefined) throw new SealedStateRefused(`the sealed state holds an instance of ${className}, a class this auditor does not have`);
    return prototype;
  });
  const decimalPrototype = registry.prototypeOf('Decimal');
  const done = new Map<object, unknown>();
  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (done.has(value)) return done.get(value);
    if (ArrayBuffer.isView(value)) {
      // Deserialised views share the payload's buffer: each gets its own, as it had.
      const copy = ownBufferCopy(value, 'the sealed state');
      done.set(value, copy);
      return copy;
    }
    if (types.isMap(value)) {
      const out = new Map<unknown, unknown>();
      done.set(value, out);
      for (const [k, v] of value as Map<unknown, unknown>) out.set(decode(k), decode(v));
      return out;
    }
    if (types.isSet(value)) {
      const out = new Set<unknown>();
      done.set(value, out);
      for (const v of value as Set<unknown>) out.add(decode(v));
      return out;
    }
    if (!Array.isArray(value)) throw new SealedStateRefused('the sealed state holds a value of no known form');
    const tag = value[0] as number;
    if (tag === ARRAY) {
      const out: unknown[] = new Array(value.length - 1);
      done.set(value, out);
      for (let i = 1; i < value.length; i += 1) out[i - 1] = decode(value[i]);
      return out;
    }
    if (tag === EXTERNAL) {
      const external = externals.get(value[1] as string);
      if (!external) throw new SealedStateRefused(`the sealed state refers to ${String(value[1])}, which the resuming audit does not provide`);
      done.set(value, external);
      return external;
    }
    if (tag === DECIMAL) {
      if (!decimalPrototype) throw new SealedStateRefused('the sealed state holds a Decimal, which this auditor does not have');
      const out = Object.create(decimalPrototype) as Record<string, unknown>;
      done.set(value, out);
      (out as { constructor: unknown }).constructor = decode(value[1]);
      out.s = value[2];
      out.e = value[3];
      out.d = value[4] === null ? null : [...(value[4] as number[])];
      return out;
    }
    const shape = shapes[tag];
    if (shape === undefined) throw new SealedStateRefused(`the sealed state names shape ${String(tag)}, which its table does not have`);
    const out = Object.create(prototypes[tag]) as Record<string, unknown>;
    done.set(value, out);
    for (let i = 1; i < shape.length; i += 1) {
      const key = shape[i];
      // An own "__proto__" (JSON.parse makes one) must stay a field, not become the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: decode(value[i]), writable: true, enumerable: true, configurable: true });
      else out[key] = decode(value[i]);
    }
    return out;
  };
  return decode(root);
}

/**
 * A typed array on a buffer of its own, just its length: v8 writes a view's whole underlying
 * buffer, so a view on a shared or larger one would seal bytes that are not the state's.
 */
function ownBufferCopy(view: ArrayBufferView, path: string): ArrayBufferView {
  if (types.isDataView(view)) throw new Error(`cannot seal the audit state: a DataView at ${path}`);
  return Uint8Array.prototype.slice.call(view as Uint8Array) as ArrayBufferView;
}

export function serializeGraph(root: unknown, registry: ClassRegistry, externals: ReadonlyMap<object, string>): Buffer {
  return serialize(encodeGraph(root, registry, externals));
}

export function deserializeGraph(payload: Buffer, registry: ClassRegistry, externals: Externals): unknown {
  let plain: unknown;
  try {
    plain = deserialize(payload);
  } catch (error) {
    throw new SealedStateRefused(`the sealed state's payload cannot be read (${(error as Error).message})`);
  }
  return decodeGraph(plain, registry, externals);
}
