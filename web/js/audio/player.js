// Plays the audio lane on a listener's page: records from the live socket are decoded (WebCodecs
// AudioDecoder, or the WebAssembly Opus decoder from npm where WebCodecs audio is missing,
// loaded only then) and played through the jitter-buffer worklet. A gap in audio_seq is
// concealed by the decoder (a one-byte TOC packet per lost frame, which Opus decodes as a lost
// frame); a discontinuity resets the decoder.
import { DISCONTINUITY, parseRecords } from './format.js';

const RATE = 48000;
const MAX_CONCEALED_MS = 400; // longer gaps are not concealed: the decoder starts afresh
const KEEP_SAMPLES = RATE; // the last second decoded, for the page's own checks

function webCodecsDecoder(onSamples, onError) {
  const decoder = new AudioDecoder({
    output: (data) => {
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      data.close();
      onSamples(samples);
    },
    error: onError,
  });
  const configure = () => decoder.configure({ codec: 'opus', sampleRate: RATE, numberOfChannels: 1 });
  configure();
  return {
    kind: 'webcodecs',
    decode(packet, atMs, durationMs) {
      decoder.decode(
        new EncodedAudioChunk({ type: 'key', timestamp: atMs * 1000, duration: durationMs * 1000, data: packet }),
      );
    },
    reset() {
      if (decoder.state !== 'closed') {
        decoder.reset();
        configure();
      }
    },
    close() {
      if (decoder.state !== 'closed') decoder.close();
    },
  };
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.charset = 'utf-8';
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

async function wasmDecoder(onSamples) {
  if (!window['opus-decoder']) await loadScript(import.meta.resolve('/vendor/opus-decoder.min.js'));
  const decoder = new window['opus-decoder'].OpusDecoder({ channels: 1 });
  await decoder.ready;
  return {
    kind: 'wasm',
    decode(packet) {
      const { channelData, samplesDecoded } = decoder.decodeFrame(packet);
      if (samplesDecoded > 0) onSamples(channelData[0].slice(0, samplesDecoded));
    },
    reset() {
      decoder.reset();
    },
    close() {
      decoder.free();
    },
  };
}

export class AudioPlayer {
  constructor() {
    this.stats = {
      decoder: null,
      records: 0,
      concealed: 0,
      resets: 0,
      samples: 0,
      underruns: 0,
      buffered: 0,
      target: 0,
    };
    this.recent = new Float32Array(KEEP_SAMPLES);
    this.recentAt = 0;
    this.lastSeq = null;
    this.lastToc = null;
    this.lastDuration = 40;
    this.started = false;
  }

  // Call from a user gesture (browsers start audio only after one).
  async start() {
    if (this.started) return;
    this.started = true;
    this.context = new AudioContext({ sampleRate: RATE, latencyHint: 'playback' });
    await this.context.audioWorklet.addModule(import.meta.resolve('/js/audio/playback_worklet.js'));
    this.node = new AudioWorkletNode(this.context, 'daring-playback', { outputChannelCount: [1] });
    this.node.port.onmessage = (event) => Object.assign(this.stats, event.data);
    this.node.connect(this.context.destination);
    const onSamples = (samples) => this.play(samples);
    const supported =
      typeof AudioDecoder === 'function' &&
      (await AudioDecoder.isConfigSupported({ codec: 'opus', sampleRate: RATE, numberOfChannels: 1 }).catch(() => ({})))
        .supported;
    this.decoder = supported ? webCodecsDecoder(onSamples, () => this.decoder?.reset()) : await wasmDecoder(onSamples);
    this.stats.decoder = this.decoder.kind;
    await this.context.resume();
  }

  play(samples) {
    this.stats.samples += samples.length;
    // Keep the last second for checks (a copy: the original goes to the audio thread).
    for (let i = 0; i < samples.length; i++) {
      this.recent[this.recentAt] = samples[i];
      this.recentAt = (this.recentAt + 1) % KEEP_SAMPLES;
    }
    this.node.port.postMessage({ type: 'samples', data: samples }, [samples.buffer]);
  }

  // One binary message from the live socket.
  push(buffer) {
    if (!this.decoder) return;
    const records = parseRecords(buffer);
    if (!records) return;
    for (const r of records) this.decodeRecord(r);
  }

  decodeRecord(r) {
    this.stats.records++;
    if (r.flags & DISCONTINUITY) {
      this.decoder.reset();
      this.stats.resets++;
    } else if (this.lastSeq !== null && r.seq > this.lastSeq + 1 && this.lastToc !== null) {
      const missing = r.seq - this.lastSeq - 1;
      if (missing * this.lastDuration <= MAX_CONCEALED_MS) {
        // Opus decodes a packet whose only frame is empty as a lost frame: concealment.
        for (let i = 0; i < missing; i++) {
          this.decoder.decode(new Uint8Array([this.lastToc & 0xfc]), r.atMs, this.lastDuration);
          this.stats.concealed++;
        }
      } else {
        this.decoder.reset();
        this.stats.resets++;
      }
    }
    if (this.lastSeq === null || r.seq > this.lastSeq) {
      this.lastSeq = r.seq;
      this.lastToc = r.packet[0];
      this.lastDuration = r.durationMs;
      this.decoder.decode(r.packet, r.atMs, r.durationMs);
    }
  }

  // The last second decoded, oldest first.
  recentSamples() {
    const out = new Float32Array(KEEP_SAMPLES);
    out.set(this.recent.subarray(this.recentAt));
    out.set(this.recent.subarray(0, this.recentAt), KEEP_SAMPLES - this.recentAt);
    return out;
  }

  // Data saver: stop decoding and drop what waits to be played.
  pause() {
    this.node?.port.postMessage({ type: 'flush' });
    this.lastSeq = null;
  }

  stop() {
    this.decoder?.close();
    this.decoder = null;
    if (this.context?.state !== 'closed') this.context?.close();
    this.context = null;
    this.started = false;
  }
}
