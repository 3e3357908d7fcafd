// The offline Tone.js renderer of synharness: one long-lived worker speaking JSON lines.
//
// Protocol (one JSON object per line each way, answered in order):
//   {"id": 1, "op": "ping"}                    -> {"id": 1, "ok": true, "tone": "15.x", "node": "v20.x"}
//   {"id": 2, "op": "catalogue"}               -> {"id": 2, "ok": true, "catalogue": {...}}
//   {"id": 3, "op": "render", "tone": {...}}   -> {"id": 3, "ok": true, "sampleRate": n,
//                                                  "channels": ["<base64 float32 LE>", ...],
//                                                  "notes": n, "automated": [...], "set": [...]}
//   any failure                                -> {"id": n, "ok": false, "error": "..."}
// Renders are reproducible: Math.random is a seeded generator, reseeded at every render request
// (see "Seeded randomness" below), so the same request gives the same samples in any worker.
// The render request is built by synharness/render/audio.py (see docs/audio.md): the synth class
// and options, the effects chain in order, automation (times and values per parameter path) and
// notes (time, op, note, duration, velocity). stdout carries only protocol lines: Tone.js and the
// Web Audio implementation may log, so console output is sent to stderr.

// node-web-audio-api's AudioWorklet uses Promise.withResolvers (Node >= 22); Node 20 lacks it.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const webaudio = await import("node-web-audio-api");
import { createInterface } from "node:readline";

const out = process.stdout;
console.log = console.info = console.warn = console.debug = (...args) => {
  process.stderr.write(args.map(String).join(" ") + "\n");
};

// Everything but AudioContext: with none, Tone.js keeps its global context a dummy instead of
// opening the machine's audio device (there may be none); Tone.Offline needs only the rest.
const { AudioContext: _realtime, default: _default, ...offline } = webaudio;
Object.assign(globalThis, offline);
globalThis.window = globalThis;
// Tone.js reads the global scope as `self` (its `theWindow`), e.g. to pick the native AudioWorkletNode.
globalThis.self = globalThis;
// standardized-audio-context (inside Tone.js) offers AudioWorklet only in a secure context; a
// local process is one (Tone.PluckSynth and the comb filters need worklets).
globalThis.isSecureContext = true;
const Tone = await import("tone");

