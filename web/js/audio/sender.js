// Sends the microphone as the audio lane: getUserMedia (echo cancellation, noise suppression),
// 20 ms frames from the capture worklet, Opus through WebCodecs AudioEncoder (mono, 48 kHz,
// 40 ms frames, DTX), one binary message per packet. `canSend()` says whether this user holds
// the floor right now; packets made while not are dropped. A link that cannot keep up (over
// 32 kB waiting in the socket) drops packets at the source rather than sending late audio.
import { speakerMessage } from './format.js';

const RATE = 48000;
const FRAME_US = 40000;
const MAX_BUFFERED = 32 * 1024;

export const BITRATES = [8000, 12000, 16000, 24000];

export function encoderConfig(bitrate) {
  return {
    codec: 'opus',
    sampleRate: RATE,
    numberOfChannels: 1,
    bitrate,
    opus: { frameDuration: FRAME_US, usedtx: true },
  };
}

export class AudioSender {
  constructor({ send, canSend, onLevel, bitrate = 16000 }) {
    this.send = send;
    this.canSend = canSend;
    this.onLevel = onLevel ?? (() => {});
    this.bitrate = bitrate;
    this.stats = { frames: 0, packets: 0, bytes: 0, skipped: 0 };
  }

  static supported() {
    return typeof AudioEncoder === 'function' && !!navigator.mediaDevices?.getUserMedia;
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
    this.context = new AudioContext({ sampleRate: RATE });
    await this.context.audioWorklet.addModule(import.meta.resolve('/js/audio/capture_worklet.js'));
    const source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'daring-capture', { numberOfOutputs: 0 });
    source.connect(this.node);
    this.encoder = new AudioEncoder({ output: (chunk) => this.output(chunk), error: () => this.restartEncoder() });
    this.encoder.configure(encoderConfig(this.bitrate));
    this.timestamp = 0;
    this.node.port.onmessage = (event) => this.frame(event.data);
    await this.context.resume();
  }

  frame({ samples, level }) {
    this.onLevel(level);
    if (!this.encoder || this.encoder.state !== 'configured') return;
    this.stats.frames++;
    const data = new AudioData({
      format: 'f32-planar',
      sampleRate: RATE,
      numberOfFrames: samples.length,
      numberOfChannels: 1,
      timestamp: this.timestamp,
      data: samples,
    });
    this.timestamp += Math.round((samples.length * 1e6) / RATE);
    this.encoder.encode(data);
    data.close();
  }

  output(chunk) {
    if (chunk.byteLength === 0 || chunk.byteLength > 1275) return;
    const packet = new Uint8Array(chunk.byteLength);
    chunk.copyTo(packet);
    const durationMs = Math.min(120, Math.max(10, Math.round((chunk.duration ?? FRAME_US) / 1000)));
    if (!this.canSend()) return;
    if (!this.send(speakerMessage(durationMs, packet), MAX_BUFFERED)) {
      this.stats.skipped++;
      return;
    }
    this.stats.packets++;
    this.stats.bytes += packet.byteLength;
  }

  setBitrate(bitrate) {
    this.bitrate = bitrate;
    if (this.encoder?.state === 'configured') this.encoder.configure(encoderConfig(bitrate));
  }

  restartEncoder() {
    if (!this.context) return;
    this.encoder = new AudioEncoder({ output: (chunk) => this.output(chunk), error: () => {} });
    this.encoder.configure(encoderConfig(this.bitrate));
  }

  stop() {
    this.node?.port.close();
    this.stream?.getTracks().forEach((track) => track.stop());
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    this.context?.close();
    this.encoder = null;
    this.context = null;
    this.stream = null;
  }
}
