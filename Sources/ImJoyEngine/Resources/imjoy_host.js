// imjoy-run's JavaScript (web-worker) plugin host for Node.js (docs/plugin-hosts.md).
//
// The runner starts `node imjoy_host.js` with the protocol on stdin/stdout (the same frames as
// imjoy_host.py); fd 2 and the descriptor named by IMJOY_RUN_STDOUT_FD are pipes the runner reads
// into the run's events and the plugin's log. Plugin output (console.log, process.stdout) goes to
// that descriptor (else to stderr), so fd 1 carries only frames.
//
//   frame  = u32 header length, u32 buffer count, header (UTF-8 JSON), then per buffer a u64
//            length and the bytes (all little endian).
//   binary values in the header are {"__b__": i} (buffer i of the frame) or
//   {"__shm__": name, "size": n} (the first n bytes of /dev/shm/<name>).
//
// Node cannot map memory without a native addon, so large values go through /dev/shm files with
// one positioned read or write each (cheaper than the pipe's 64 KiB round trips).
//
// Messages from the runner: init, call, globals (check-functional), exit. To the runner: ready,
// event, api (answered by a reply), window, result, error, globals.
'use strict';

const fs = require('fs');
const net = require('net');
const path = require('path');
const vm = require('vm');
const crypto = require('crypto');
const { pathToFileURL } = require('url');

const PROTO_OUT = 1;
const SHM_THRESHOLD = 1 << 20;
const MAX_DEPTH = 200; // levels of nesting a value sent to the runner may have
const SHM_PREFIX = `imjoy-run-js-${process.pid}`;

