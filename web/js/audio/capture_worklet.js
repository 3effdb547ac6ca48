// Microphone capture on the audio thread: 20 ms frames of mono samples and their level, posted
// to the page, which encodes them.
const FRAME = 960; // 20 ms at 48 kHz

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Float32Array(FRAME);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    let at = 0;
    while (at < channel.length) {
      const n = Math.min(channel.length - at, FRAME - this.filled);
      this.frame.set(channel.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === FRAME) {
        let sum = 0;
        for (let i = 0; i < FRAME; i++) sum += this.frame[i] * this.frame[i];
        this.port.postMessage({ samples: this.frame, level: Math.sqrt(sum / FRAME) }, [this.frame.buffer]);
        this.frame = new Float32Array(FRAME);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('daring-capture', CaptureProcessor);
