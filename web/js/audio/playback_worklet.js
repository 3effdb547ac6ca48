// Playback on the audio thread with an adaptive jitter buffer: play once `target` samples wait
// (about 150 ms at first); an underrun plays silence, raises the target by 40 ms (at most 1 s)
// and waits to refill; after 10 s without an underrun the target shrinks back by 1 ms a second
// (down to 80 ms) and surplus audio is played slightly faster (one sample in 64 skipped) until
// the buffer is back at its target.
const RATE = 48000;
const CAPACITY = RATE * 4;
const MIN_TARGET = RATE * 0.08;
const MAX_TARGET = RATE;
const STEP = RATE * 0.04;

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ring = new Float32Array(CAPACITY);
    this.read = 0;
    this.write = 0;
    this.buffered = 0;
    this.target = RATE * 0.15;
    this.playing = false;
    this.underruns = 0;
    this.calmSince = currentFrame;
    this.skipCounter = 0;
    this.lastReport = 0;
    this.port.onmessage = (event) => {
      const m = event.data;
      if (m.type === 'samples') this.push(m.data);
      else if (m.type === 'flush') {
        this.read = this.write;
        this.buffered = 0;
        this.playing = false;
      }
    };
  }

  push(samples) {
    for (let i = 0; i < samples.length; i++) {
      if (this.buffered === CAPACITY) {
        this.read = (this.read + 1) % CAPACITY;
        this.buffered--;
      }
      this.ring[this.write] = samples[i];
      this.write = (this.write + 1) % CAPACITY;
      this.buffered++;
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    if (!this.playing && this.buffered >= this.target) this.playing = true;
    let i = 0;
    if (this.playing) {
      const surplus = this.buffered > this.target + RATE * 0.06 && currentFrame - this.calmSince > RATE * 10;
      while (i < out.length && this.buffered > 0) {
        if (surplus && ++this.skipCounter % 64 === 0 && this.buffered > 1) {
          this.read = (this.read + 1) % CAPACITY;
          this.buffered--;
        }
        out[i++] = this.ring[this.read];
        this.read = (this.read + 1) % CAPACITY;
        this.buffered--;
      }
      if (i < out.length) {
        this.playing = false;
        this.underruns++;
        this.target = Math.min(MAX_TARGET, this.target + STEP);
        this.calmSince = currentFrame;
      }
    }
    for (; i < out.length; i++) out[i] = 0;
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (currentFrame - this.calmSince > RATE * 10 && this.target > MIN_TARGET)
      this.target = Math.max(MIN_TARGET, this.target - out.length / 1000);
    if (currentFrame - this.lastReport >= RATE / 2) {
      this.lastReport = currentFrame;
      this.port.postMessage({
        buffered: this.buffered,
        target: Math.round(this.target),
        underruns: this.underruns,
        playing: this.playing,
      });
    }
    return true;
  }
}

registerProcessor('daring-playback', PlaybackProcessor);