// Plugin output must never reach fd 1: point process.stdout (and so console.log) at the runner's
// stdout pipe, written synchronously so that nothing is lost when the process dies.
function writeAllTo(fd, buffer) {
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

function pluginStdout() {
  const fd = Number(process.env.IMJOY_RUN_STDOUT_FD);
  delete process.env.IMJOY_RUN_STDOUT_FD;
  if (!Number.isInteger(fd) || fd <= 2) return process.stderr;
  const { Writable } = require('stream');
  const stream = new Writable({
    decodeStrings: true,
    write(chunk, _encoding, done) {
      try { writeAllTo(fd, chunk); done(); } catch (error) { done(error); }
    },
  });
  stream.fd = fd;
  return stream;
}

const PLUGIN_STDOUT = pluginStdout();
Object.defineProperty(process, 'stdout', { configurable: true, enumerable: true, get: () => PLUGIN_STDOUT });
globalThis.console = new console.Console({ stdout: PLUGIN_STDOUT, stderr: process.stderr });

// MARK: - Frames

function writeAll(buffer) {
  writeAllTo(PROTO_OUT, buffer);
}

function writeFrame(header, buffers) {
  const text = Buffer.from(JSON.stringify(header));
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32LE(text.length, 0);
  head.writeUInt32LE(buffers.length, 4);
  const parts = [head, text];
  for (const buffer of buffers) {
    const size = Buffer.allocUnsafe(8);
    size.writeBigUInt64LE(BigInt(buffer.length), 0);
    parts.push(size, buffer);
  }
  writeAll(Buffer.concat(parts));
}

/** Splits the byte stream from the runner into frames. */
class FrameReader {
  constructor(onFrame) {
    this.chunks = [];
    this.length = 0;
    this.need = 8; // bytes known to be needed before the next frame can be complete
    this.onFrame = onFrame;
  }

  push(chunk) {
    this.chunks.push(chunk);
    this.length += chunk.length;
    for (;;) {
      const frame = this.next();
      if (frame === null) return;
      this.onFrame(frame.header, frame.buffers);
    }
  }

  next() {
    if (this.length < this.need) return null;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [all];
    const short = (needed) => { this.need = needed; return null; };
    const headerLength = all.readUInt32LE(0);
    const count = all.readUInt32LE(4);
    let offset = 8 + headerLength;
    if (all.length < offset) return short(offset);
    const sizes = [];
    for (let i = 0; i < count; i++) {
      if (all.length < offset + 8) return short(offset + 8);
      const size = Number(all.readBigUInt64LE(offset));
      offset += 8;
      if (all.length < offset + size) return short(offset + size);
      sizes.push([offset, size]);
      offset += size;
    }
    this.need = 8;
    const header = JSON.parse(all.toString('utf8', 8, 8 + headerLength));
    const buffers = sizes.map(([start, size]) => all.subarray(start, start + size));
    const rest = all.subarray(offset);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return { header, buffers };
  }
}

// MARK: - Shared memory

/** The runner's input segments (read) and ours for results (written, reused per slot). */
class SharedSegments {
  constructor() {
    this.inputs = new Map(); // name -> fd
    this.out = []; // [name, capacity, fd]
    this.serial = 0;
  }

  read(name, size) {
    if (name.includes('/')) throw new Error(`bad shared memory name ${name}`);
    let fd = this.inputs.get(name);
    if (fd === undefined) {
      fd = fs.openSync('/dev/shm/' + name, 'r');
      this.inputs.set(name, fd);
    }
    const buffer = new ArrayBuffer(size);
    const view = new Uint8Array(buffer);
    let done = 0;
    while (done < size) {
      const got = fs.readSync(fd, view, done, size - done, done);
      if (got === 0) throw new Error(`shared memory ${name} is shorter than ${size} bytes`);
      done += got;
    }
    return buffer;
  }

  drop(names) {
    for (const name of names) {
      const fd = this.inputs.get(name);
      if (fd !== undefined) fs.closeSync(fd);
      this.inputs.delete(name);
    }
  }

  /** Writes `view` into result slot `slot` (grown under a new name when too small); its name. */
  write(slot, view) {
    let current = this.out[slot];
    if (!current || current[1] < view.length) {
      if (current) {
        fs.closeSync(current[2]);
        try { fs.unlinkSync('/dev/shm/' + current[0]); } catch { /* already gone */ }
      }
      this.serial += 1;
      const name = `${SHM_PREFIX}-${this.serial}`;
      const capacity = view.length + Math.floor(view.length / 8);
      const fd = fs.openSync('/dev/shm/' + name, 'wx+', 0o600);
      fs.ftruncateSync(fd, capacity);
      current = [name, capacity, fd];
      this.out[slot] = current;
    }
    let done = 0;
    while (done < view.length) done += fs.writeSync(current[2], view, done, view.length - done, done);
    return current[0];
  }

  cleanup() {
    for (const entry of this.out) {
      if (entry) try { fs.unlinkSync('/dev/shm/' + entry[0]); } catch { /* already gone */ }
    }
    this.out = [];
  }
}

const SEGMENTS = new SharedSegments();

// MARK: - Values

const DTYPES = {
  Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8', Int16Array: 'int16', Uint16Array: 'uint16',
  Int32Array: 'int32', Uint32Array: 'uint32', Float32Array: 'float32', Float64Array: 'float64',
  BigInt64Array: 'int64', BigUint64Array: 'uint64',
};

function binary(reference, buffers) {
  if ('__b__' in reference) {
    const bytes = buffers[reference.__b__];
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  }
  return SEGMENTS.read(reference.__shm__, reference.size);
}

/** Frame values → JavaScript: binary values become ArrayBuffers (ndarray `_rvalue`s too). */
function decode(value, buffers) {
  if (Array.isArray(value)) return value.map((item) => decode(item, buffers));
  if (value === null || typeof value !== 'object') return value;
  if ('__b__' in value || '__shm__' in value) return binary(value, buffers);
  if (value._rtype === 'error') return new Error(String(value._rvalue));
  if (value._rtype === 'callback') return remoteCallback(value._rvalue);
  const result = {};
  for (const key of Object.keys(value)) result[key] = decode(value[key], buffers);
  return result;
}

function bytesOf(value) {
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** JavaScript → frame values, collecting binary payloads (large ones into shared memory). */
class Encoder {
  constructor() {
    this.buffers = [];
    this.slot = 0;
    this.open = new Set(); // the containers being encoded (cycle detection)
  }

  binary(value) {
    const bytes = bytesOf(value);
    if (bytes.length >= SHM_THRESHOLD) {
      const name = SEGMENTS.write(this.slot, bytes);
      this.slot += 1;
      return { __shm__: name, size: bytes.length };
    }
    this.buffers.push(bytes);
    return { __b__: this.buffers.length - 1 };
  }

  /**
   * `value` as frame JSON. A value nested deeper than MAX_DEPTH, or one that contains itself,
   * throws an Unsendable naming where (`result[0].a`), never a deep stack.
   */
  encode(value, depth = 0) {
    if (value === undefined || value === null || typeof value === 'function' || typeof value === 'symbol') return null;
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
    if (typeof value !== 'object') return value;
    if (value instanceof ArrayBuffer || value instanceof DataView || value instanceof Uint8Array) return this.binary(value);
    if (depth >= MAX_DEPTH) throw new Unsendable(`nests more than ${MAX_DEPTH} levels`);
    if (this.open.has(value)) throw new Unsendable('contains itself (a reference cycle)');
    this.open.add(value);
    try {
      return this.container(value, depth);
    } finally {
      this.open.delete(value);
    }
  }

  container(value, depth) {
    if (Array.isArray(value)) return value.map((item, index) => this.item(item, depth, `[${index}]`));
    if (ArrayBuffer.isView(value)) {
      // A typed array (other than bytes) is a 1-d ndarray of its element type.
      const dtype = DTYPES[value.constructor.name];
      if (!dtype) throw new TypeError(`cannot send a ${value.constructor.name}`);
      return { _rtype: 'ndarray', _rvalue: this.binary(value), _rshape: [value.length], _rdtype: dtype };
    }
    if (value._rtype === 'ndarray') {
      const raw = value._rvalue;
      if (!(raw instanceof ArrayBuffer) && !ArrayBuffer.isView(raw)) {
        throw new TypeError('an ndarray\'s _rvalue must be an ArrayBuffer or a typed array');
      }
      return { _rtype: 'ndarray', _rvalue: this.binary(raw), _rshape: this.item(value._rshape, depth, '._rshape'), _rdtype: value._rdtype };
    }
    if (value instanceof Error) return { _rtype: 'error', _rvalue: `${value.name}: ${value.message}` };
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Map) return this.container(Object.fromEntries(value), depth);
    if (value instanceof Set) return this.container([...value], depth);
    const result = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
      if (typeof item !== 'function') result[key] = this.item(item, depth, step);
    }
    return result;
  }

  item(value, depth, step) {
    try {
      return this.encode(value, depth + 1);
    } catch (error) {
      if (error instanceof Unsendable) {
        error.path.push(step);
        error.message = `${error.where('the value')} ${error.reason}`;
      }
      throw error;
    }
  }
}

