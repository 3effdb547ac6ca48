// The audio lane's controls on the trainee's live page: a notice that audio is recorded, who
// speaks, one tap to listen (the page is connected unsubscribed: audio reaches it only from
// that tap, and "stop listening" unsubscribes again), the data saver (text and slides only)
// and, when the trainer gives this trainee the floor, the microphone. The player and the sender
// (and their decoder and worklets) load only when used.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function audioPanel(client, { onSaver = () => {} } = {}) {
  const speaker = h('p', { id: 'speaker', class: 'speaker' });
  const status = h('p', { id: 'audio-status', class: 'muted', role: 'status' });
  const listen = h('button', { type: 'button', id: 'listen' }, t('listen'));
  const quiet = h('button', { type: 'button', id: 'stop-listening', hidden: true }, t('stop_listening'));
  const saver = h('input', { type: 'checkbox', id: 'data-saver' });
  const level = h('span', { class: 'bar level', id: 'mic-level' });
  const mic = h('div', { class: 'mic', hidden: true }, h('strong', null, t('you_speak')), ' ', level);
  const el = h(
    'section',
    { class: 'card audio', id: 'audio', hidden: true },
    h('h3', null, t('audio')),
    h('p', { class: 'notice', id: 'recorded-notice' }, t('audio_recorded')),
    speaker,
    mic,
    h('div', { class: 'actions' }, listen, quiet),
    status,
  );
  let me = null;
  let listening = false;
  let audio = null;
  let player = null;
  let sender = null;
  const hooks = { player: null, sender: null };
  window.__daringAudio = hooks; // read by the browser tests and handy when debugging

  const holdsFloor = () => !!(audio?.on && audio.speaker && audio.speaker.user_id === me);

  async function startSending() {
    if (sender) return;
    const { AudioSender } = await import('./sender.js');
    if (!AudioSender.supported()) {
      status.textContent = t('mic_unsupported');
      return;
    }
    sender = new AudioSender({
      send: (bytes, max) => client.sendBinary(bytes, max),
      canSend: holdsFloor,
      onLevel: (v) => {
        level.style.width = `${Math.min(100, Math.round(v * 300))}%`;
      },
      bitrate: audio?.bitrate || 16000,
    });
    hooks.sender = sender;
    try {
      await sender.start();
      mic.hidden = false;
    } catch (e) {
      status.textContent = `${t('mic_failed')}: ${e.message}`;
      sender.stop();
      sender = null;
    }
  }

  function stopSending() {
    sender?.stop();
    sender = null;
    mic.hidden = true;
  }

  function show(state) {
    audio = state;
    el.hidden = !audio?.on;
    if (!audio?.on) {
      speaker.textContent = '';
      stopSending();
      return;
    }
    const name = audio.speaker?.name;
    speaker.textContent = holdsFloor() ? t('you_speak') : name ? `${t('speaking')}: ${name}` : '';
    if (holdsFloor()) startSending();
    else stopSending();
  }

  function stopListening() {
    if (listening) client.setAudio(false).catch(() => {});
    listening = false;
    player?.pause();
    listen.hidden = false;
    quiet.hidden = true;
  }

  listen.addEventListener('click', async () => {
    listen.disabled = true;
    try {
      const { AudioPlayer } = await import('./player.js');
      player = player ?? new AudioPlayer();
      hooks.player = player;
      await player.start();
      listening = true;
      client.setAudio(true).catch(() => {});
      listen.hidden = true;
      quiet.hidden = false;
      status.textContent = t('listening');
    } catch (e) {
      status.textContent = `${t('audio_failed')}: ${e.message}`;
    }
    listen.disabled = saver.checked;
  });
  quiet.addEventListener('click', () => {
    stopListening();
    status.textContent = '';
  });
  saver.addEventListener('change', () => {
    if (saver.checked) stopListening();
    listen.disabled = saver.checked;
    status.textContent = saver.checked ? t('data_saver_on') : '';
    onSaver(saver.checked);
  });

  return {
    el,
    // The data saver stands outside the audio card: it also holds back deck pictures.
    saverEl: h('label', { class: 'check saver' }, saver, t('data_saver')),
    saverOn: () => saver.checked,
    welcome(m) {
      me = m.you?.user_id ?? null;
      show(m.audio ? { ...m.audio, on: true } : null);
    },
    state(m) {
      show(m);
    },
    binary(buffer) {
      if (player && listening) player.push(buffer);
    },
    listening: () => listening,
    stop() {
      listening = false;
      stopSending();
      player?.stop();
      player = null;
    },
    // The session ended: no listening, no microphone, the card goes.
    end() {
      this.stop();
      el.hidden = true;
      saver.disabled = true;
    },
  };
}
