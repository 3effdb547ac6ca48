// The trainer's deck and slide list of one session: upload a PDF or presentation (a progress bar
// while it uploads, then the pages converted so far), each slide with its thumbnail, moved up or
// down, removed, or a text slide put between pages; saved as one PATCH of the slide list.
import { api, csrfToken } from '../api.js';
import { clear, h } from '../dom.js';
import { errorText, language, t } from '../i18n.js';

// POSTs the file with upload progress (fetch has none); resolves {status, data, error}.
function upload(url, file, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken()) xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({ status: xhr.status, data, error: ok ? null : data?.error || { code: String(xhr.status) } });
    };
    xhr.onerror = () => resolve({ status: 0, data: null, error: { code: 'network' } });
    xhr.send(file);
  });
}

// A slide as the PATCH names it: a page by deck and number, a text slide by title and body.
const asPatch = (s) =>
  s.page ? { page: { deck_id: s.page.deck_id, n: s.page.n }, title: s.title } : { title: s.title, body: s.body };

export function deckEditor(sessionId) {
  const status = h('p', { class: 'muted', role: 'status', id: 'deck-status' });
  const bar = h('progress', { max: 1, value: 0, hidden: true, id: 'deck-progress' });
  const file = h('input', { type: 'file', id: 'deck-file', accept: '.pdf,.pptx,.ppt,.odp,.fodp,application/pdf' });
  const list = h('ol', { class: 'deck-list', id: 'deck-list' });
  const save = h('button', { type: 'button', id: 'deck-save', disabled: true }, t('slides_save'));
  const newTitle = h('input', {
    type: 'text',
    id: 'deck-text-title',
    placeholder: t('slide_text_title'),
    maxlength: 200,
  });
  const addText = h('button', { type: 'button', id: 'deck-add-text' }, t('slide_add_text'));
  const el = h(
    'section',
    { class: 'card deck-editor', id: 'deck-editor' },
    h('h3', null, t('deck')),
    h('label', null, t('deck_upload'), ' ', file),
    h('p', { class: 'muted' }, t('deck_upload_hint')),
    bar,
    status,
    list,
    h('div', { class: 'actions' }, newTitle, addText, save),
  );
  let slides = [];
  let timer = null;

  const draw = () => {
    clear(
      list,
      slides.map((s, i) => {
        const move = (to) => {
          if (to < 0 || to >= slides.length) return;
          [slides[i], slides[to]] = [slides[to], slides[i]];
          save.disabled = false;
          draw();
        };
        return h(
          'li',
          { dataset: { index: i } },
          s.page
            ? h('img', {
                src: s.page.small,
                alt: '',
                loading: 'lazy',
                width: 96,
                height: Math.round((96 * s.page.height) / s.page.width),
              })
            : h('span', { class: 'badge' }, 'T'),
          h('span', { class: 'slide-name' }, `${i + 1}. ${s.title}`),
          h('button', { type: 'button', class: 'up', onclick: () => move(i - 1) }, t('slide_up')),
          h('button', { type: 'button', class: 'down', onclick: () => move(i + 1) }, t('slide_down')),
          h(
            'button',
            {
              type: 'button',
              class: 'remove',
              onclick: () => {
                slides.splice(i, 1);
                save.disabled = false;
                draw();
              },
            },
            t('slide_remove'),
          ),
        );
      }),
    );
  };

  async function reload() {
    const res = await api('GET', `/api/v1/sessions/${sessionId}`);
    if (res.status === 200) {
      slides = res.data.slides || [];
      save.disabled = true;
      draw();
    }
  }

  function follow(deckId) {
    clearInterval(timer);
    timer = setInterval(async () => {
      const res = await api('GET', `/api/v1/decks/${deckId}`);
      if (res.status !== 200) return;
      const d = res.data;
      bar.hidden = false;
      bar.max = Math.max(1, d.pages);
      bar.value = d.pages_done;
      if (d.status === 'converting') {
        status.textContent = `${t('deck_converting')}: ${d.pages_done}/${d.pages || '?'} ${t('deck_pages_done')}`;
        return;
      }
      clearInterval(timer);
      bar.hidden = true;
      if (d.status === 'ready') {
        status.textContent = t('deck_ready');
        reload();
      } else {
        const message = language() === 'id' ? d.error?.message_id : d.error?.message;
        status.textContent = `${t('deck_failed')}: ${message || d.error?.code}`;
        status.className = 'error';
      }
    }, 1000);
  }

  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    status.className = 'muted';
    status.textContent = t('deck_uploading');
    bar.hidden = false;
    bar.max = 1;
    const res = await upload(`/api/v1/sessions/${sessionId}/deck`, chosen, (share) => {
      bar.value = share;
    });
    file.value = '';
    if (res.status !== 202) {
      bar.hidden = true;
      status.className = 'error';
      status.textContent = errorText(res.error);
      return;
    }
    follow(res.data.id);
  });
  addText.addEventListener('click', () => {
    const title = newTitle.value.trim();
    if (!title) return;
    slides.push({ title, body: '' });
    newTitle.value = '';
    save.disabled = false;
    draw();
  });
  save.addEventListener('click', async () => {
    save.disabled = true;
    const res = await api('PATCH', `/api/v1/sessions/${sessionId}`, { slides: slides.map(asPatch) });
    status.className = res.status === 200 ? 'muted' : 'error';
    status.textContent = res.status === 200 ? t('slides_saved') : errorText(res.error);
    if (res.status === 200) {
      slides = res.data.slides;
      draw();
    } else {
      save.disabled = false;
    }
  });
  reload();
  return { el, reload, stop: () => clearInterval(timer) };
}