/** A value the protocol cannot carry: too deep, or containing itself. */
class Unsendable extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'Unsendable';
    this.reason = reason;
    this.path = []; // innermost step first
  }

  where(root) {
    const steps = [...this.path].reverse();
    if (steps.length > 8) {
      return `${root}${steps.slice(0, 4).join('')}…${steps.slice(-2).join('')} (${steps.length} levels down)`;
    }
    return root + steps.join('');
  }
}

function send(kind, fields = {}) {
  const encoder = new Encoder();
  const header = { t: kind };
  for (const key of Object.keys(fields)) header[key] = encoder.encode(fields[key]);
  writeFrame(header, encoder.buffers);
}

// MARK: - Requirements, importScripts and fetch

const host = { files: {}, cacheDir: null, pluginDir: process.cwd() };

function cachedFile(url) {
  if (host.files[url]) return host.files[url];
  if (host.cacheDir) {
    const candidate = path.join(host.cacheDir, crypto.createHash('sha256').update(url).digest('hex'));
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** The local file for `url`: a cached URL, a `file:` URL, or a path (relative to the plugin's folder). */
function localFile(url, what) {
  const text = String(url);
  const cached = cachedFile(text);
  if (cached) return cached;
  if (text.startsWith('file:')) return new URL(text).pathname;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return path.resolve(host.pluginDir, text);
  const where = host.cacheDir ? `the JS cache ${host.cacheDir}` : 'the JS cache';
  throw new Error(`${what} ${text}: batch runs are offline and ${where} has no copy of it; ` +
    `add one with \`imjoy-run js-cache add ${text} FILE\``);
}

function runScript(url, what) {
  vm.runInThisContext(fs.readFileSync(localFile(url, what), 'utf8'), { filename: String(url) });
}

function importScripts(...urls) {
  for (const url of urls) runScript(url, 'importScripts');
}

/** `fetch` for local files and cached URLs (a browser worker's `fetch`, offline). */
async function localFetch(input) {
  const url = typeof input === 'string' ? input : (input && input.url) || String(input);
  const file = localFile(url, 'fetch');
  let data;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    return new Response(null, { status: 404, statusText: `${file}: ${error.code || error.message}` });
  }
  return new Response(data, { status: 200 });
}

// ES-module `import` of an http(s) URL (in a `type="module"` script, an `mjs:` requirement or
// a module they import) reads the JS cache too: module resolution hooks map the URL (and the
// relative imports of a cached module) to the cached copy, or fail naming the URL.
const MODULE_HOOKS = `
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
let cacheDir = null;
let files = {};
export async function initialize(data) { cacheDir = data.cacheDir; files = data.files || {}; }
function cached(url) {
  if (files[url]) return files[url];
  if (!cacheDir) return null;
  const candidate = path.join(cacheDir, createHash('sha256').update(url).digest('hex'));
  return fs.existsSync(candidate) ? candidate : null;
}
const remote = (text) => /^https?:/i.test(text);
export async function resolve(specifier, context, next) {
  if (remote(specifier)) return { url: specifier, shortCircuit: true };
  if (context.parentURL && remote(context.parentURL) && /^(\\.{0,2}\\/)/.test(specifier)) {
    return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!remote(url)) return next(url, context);
  const file = cached(url);
  if (!file) {
    const where = cacheDir ? 'the JS cache ' + cacheDir : 'the JS cache';
    throw new Error('import ' + url + ': batch runs are offline and ' + where + ' has no copy of it; add one with \`imjoy-run js-cache add ' + url + ' FILE\`');
  }
  return { format: 'module', source: fs.readFileSync(file, 'utf8'), shortCircuit: true };
}
`;

function installModuleHooks() {
  const { register } = require('module');
  if (typeof register !== 'function') return; // Node < 20.6: URL imports fail as Node reports
  register('data:text/javascript,' + encodeURIComponent(MODULE_HOOKS), { data: { cacheDir: host.cacheDir, files: host.files } });
}

function unavailable(name, hint) {
  return new Error(`${name} is not available to web-worker plugins in imjoy-run's Node.js host` + (hint ? `; ${hint}` : ''));
}

function installWorkerGlobals() {
  globalThis.self = globalThis;
  // `self instanceof WorkerGlobalScope` holds, as in a browser's dedicated worker.
  for (const name of ['WorkerGlobalScope', 'DedicatedWorkerGlobalScope']) {
    const scope = function () { throw new TypeError('Illegal constructor'); };
    Object.defineProperty(scope, 'name', { value: name });
    Object.defineProperty(scope, Symbol.hasInstance, { value: (value) => value === globalThis });
    globalThis[name] = scope;
  }
  globalThis.importScripts = importScripts;
  globalThis.fetch = localFetch;
  globalThis.postMessage = (message) => api.log('[postMessage]', safeText(message));
  globalThis.addEventListener = () => {}; // no message ever arrives in a batch run
  globalThis.removeEventListener = () => {};
  for (const name of ['XMLHttpRequest', 'OffscreenCanvas', 'FileReaderSync', 'ImageData', 'WebSocket']) {
    globalThis[name] = function () { throw unavailable(name, name === 'XMLHttpRequest' ? 'use fetch with a file: URL' : ''); };
  }
  globalThis.createImageBitmap = () => Promise.reject(unavailable('createImageBitmap'));
  for (const name of ['indexedDB', 'caches']) {
    globalThis[name] = new Proxy({}, { get(_, key) { if (typeof key === 'symbol') return undefined; throw unavailable(name); } });
  }
}

function safeText(value) {
  try { return typeof value === 'string' ? value : JSON.stringify(value); } catch { return String(value); }
}

// MARK: - The api

const pending = new Map(); // request id -> { resolve, reject }
let requestSerial = 0;
/** Requests of the call in flight not answered yet: the call's result waits for them. */
const outstanding = new Set();

/** Asks the runner; resolves with its reply (matched by request id: a callback served while a
 *  request waits may make requests of its own). Values pass through the registered codecs. */
function request(fn, fields) {
  requestSerial += 1;
  const rid = requestSerial;
  const finished = track();
  return (async () => {
    try {
      const encoded = {};
      for (const key of Object.keys(fields)) encoded[key] = await encodeCodecs(fields[key]);
      const value = await new Promise((resolve, reject) => {
        pending.set(rid, { resolve, reject });
        send('api', Object.assign({ fn, rid }, encoded));
      });
      return await decodeCodecs(value);
    } finally {
      finished();
    }
  })();
}

/** Marks an api request as outstanding until the returned function is called; the request's own
 *  promise stays untouched, so a rejection nobody handles is still reported (and fails the call). */
function track() {
  let done;
  const tracker = new Promise((resolve) => { done = resolve; });
  outstanding.add(tracker);
  return () => { outstanding.delete(tracker); done(); };
}

function answerRequest(header, buffers) {
  const rid = header.rid;
  const key = rid !== undefined && rid !== null && pending.has(rid) ? rid : pending.keys().next().value;
  const waiter = pending.get(key);
  if (!waiter) return;
  pending.delete(key);
  if (header.error !== undefined && header.error !== null) waiter.reject(new Error(header.error));
  else waiter.resolve(decode(header.value === undefined ? null : header.value, buffers));
}

// MARK: - Other plugins (getPlugin, call, run) and remote callbacks

const callbacks = new Map(); // id -> function passed to another plugin, while that call runs
let callbackSerial = 0;

/** `value` with each function in it replaced by imjoy-rpc's callback reference. */
function exportCallbacks(value, ids, depth = 0) {
  if (typeof value === 'function') {
    if (value.__remoteCallback !== undefined) return { _rtype: 'callback', _rvalue: value.__remoteCallback };
    callbackSerial += 1;
    const id = `js${process.pid}-${callbackSerial}`;
    callbacks.set(id, value);
    ids.push(id);
    return { _rtype: 'callback', _rvalue: id };
  }
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) return value.map((item) => exportCallbacks(item, ids, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    // A class instance (an interface): its methods too, bound to it.
    const out = {};
    for (const key of Object.keys(value)) out[key] = exportCallbacks(value[key], ids, depth + 1);
    let proto = Object.getPrototypeOf(value);
    while (proto && proto !== Object.prototype) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        if (key !== 'constructor' && !(key in out) && typeof value[key] === 'function') out[key] = exportCallbacks(value[key].bind(value), ids, depth + 1);
      }
      proto = Object.getPrototypeOf(proto);
    }
    return out;
  }
  const out = {};
  for (const key of Object.keys(value)) out[key] = exportCallbacks(value[key], ids, depth + 1);
  return out;
}

