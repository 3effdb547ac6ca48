// The audio lane's binary messages (docs/protocol.md, "Audio lane").
export const RECORD_HEADER = 14;
export const DISCONTINUITY = 1;

// The speaker's message: [1][0][u16 duration_ms][packet].
export function speakerMessage(durationMs, packet) {
  const out = new Uint8Array(4 + packet.byteLength);
  out[0] = 1;
  out[2] = durationMs >> 8;
  out[3] = durationMs & 0xff;
  out.set(packet, 4);
  return out;
}

// The records of a listener's message: [{flags, seq, atMs, durationMs, packet}], or null when
// the message is not whole records.
export function parseRecords(buffer) {
  const view = new DataView(buffer);
  const out = [];
  let at = 0;
  while (at < buffer.byteLength) {
    if (buffer.byteLength - at < RECORD_HEADER || view.getUint8(at) !== 1) return null;
    const length = view.getUint16(at + 2);
    if (buffer.byteLength - at < RECORD_HEADER + length) return null;
    out.push({
      flags: view.getUint8(at + 1),
      seq: view.getUint32(at + 4),
      atMs: view.getUint32(at + 8),
      durationMs: view.getUint16(at + 12),
      packet: new Uint8Array(buffer, at + RECORD_HEADER, length),
    });
    at += RECORD_HEADER + length;
  }
  return out;
}
