// A training's handouts: each with its size shown before the download (a trainee on a data
// bundle decides first); trainers and admins upload and delete them.
import { api } from '../api.js';
import { clear, h, size } from '../dom.js';
import { errorText, t } from '../i18n.js';

export function handoutList(trainingId, { staff = false } = {}) {
  const list = h('ul', { class: 'handouts' });
  const status = h('p', { class: 'muted', role: 'status' });
  const file = h('input', { type: 'file', class: 'handout-file' });
  const el = h(
    'section',
    { class: 'card handouts-card', dataset: { training: trainingId } },
    h('h3', null, t('handouts')),
    list,
    staff ? h('label', null, t('handout_upload'), ' ', file) : null,
    status,
  );
  async function reload() {
    const res = await api('GET', `/api/v1/trainings/${trainingId}/materials`);
    if (res.status !== 200) {
      status.textContent = errorText(res.error);
      return;
    }
    const items = res.data.materials || [];
    clear(
      list,
      items.length
        ? items.map((m) =>
            h(
              'li',
              { dataset: { material: m.id } },
              h('a', { href: m.url, download: m.name }, `${t('handout_download')} ${m.name}`),
              h('span', { class: 'muted size' }, `(${size(m.bytes)})`),
              staff
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      onclick: async () => {
                        const del = await api('DELETE', `/api/v1/materials/${m.id}`);
                        if (del.status !== 204) status.textContent = errorText(del.error);
                        reload();
                      },
                    },
                    t('handout_delete'),
                  )
                : null,
            ),
          )
        : h('li', { class: 'muted' }, t('handouts_none')),
    );
  }
  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    const res = await api(
      'POST',
      `/api/v1/trainings/${trainingId}/materials?name=${encodeURIComponent(chosen.name)}`,
      chosen,
      {
        contentType: 'application/octet-stream',
      },
    );
    file.value = '';
    status.textContent = res.status === 201 ? '' : errorText(res.error);
    reload();
  });
  reload();
  return { el, reload };
}