/** An api request whose arguments may hold functions (called back while it runs); the call in
 *  flight waits for it (tracked at once, before its arguments are encoded). */
function remoteCall(fn, fields) {
  const finished = track();
  const answer = (async () => {
    const ids = [];
    const exported = {};
    for (const key of Object.keys(fields)) exported[key] = exportCallbacks(await encodeCodecs(fields[key]), ids);
    try {
      return await request(fn, exported);
    } finally {
      for (const id of ids) callbacks.delete(id);
      finished();
    }
  })();
  return answer;
}

/** A function another plugin passed to this one: calling it runs it there. */
function remoteCallback(id) {
  const fn = (...args) => remoteCall('callback', { id, args });
  fn.__remoteCallback = id;
  return fn;
}

/** Runs a callback the runner asks for (another plugin calls a function this one passed it). */
async function serveCallback(header, buffers) {
  try {
    const fn = callbacks.get(header.id);
    if (!fn) throw new Error(`the callback ${header.id} is no longer available (its call has returned)`);
    const args = await decodeCodecs(decode(header.args || [], buffers));
    const value = await encodeCodecs(await fn(...args));
    send('result', { value });
  } catch (error) {
    send('error', { message: errorMessage(error), traceback: pluginTrace(error) });
  }
}

function pluginProxy(name) {
  return new Proxy({ name, _name: name }, {
    get(target, method) {
      if (method in target || typeof method === 'symbol' || method === 'then' || method === 'toJSON') return target[method];
      return (...args) => remoteCall('call', { plugin: name, method, args });
    },
  });
}

