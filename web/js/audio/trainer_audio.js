// The trainer's audio controls on the dashboard: microphone on/off with a level meter, the
// bitrate (8, 12, 16 or 24 kbit/s), who speaks, and taking the floor back from a trainee. The
// floor is given from the raised hands (giveFloor). The sender loads when the microphone goes on.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function trainerAudio(client) {
  const bitrate = h(
    'select',
    { id: 'bitrate', 'aria-label': t('bitrate') },
    [8000, 12000, 16000, 24000].map((b) => h('option', { value: b, selected: b === 16000 }, `${b / 1000} kbit/s`)),
  );
  const toggle = h('button', { type: 'button', id: 'mic' }, t('mic_on'));
  const level = h('span', { class: 'bar level', id: 'mic-level' });
  const speaker = h('p', { id: 'speaker', class: 'speaker' }, t('audio_off_msg'));
  const take = h('button', { type: 'button', id: 'take-floor', hidden: true }, t('take_floor'));
  const status = h('p', { class: 'error', role: 'alert', hidden: true });
  const el = h(
    'section',
    { class: 'card audio', id: 'audio' },
    h('h3', null, t('audio')),
    h('div', { class: 'actions' }, toggle, bitrate),
    h('div', { class: 'meter' }, level),
    speaker,
    take,
    h('p', { class: 'muted' }, t('audio_recorded')),
    status,
  );
  let me = null;
  let audio = null;
  let sender = null;
  const hooks = { sender: null };
  window.__daringAudio = hooks; // read by the browser tests and handy when debugging

  const fail = (message) => {
    status.textContent = message;
    status.hidden = false;
  };
  const settings = () => ({
    type: 'audio_start',
    codec: 'opus',
    sample_rate: 48000,
    channels: 1,
    frame_ms: 40,
    bitrate: Number(bitrate.value),
  });

  async function micOn() {
    status.hidden = true;
    const { AudioSender } = await import('./sender.js');
    if (!AudioSender.supported()) {
      fail(t('mic_unsupported'));
      return;
    }
    try {
      await client.request(settings());
      sender = new AudioSender({
        send: (bytes, max) => client.sendBinary(bytes, max),
        canSend: () => !!(audio?.on && audio.speaker?.user_id === me),
        onLevel: (v) => {
          level.style.width = `${Math.min(100, Math.round(v * 300))}%`;
        },
        bitrate: Number(bitrate.value),
      });
      hooks.sender = sender;
      await sender.start();
      toggle.textContent = t('mic_off');
    } catch (e) {
      fail(`${t('mic_failed')}: ${e.message || e.code || ''}`);
      sender?.stop();
      sender = null;
      client.request({ type: 'audio_stop' }).catch(() => {});
    }
  }

  function micOff() {
    sender?.stop();
    sender = null;
    level.style.width = '0';
    toggle.textContent = t('mic_on');
    client.request({ type: 'audio_stop' }).catch(() => {});
  }

  toggle.addEventListener('click', () => {
    if (sender) micOff();
    else micOn();
  });
  bitrate.addEventListener('change', () => {
    if (!sender) return;
    sender.setBitrate(Number(bitrate.value));
    client.request(settings()).catch((e) => fail(e.message));
  });
  take.addEventListener('click', () => client.request({ type: 'take_floor' }).catch((e) => fail(e.message)));

  function show(state) {
    audio = state;
    if (!audio?.on) {
      speaker.textContent = t('audio_off_msg');
      take.hidden = true;
      return;
    }
    const mine = audio.speaker?.user_id === me;
    speaker.textContent = mine ? t('you_speak') : `${t('speaking')}: ${audio.speaker?.name ?? ''}`;
    take.hidden = mine;
  }

  return {
    el,
    welcome(m) {
      me = m.you?.user_id ?? null;
      show(m.audio ? { ...m.audio, on: true } : null);
    },
    state(m) {
      show(m);
    },
    audioOn: () => !!audio?.on,
    giveFloor(userId) {
      return client.request({ type: 'give_floor', user_id: userId }).catch((e) => fail(e.message));
    },
    stop() {
      sender?.stop();
    },
  };
}