// ---------------------------------------------------------------------------------------------
// Seeded randomness. Tone.js draws Math.random for its noise buffers (made once per process, on
// first use), for the offset at which a noise source starts, and so for Tone.Reverb's impulse
// response. Left to the platform's generator, two workers render the same request differently
// (a few hundredths of a dB of loudness and peak for a reverb), and a render would depend on what
// the worker rendered before it. Instead (mulberry32, a 32-bit generator): the noise buffers are
// made at start-up from a fixed seed; each impulse response from a seed of its own key; each
// render request restarts the generator from a fixed seed.
function seeded(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function seedOf(text) {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
let random = seeded(seedOf("synharness"));
Math.random = () => random();
// The buffers are made by the first noise that starts, in the context current then.
await Tone.Offline(() => {
  for (const type of ["white", "pink", "brown"]) new Tone.Noise({ type }).start(0);
}, 0.01, 1, 44100);

// Tone.Reverb renders its impulse response (decaying random noise) on every construction; the
// same (decay, preDelay, sample rate) gives the same response up to the noise, so it is made
// once per worker and reused: a tone's reverb is the same in every scenario of a run.
const impulses = new Map();
const generateReverb = Tone.Reverb.prototype.generate;
Tone.Reverb.prototype.generate = async function generate() {
  const key = `${this.decay}|${this.preDelay}|${this.context.sampleRate}`;
  const cached = impulses.get(key);
  if (cached !== undefined) {
    this._convolver.buffer = cached;
    this.ready = Promise.resolve();
    return this;
  }
  // The noise starts (and draws its offsets) before the generator's first await.
  const outer = random;
  random = seeded(seedOf(key));
  let pending;
  try {
    pending = generateReverb.call(this);
  } finally {
    random = outer;
  }
  await pending;
  if (this._convolver.buffer) impulses.set(key, this._convolver.buffer);
  return this;
};

function send(message) {
  out.write(JSON.stringify(message) + "\n");
}

// ---------------------------------------------------------------------------------------------
// The option catalogue: every exported class with getDefaults(), by kind.

function ancestors(cls) {
  // Tone.js does not export its base classes (Instrument, Effect, Source): read the names of the
  // prototype chain instead.
  const names = new Set();
  for (let p = cls.prototype; p; p = Object.getPrototypeOf(p)) {
    if (p.constructor) names.add(p.constructor.name);
  }
  return names;
}

function kindOf(cls) {
  const names = ancestors(cls);
  if (names.has("Instrument")) return "synth";
  if (names.has("Effect") || names.has("StereoEffect")) return "effect";
  if (names.has("Source")) return "source";
  if (names.has("ToneAudioNode")) return "component";
  return "other";
}

// Options every ToneAudioNode takes that are not sound: the context and event callbacks.
const NOT_OPTIONS = new Set(["context", "onload", "onerror", "onsilence", "onstop"]);

function plain(value, depth = 0) {
  // Defaults hold numbers, strings, booleans, arrays and nested option objects; anything else
  // (a function, an AudioNode) is recorded by its type so the catalogue stays JSON.
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (typeof value === "object" && depth < 8) {
    if (value.constructor && value.constructor !== Object) return `<${value.constructor.name}>`;
    const result = {};
    for (const key of Object.keys(value).sort()) {
      if (depth === 0 && NOT_OPTIONS.has(key)) continue;
      if (typeof value[key] === "function") continue;
      result[key] = plain(value[key], depth + 1);
    }
    return result;
  }
  return `<${typeof value}>`;
}

function catalogue() {
  const classes = {};
  for (const name of Object.keys(Tone).sort()) {
    const cls = Tone[name];
    if (typeof cls !== "function" || typeof cls.getDefaults !== "function") continue;
    const kind = kindOf(cls);
    if (kind === "other") continue;
    if (cls.name !== name) continue; // aliases (e.g. deprecated names) point at the same class
    let defaults;
    try {
      defaults = plain(cls.getDefaults());
    } catch (error) {
      continue; // abstract classes whose defaults need an instance
    }
    const entry = { kind, options: defaults };
    // PolySynth voices must be monophonic synths.
    if (kind === "synth") entry.voice = ancestors(cls).has("Monophonic");
    classes[name] = entry;
  }
  return { tone: Tone.version, classes };
}

// ---------------------------------------------------------------------------------------------
// Building the tone and driving it.

function resolve(root, path) {
  // "envelope.release" -> [owner, "release"] below the synth, or null when a step is missing.
  const parts = path.split(".");
  let owner = root;
  for (const part of parts.slice(0, -1)) {
    if (owner === null || owner === undefined || !(part in owner)) return null;
    owner = owner[part];
  }
  const last = parts[parts.length - 1];
  if (owner === null || owner === undefined || !(last in owner)) return null;
  return [owner, last];
}

function nested(path, value) {
  const parts = path.split(".");
  const result = {};
  let node = result;
  for (const part of parts.slice(0, -1)) node = node[part] = {};
  node[parts[parts.length - 1]] = value;
  return result;
}

function valueAt(curve, t) {
  const { t: times, v: values } = curve;
  if (t <= times[0]) return values[0];
  const n = times.length;
  if (t >= times[n - 1]) return values[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid;
    else hi = mid;
  }
  const f = (t - times[lo]) / (times[hi] - times[lo]);
  return values[lo] + f * (values[hi] - values[lo]);
}

function buildSynth(spec) {
  const Synth = Tone[spec.type];
  if (typeof Synth !== "function") throw new Error(`Tone.${spec.type} is not a Tone.js class`);
  const options = { ...(spec.options || {}) };
  if (spec.type === "PolySynth") {
    // One options object: new PolySynth(Voice, options) would make them the voice's options.
    const voice = Tone[options.voice || "Synth"];
    if (typeof voice !== "function") throw new Error(`PolySynth voice Tone.${options.voice} is not a Tone.js class`);
    return new Tone.PolySynth({ ...options, voice });
  }
  return new Synth(options);
}

function play(synth, kind, note, start, duration, velocity) {
  const isPluck = synth instanceof Tone.PluckSynth;
  if (kind === "triggerAttackRelease") {
    if (isPluck) synth.triggerAttackRelease(note, duration, start);
    else synth.triggerAttackRelease(note, duration, start, velocity);
  } else if (kind === "triggerAttack" || kind === "start") {
    if (isPluck) synth.triggerAttack(note, start);
    else synth.triggerAttack(note, start, velocity);
  } else if (kind === "triggerRelease" || kind === "stop") {
    if (synth instanceof Tone.PolySynth) synth.releaseAll(start);
    else if (!isPluck) synth.triggerRelease(start);
    else synth.triggerRelease(start);
  }
}

async function render(request) {
  random = seeded(seedOf("render"));
  const spec = request.tone;
  const sampleRate = request.sampleRate || 44100;
  const channels = request.channels || 2;
  const automated = [];
  const setPerNote = [];
  let notes = 0;
  const buffer = await Tone.Offline(async () => {
    const synth = buildSynth(spec.synth);
    const chain = [];
    for (const effect of spec.effects || []) {
      const Effect = Tone[effect.type];
      if (typeof Effect !== "function") throw new Error(`Tone.${effect.type} is not a Tone.js class`);
      const node = new Effect(effect.options || {});
      chain.push(node);
    }
    for (const node of chain) if (node.ready instanceof Promise) await node.ready;
    synth.chain(...chain, Tone.getDestination());
    // Parameters that are signals follow the trace sample by sample; plain properties (an
    // envelope's release, a filter envelope's base frequency) take the trace's value at each
    // note, since the runtime reads them when a note starts.
    const perNote = [];
    for (const curve of spec.automation || []) {
      const found = resolve(synth, curve.path);
      const param = found ? found[0][found[1]] : null;
      if (param && typeof param.setValueAtTime === "function") {
        param.cancelScheduledValues(0);
        param.setValueAtTime(curve.v[0], curve.t[0]);
        for (let i = 1; i < curve.t.length; i++) param.linearRampToValueAtTime(curve.v[i], curve.t[i]);
        automated.push(curve.path);
      } else {
        perNote.push(curve);
        setPerNote.push(curve.path);
      }
    }
    for (const event of spec.notes || []) {
      for (const curve of perNote) synth.set(nested(curve.path, valueAt(curve, event.t)));
      const duration = typeof event.duration === "string" ? Tone.Time(event.duration).toSeconds() : event.duration;
      play(synth, event.kind, event.note, event.t, duration, event.velocity ?? 1);
      notes += 1;
    }
  }, request.duration, channels, sampleRate);
  const result = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    result.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"));
  }
  return { sampleRate: buffer.sampleRate, channels: result, notes, automated, set: setPerNote };
}

// ---------------------------------------------------------------------------------------------
// The loop: one request at a time, in order.

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    send({ id: null, ok: false, error: `not JSON: ${error.message}` });
    continue;
  }
  const id = request.id ?? null;
  try {
    if (request.op === "ping") send({ id, ok: true, tone: Tone.version, node: process.version });
    else if (request.op === "catalogue") send({ id, ok: true, catalogue: catalogue() });
    else if (request.op === "render") send({ id, ok: true, ...(await render(request)) });
    else if (request.op === "exit") break;
    else send({ id, ok: false, error: `unknown op ${JSON.stringify(request.op)}` });
  } catch (error) {
    send({ id, ok: false, error: String(error && error.message ? error.message : error) });
  }
}
// Exit once stdout is flushed: process.exit() alone can cut a pipe's pending answer.
out.end(() => process.exit(0));