// MARK: - Codecs (imjoy-rpc's api.registerCodec)

const codecs = new Map(); // name -> { name, type, encoder, decoder }

function registerCodec(config) {
  if (!config || typeof config.name !== 'string' || (!config.encoder && !config.decoder)) {
    throw new Error('api.registerCodec needs {name, type, encoder, decoder} (a name and an encoder or a decoder)');
  }
  if (config.encoder && typeof config.type !== 'function') throw new Error(`api.registerCodec(${config.name}): an encoder needs a type (a class)`);
  codecs.set(config.name, config);
}

/** `value` with each instance of a codec's type replaced by its encoding (`_rtype` = the codec's name). */
async function encodeCodecs(value, depth = 0) {
  if (codecs.size === 0 || value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  for (const codec of codecs.values()) {
    if (codec.encoder && codec.type && value instanceof codec.type) {
      const encoded = await codec.encoder(value);
      if (encoded && typeof encoded === 'object' && !encoded._rtype) encoded._rtype = codec.name;
      return encoded;
    }
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => encodeCodecs(item, depth + 1)));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out = {};
  for (const key of Object.keys(value)) out[key] = await encodeCodecs(value[key], depth + 1);
  return out;
}

/** `value` with each object whose `_rtype` names a codec with a decoder decoded. */
async function decodeCodecs(value, depth = 0) {
  if (codecs.size === 0 || value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => decodeCodecs(item, depth + 1)));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out = {};
  for (const key of Object.keys(value)) out[key] = await decodeCodecs(value[key], depth + 1);
  const codec = typeof out._rtype === 'string' ? codecs.get(out._rtype) : undefined;
  return codec && codec.decoder ? codec.decoder(out) : out;
}

let windowSerial = 0;

/** The data a window method call shows: `run(ctx)` shows ctx.data, one argument shows itself,
 * several show the list. */
function windowData(method, args) {
  if (method === 'run' && args.length === 1 && args[0] && typeof args[0] === 'object' && 'data' in args[0]) return args[0].data;
  return args.length === 1 ? args[0] : args;
}

/** What createWindow/showDialog return in batch: every method call (`run`, `setData`, …)
 * records its data as the window's latest, written as the op's display output. */
function windowObject(config, id) {
  const windowId = id || `window-${++windowSerial}`;
  const name = config.name || config.type || 'window';
  const update = (method, data) => {
    // The window's config (without its data) goes along, for a window opened by an earlier call.
    const rest = Object.fromEntries(Object.entries(config).filter(([k, v]) => k !== 'data' && typeof v !== 'function'));
    send('window', { fn: 'update', id: windowId, window: { data: data === undefined ? null : data, _method: method, _config: rest } });
    return Promise.resolve();
  };
  return new Proxy({ id: windowId, name, config, _update: update }, {
    get(target, key) {
      if (key in target || typeof key === 'symbol' || key === 'then' || key === 'toJSON') return target[key];
      return (...args) => update(String(key), windowData(String(key), args));
    },
  });
}

const state = { exported: null, ops: {}, callConfig: {}, outDir: '.', attachments: {} };

/** Asks the runner for the op's answer to an interactive call. */
async function ask(fn, message, fallback, options) {
  const reply = await request('answer', { function: fn, message: message || '', default: fallback === undefined ? null : fallback, options: options || {} });
  if (reply && reply.note) event('answer', [reply.note]);
  return reply ? reply.value : null;
}

const utils = new Proxy({
  sleep(seconds) { return new Promise((resolve) => setTimeout(resolve, Number(seconds || 0) * 1000)); },
  openUrl(url) { return event('openUrl', [String(url)]); },
  $forceUpdate() { return Promise.resolve(); },
  assert(condition, message) { if (!condition) throw new Error(message || 'assertion failed'); },
  kill() {},
  debounce(fn) { return fn; },
}, {
  get(target, name) {
    if (name in target || typeof name === 'symbol' || name === 'then' || name === 'toJSON') return target[name];
    return () => { throw new Error(`api.utils.${String(name)} is not available in batch runs (imjoy-run)`); };
  },
});

function event(fn, args) {
  send('event', { fn, args: args.map((a) => (a === null || ['string', 'number', 'boolean'].includes(typeof a) ? a : safeText(a))) });
  return Promise.resolve();
}

const baseApi = {
  export(obj) { state.exported = obj; return Promise.resolve(); },
  register(spec) {
    if (!spec || !spec.name) throw new Error('api.register needs a name');
    state.ops[spec.name] = spec;
    return Promise.resolve(spec.name);
  },
  unregister(spec) { delete state.ops[typeof spec === 'string' ? spec : spec && spec.name]; return Promise.resolve(); },
  echo(value) { return Promise.resolve(value); },
  getAttachment(name) {
    if (!(name in state.attachments)) return Promise.reject(new Error(`the plugin has no attachment named ${name}`));
    return Promise.resolve(state.attachments[name]);
  },
  // ImJoy keeps plugin settings in localStorage: what comes back is a string (or null).
  async getConfig(name) {
    const value = await request('getConfig', { name });
    if (value === null || value === undefined || (typeof name === 'string' && name.startsWith('_'))) return value === undefined ? null : value;
    return typeof value === 'string' ? value : (typeof value === 'object' ? JSON.stringify(value) : String(value));
  },
  async setConfig(name, value) {
    if (name && typeof name === 'object') {
      for (const key of Object.keys(name)) await request('setConfig', { name: key, value: name[key] });
      return undefined;
    }
    return request('setConfig', { name, value });
  },
  createWindow(config) {
    const win = windowObject(config || {});
    send('window', { fn: 'createWindow', id: win.id, window: config || {} });
    return Promise.resolve(win);
  },
  showDialog(config) {
    config = config || {};
    if ('ui' in config || config.type === 'joy') return ask('showDialog', config.name || config.title || '', null, config);
    const win = windowObject(config);
    send('window', { fn: 'showDialog', id: win.id, window: config });
    return Promise.resolve(win);
  },
  getWindow(name) { return Promise.resolve(windowObject({ name }, typeof name === 'string' ? name : undefined)); },
  updateWindow(win, data) {
    if (win && typeof win === 'object' && !win._update && 'id' in win && data === undefined) {
      // The old form: api.updateWindow({id: windowId, data: …}).
      data = Object.assign({}, win); delete data.id; win = win.id;
    }
    const target = win && win._update ? win : windowObject({ name: String(win) }, String(win));
    if (data && typeof data === 'object' && 'data' in data && Object.keys(data).every((k) => ['data', 'name', 'type', 'config'].includes(k))) data = data.data;
    return target._update('updateWindow', data);
  },
  exportFile(file, name) {
    const target = path.resolve(state.outDir, path.basename(String(name || (file && file.name) || 'exported_file')));
    fs.mkdirSync(state.outDir, { recursive: true });
    const data = typeof file === 'string' ? file : bytesOf(file);
    fs.writeFileSync(target, data);
    event('exportFile', [target]);
    send('window', { fn: 'exportFile', id: `export-${++windowSerial}`, window: { path: target } });
    return Promise.resolve(target);
  },
  showFileDialog(options = {}) {
    return ask('showFileDialog', (options && (options.title || options.name)) || '', null, options || {});
  },
  prompt(text = '', fallback, options = {}) {
    if (text && typeof text === 'object') {
      if (fallback === undefined) fallback = text.placeholder;
      text = text.content || text.title || '';
    }
    return ask('prompt', String(text), fallback, options);
  },
  confirm(text = '', options = {}) {
    const content = text && typeof text === 'object' ? text.content || text.title || '' : text;
    return ask('confirm', String(content), null, options);
  },
  async getPlugin(name) {
    const target = name && typeof name === 'object' ? name.name || name.id : name;
    const found = await request('getPlugin', { plugin: target });
    return pluginProxy((found && found.name) || target);
  },
  call(plugin, method, ...args) { return remoteCall('call', { plugin, method, args }); },
  run(plugin, ctx) { return remoteCall('run', { plugin, ctx: ctx || {} }); },
  registerCodec(config) { registerCodec(config); return Promise.resolve(); },
  utils,
  TAG: null,
  WORKSPACE: 'default',
  WORK_DIR: process.cwd(),
  config: {},
};
baseApi.registerService = baseApi.register;
baseApi.register_codec = baseApi.registerCodec;
baseApi.unregisterService = baseApi.unregister;
for (const fn of ['log', 'error', 'showStatus', 'showProgress', 'progress', 'showMessage', 'showSnackbar', 'alert']) {
  baseApi[fn] = (...args) => event(fn, args);
}

/** Waits until the call in flight has no outstanding api request (see `track`), letting the
 *  `.then` callbacks of settled ones run and start requests of their own first. */
async function settleOutstanding() {
  for (let round = 0; round < 10000; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (outstanding.size === 0) return;
    await Promise.allSettled([...outstanding]);
  }
}

const api = new Proxy(baseApi, {
  get(target, name) {
    if (typeof name === 'string' && typeof target[name] === 'function' && name !== 'export') {
      return (...args) => target[name].apply(target, args);
    }
    if (name in target || typeof name === 'symbol' || name === 'then' || name === 'toJSON') return target[name];
    return () => { throw new Error(`api.${String(name)} is not available in batch runs (imjoy-run)`); };
  },
});
globalThis.api = api;

// MARK: - Serving

function member(obj, name) {
  if (obj === null || obj === undefined) return undefined;
  return obj[name];
}

/** The function a call runs, with the object it is called on. */
function target(op, method) {
  const exported = state.exported;
  if (method) {
    const fn = member(exported, method);
    if (typeof fn !== 'function') throw new Error(`the plugin exports no function ${method}`);
    return [fn, exported];
  }
  if (op && state.ops[op]) {
    const spec = state.ops[op];
    if (typeof spec.run === 'function') return [spec.run, spec];
    if (typeof member(exported, 'run') === 'function') return [exported.run, exported];
    throw new Error(`op ${op} has no run function`);
  }
  if (op && op !== api.config.name) {
    throw new Error(`the plugin registers no op ${op} (it registers: ${Object.keys(state.ops).sort().join(', ') || 'none'})`);
  }
  if (typeof member(exported, 'run') !== 'function') throw new Error('the plugin exports no run function');
  return [exported.run, exported];
}

/** The stack of `error` without the host's and Node's own frames. */
function pluginTrace(error) {
  if (!(error instanceof Error) || !error.stack) return '';
  return error.stack.split('\n').filter((line) => /^\s+at /.test(line))
    .filter((line) => !line.includes(__filename) && !/[( ]node:/.test(line) && !line.includes('(internal/') && !line.includes('data:text/javascript')).join('\n');
}

function errorMessage(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `Uncaught ${safeText(error)}`;
}

async function loadScripts(message) {
  for (const [index, script] of (message.scripts || []).entries()) {
    const label = `${message.name} script ${index + 1}`;
    if (script.module) {
      const folder = fs.mkdtempSync(path.join(require('os').tmpdir(), 'imjoy-run-js-'));
      const file = path.join(folder, `${label.replace(/[^\w.-]+/g, '_')}.mjs`);
      fs.writeFileSync(file, script.content);
      try {
        await import(pathToFileURL(file).href);
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    } else {
      vm.runInThisContext(script.content, { filename: label, lineOffset: (script.line || 1) - 1 });
    }
  }
}

async function start(message) {
  host.files = message.files || {};
  host.cacheDir = message.cache_dir || null;
  host.pluginDir = message.plugin_dir || process.cwd();
  baseApi.TAG = message.tag || null;
  baseApi.WORKSPACE = message.workspace || 'default';
  baseApi.WORK_DIR = message.work_dir || process.cwd();
  baseApi.config = Object.assign({}, message.config || {}, { tag: baseApi.TAG, workspace: baseApi.WORKSPACE, work_dir: baseApi.WORK_DIR });
  state.attachments = message.attachments || {};
  process.env.WORK_DIR = baseApi.WORK_DIR;
  installModuleHooks();
  if (message.cwd) {
    fs.mkdirSync(message.cwd, { recursive: true });
    process.chdir(message.cwd);
  }
  for (const requirement of message.requirements || []) {
    if (requirement.kind === 'mjs') await import(pathToFileURL(localFile(requirement.url, 'requirement')).href);
    else runScript(requirement.url, 'requirement');
  }
  recordBaseline();
  await loadScripts(message);
  if (state.exported === null || state.exported === undefined) throw new Error('the plugin never called api.export(...)');
  const setup = member(state.exported, 'setup');
  if (typeof setup === 'function') await setup.call(state.exported);
}

// MARK: - Globals (check-functional)

// The plugin's globals are what its own <script> blocks add to the global scope: properties of
// globalThis (`var`, function declarations, `self.x = …`) and, for classic scripts, top-level
// `let`/`const`/`class` bindings, which live in the global lexical scope, not on globalThis (the
// V8 inspector lists them). What the host and the plugin's requirements defined before its
// scripts ran is the baseline, left out like the Python host leaves out modules. Top-level
// bindings of `type="module"` scripts are module-scoped and not seen.
const baseline = { properties: new Set(), lexical: new Set() };

function lexicalGlobalNames() {
  let names = [];
  try {
    const session = new (require('inspector').Session)();
    session.connect();
    // A session on the main thread answers synchronously.
    session.post('Runtime.globalLexicalScopeNames', {}, (error, result) => { if (!error && result) names = result.names; });
    session.disconnect();
  } catch { /* Node built without the inspector: only globalThis's properties are seen */ }
  return names;
}

function recordBaseline() {
  baseline.properties = new Set(Object.getOwnPropertyNames(globalThis));
  baseline.lexical = new Set(lexicalGlobalNames());
}

/** Feeds a canonical form of `value` to `hash`: typed arrays by their bytes, objects by sorted keys. */
function digestInto(hash, value, seen, depth) {
  if (value === null || value === undefined || typeof value !== 'object') {
    const kind = typeof value;
    hash.update(kind === 'function' ? `function ${value.name};` : `${kind}:${kind === 'string' ? JSON.stringify(value) : String(value)};`);
    return;
  }
  if (seen.has(value)) { hash.update('cycle;'); return; }
  if (depth > 100) { hash.update('deep;'); return; }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    hash.update(`${value.constructor.name}(${value.byteLength}):`);
    hash.update(bytesOf(value));
    return;
  }
  seen.add(value);
  if (Array.isArray(value)) {
    hash.update(`[${value.length}`);
    for (const item of value) digestInto(hash, item, seen, depth + 1);
    hash.update(']');
  } else if (value instanceof Map || value instanceof Set) {
    hash.update(`${value.constructor.name}{${value.size}`);
    for (const entry of value) digestInto(hash, entry, seen, depth + 1);
    hash.update('}');
  } else if (value instanceof Date) {
    hash.update(`Date:${value.getTime()};`);
  } else {
    hash.update(`${(value.constructor && value.constructor.name) || 'Object'}{`);
    for (const key of Object.keys(value).sort()) {
      hash.update(`${JSON.stringify(key)}:`);
      digestInto(hash, value[key], seen, depth + 1);
    }
    hash.update('}');
  }
  seen.delete(value);
}

/** [digest, short text] of a watched value, or null for functions, classes and unreadable values. */
function fingerprint(value) {
  if (typeof value === 'function') return null;
  try {
    const hash = crypto.createHash('sha256');
    digestInto(hash, value, new Set(), 0);
    const text = require('util').inspect(value, { depth: 1, breakLength: Infinity, maxArrayLength: 8, maxStringLength: 80 });
    return [hash.digest('hex').slice(0, 16), text.length <= 80 ? text : text.slice(0, 77) + '...'];
  } catch {
    return null; // a getter that throws is not watched
  }
}

/** Answers the runner's `globals` message: {name: [digest, short text]} of the plugin's
 *  globals and of its exported object's own fields (`this.NAME`), compared between calls. */
function globalsFingerprint() {
  const items = [];
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (baseline.properties.has(name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    items.push([name, () => (descriptor && 'value' in descriptor ? descriptor.value : globalThis[name])]);
  }
  for (const name of lexicalGlobalNames()) {
    if (!baseline.lexical.has(name)) items.push([name, () => vm.runInThisContext(name)]);
  }
  const exported = state.exported;
  if (exported !== null && typeof exported === 'object') {
    for (const name of Object.getOwnPropertyNames(exported)) items.push([`this.${name}`, () => exported[name]]);
  }
  const out = {};
  for (const [name, read] of items) {
    let value;
    try { value = read(); } catch { continue; } // a binding still in its temporal dead zone
    const print = fingerprint(value);
    if (print) out[name] = print;
  }
  for (const [key, value] of Object.entries(process.env)) out[`env:${key}`] = fingerprint(`${key}=${value}`); // check-functional
  return out;
}

let current = null; // the call in flight: { fail(error) }

async function call(header, buffers) {
  let failed = null;
  const failure = new Promise((_, reject) => { failed = reject; });
  current = { fail: failed };
  try {
    const args = decode(header.args || [], buffers);
    state.callConfig = header.config || {};
    state.outDir = header.out_dir || state.outDir;
    SEGMENTS.drop(header.drop || []);
    const [fn, self] = target(header.op, header.method);
    const last = args[args.length - 1];
    if (last && typeof last === 'object' && last._rkwarg) delete last._rkwarg; // keyword arguments: a trailing object
    outstanding.clear();
    const result = await Promise.race([Promise.resolve(fn.apply(self, await decodeCodecs(args))), failure]);
    // api requests the plugin did not wait for (`api.call(...)` without await), and what their
    // `.then` callbacks start, finish with the call: a failure nobody handled fails the call.
    await Promise.race([settleOutstanding(), failure]);
    const value = await encodeCodecs(result);
    current = null;
    try {
      send('result', { value });
    } catch (error) {
      if (error instanceof Unsendable) {
        send('error', { message: `cannot send the result: ${error.where('result')} ${error.reason}`, traceback: '' });
      } else {
        send('error', { message: `cannot send the result: ${errorMessage(error)}`, traceback: pluginTrace(error) });
      }
    }
  } catch (error) {
    current = null;
    send('error', { message: errorMessage(error), traceback: pluginTrace(error) });
  }
}

// An exception thrown outside the call's promise chain (a timer callback) fails the call in
// flight; otherwise it is logged, as a browser worker would.
function stray(error) {
  if (current) {
    current.fail(error);
  } else {
    process.stderr.write(`[imjoy-run] uncaught: ${errorMessage(error)}\n${pluginTrace(error)}\n`);
  }
}
process.on('uncaughtException', stray);
process.on('unhandledRejection', stray);

/** Exit when the runner goes away, even while a call computes (the main thread may be busy). */
function watchParent() {
  const { Worker } = require('worker_threads');
  const source = `
    const fs = require('fs');
    const parent = ${process.ppid};
    setInterval(() => {
      if (process.ppid === parent) return;
      for (const name of fs.readdirSync('/dev/shm')) {
        if (name.startsWith(${JSON.stringify(SHM_PREFIX + '-')})) { try { fs.unlinkSync('/dev/shm/' + name); } catch {} }
      }
      process.kill(${process.pid}, 'SIGKILL');
    }, 500);`;
  new Worker(source, { eval: true }).unref();
}

function main() {
  installWorkerGlobals();
  let started = false;
  let queue = Promise.resolve();
  const reader = new FrameReader((header, buffers) => {
    switch (header.t) {
      case 'init':
        if (started) return;
        started = true;
        queue = queue.then(async () => {
          try {
            await start(decode(header, buffers));
          } catch (error) {
            send('error', { message: errorMessage(error), traceback: pluginTrace(error) });
            return;
          }
          send('ready', { pid: process.pid, ops: Object.keys(state.ops).sort() });
        });
        break;
      case 'reply':
        answerRequest(header, buffers);
        break;
      case 'callback':
        serveCallback(header, buffers);
        break;
      case 'call':
        queue = queue.then(() => call(header, buffers));
        break;
      case 'globals':
        queue = queue.then(() => send('globals', { value: globalsFingerprint() }));
        break;
      case 'exit':
        SEGMENTS.cleanup();
        process.exit(0);
        break;
      default:
        break;
    }
  });
  const input = new net.Socket({ fd: 0, readable: true, writable: false });
  input.on('data', (chunk) => reader.push(chunk));
  input.on('end', () => { SEGMENTS.cleanup(); process.exit(0); });
  input.on('error', () => { SEGMENTS.cleanup(); process.exit(0); });
  process.on('exit', () => SEGMENTS.cleanup());
  watchParent();
}

main();
