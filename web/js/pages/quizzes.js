// Quizzes of a training for its trainers and admins: the bank with links to results (CSV, XLSX),
// copy and change, and a builder for new quizzes (kinds and the five question types) that also
// edits an existing one until it has answers. The API's 422 errors are shown next to the field
// they name, e.g. questions[1].correct.
import { api } from '../api.js';
import { clear, h } from '../dom.js';
import { errorText, language, t } from '../i18n.js';

const types = ['single', 'multiple', 'true_false', 'numeric', 'text'];

function errorSlot(name) {
  return h('small', { class: 'field-error', dataset: { for: name } });
}

// The "correct" field as typed on screen (options numbered from 1).
function correctText(q) {
  if (q.correct === null || q.correct === undefined) return '';
  if (q.type === 'single') return String(q.correct + 1);
  if (q.type === 'multiple') return q.correct.map((i) => i + 1).join(', ');
  if (q.type === 'true_false') return q.correct ? 'benar' : 'salah';
  if (q.type === 'text') return [].concat(q.correct).join(' | ');
  return String(q.correct);
}

function questionEditor(index, remove, initial = null) {
  const path = `questions[${index}]`;
  const type = h(
    'select',
    { name: 'type', 'aria-label': t('question_type') },
    types.map((x) => h('option', { value: x }, t(`type_${x}`))),
  );
  const prompt = h('input', { name: 'prompt', 'aria-label': t('prompt'), placeholder: t('prompt') });
  const options = h('textarea', {
    name: 'options',
    rows: 3,
    'aria-label': t('options'),
    placeholder: t('options_hint'),
  });
  const correct = h('input', { name: 'correct', 'aria-label': t('correct'), placeholder: t('correct_hint') });
  const el = h(
    'fieldset',
    { class: 'question-editor', dataset: { index } },
    h('legend', null, `${t('question')} ${index + 1}`),
    h('label', { class: 'field' }, h('span', null, t('question_type')), type, errorSlot(`${path}.type`)),
    h('label', { class: 'field' }, h('span', null, t('prompt')), prompt, errorSlot(`${path}.prompt`)),
    h('label', { class: 'field options-field' }, h('span', null, t('options')), options, errorSlot(`${path}.options`)),
    h('label', { class: 'field' }, h('span', null, t('correct')), correct, errorSlot(`${path}.correct`)),
    h('button', { type: 'button', class: 'link', onclick: remove }, t('delete')),
  );
  const sync = () => {
    el.querySelector('.options-field').hidden = !['single', 'multiple'].includes(type.value);
  };
  type.addEventListener('change', sync);
  if (initial) {
    type.value = initial.type;
    prompt.value = initial.prompt;
    options.value = (initial.options || []).map((o) => (typeof o === 'string' ? o : o.text)).join('\n');
    correct.value = correctText(initial);
  }
  sync();
  return {
    el,
    value() {
      // What the builder does not show (points, tolerance...) is kept while the type stays.
      const kept = initial && initial.type === type.value ? { ...initial } : {};
      delete kept.id;
      delete kept.correct;
      delete kept.options;
      const q = { ...kept, type: type.value, prompt: prompt.value };
      if (q.type === 'single' || q.type === 'multiple')
        q.options = options.value
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
      const c = correct.value.trim();
      if (c !== '') {
        // Options are numbered from 1 on screen, 0 in the API.
        if (q.type === 'single') q.correct = Number(c) - 1;
        else if (q.type === 'multiple')
          q.correct = c
            .split(/[,\s]+/)
            .filter(Boolean)
            .map((x) => Number(x) - 1);
        else if (q.type === 'true_false') q.correct = ['true', 'benar', 'ya', 'b'].includes(c.toLowerCase());
        else if (q.type === 'numeric') q.correct = Number(c.replace(',', '.'));
        else
          q.correct = c
            .split('|')
            .map((s) => s.trim())
            .filter(Boolean);
      }
      return q;
    },
  };
}

export async function render(view, args) {
  const trainingId = Number(args[0]);
  // `editing`: the quiz (as the API gives it to staff) the builder changes, or null for a new one.
  async function load(editing = null) {
    const [training, list] = await Promise.all([
      api('GET', `/api/v1/trainings/${trainingId}`),
      api('GET', `/api/v1/trainings/${trainingId}/quizzes`),
    ]);
    if (training.status !== 200) {
      clear(view, h('p', { class: 'error' }, errorText(training.error)));
      return;
    }
    const editors = [];
    const holder = h('div', { class: 'questions' });
    const addQuestion = (initial = null) => {
      const ed = questionEditor(
        editors.length,
        () => {
          editors.splice(editors.indexOf(ed), 1);
          ed.el.remove();
        },
        initial,
      );
      editors.push(ed);
      holder.append(ed.el);
    };
    if (editing) editing.questions.forEach((q) => addQuestion(q));
    else addQuestion();
    const status = h('p', { class: 'form-status', role: 'status' });
    const form = h(
      'form',
      { class: 'grid-form quiz-form', novalidate: true },
      h(
        'label',
        { class: 'field' },
        h('span', null, t('title')),
        h('input', { name: 'title', value: editing?.title ?? '' }),
        errorSlot('title'),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', null, t('kind')),
        h(
          'select',
          { name: 'kind' },
          ['pre_test', 'post_test', 'poll', 'practice'].map((k) => h('option', { value: k }, t(`kind_${k}`))),
        ),
        errorSlot('kind'),
      ),
      holder,
      errorSlot('questions'),
      h('button', { type: 'button', class: 'secondary', onclick: () => addQuestion() }, t('add_question')),
      h('button', { type: 'submit' }, t('save_quiz')),
      editing ? h('button', { type: 'button', class: 'secondary', onclick: () => load() }, t('cancel')) : null,
      status,
    );
    if (editing) form.querySelector('select[name=kind]').value = editing.kind;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
      status.textContent = '';
      const data = new FormData(form);
      const body = { title: data.get('title'), kind: data.get('kind'), questions: editors.map((e) => e.value()) };
      // A change keeps the settings the builder does not show (windows, time limit, shuffle...).
      const res = editing
        ? await api('PUT', `/api/v1/quizzes/${editing.id}`, { ...editing, ...body })
        : await api('POST', `/api/v1/trainings/${trainingId}/quizzes`, body);
      if (res.status === 201 || res.status === 200) {
        load();
        return;
      }
      const slot = res.error?.field && form.querySelector(`.field-error[data-for="${res.error.field}"]`);
      if (slot) slot.textContent = errorText(res.error);
      else status.textContent = errorText(res.error);
    });
    const items = list.data?.items || [];
    clear(
      view,
      h('div', { class: 'live-head' }, h('a', { href: '#/' }, t('back'))),
      h('h2', null, `${t('quizzes')}: ${training.data.title}`),
      h(
        'section',
        { class: 'card' },
        h('h3', null, t('quizzes')),
        items.length
          ? h(
              'ul',
              { class: 'quiz-list' },
              items.map((q) =>
                h(
                  'li',
                  { dataset: { quiz: q.id } },
                  h('strong', null, q.title),
                  ` · ${t(`kind_${q.kind}`)} · ${q.questions.length} ${t('question').toLowerCase()} · `,
                  h(
                    'a',
                    { href: `/api/v1/quizzes/${q.id}/results?format=csv&lang=${language()}` },
                    `${t('results_of')} CSV`,
                  ),
                  ' · ',
                  h('a', { href: `/api/v1/quizzes/${q.id}/results?format=xlsx&lang=${language()}` }, 'XLSX'),
                  ' · ',
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link edit-quiz',
                      onclick: async () => {
                        const full = await api('GET', `/api/v1/quizzes/${q.id}`);
                        if (full.status === 200) load(full.data);
                      },
                    },
                    t('edit'),
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link copy-quiz',
                      onclick: async (event) => {
                        const res = await api('POST', `/api/v1/quizzes/${q.id}/copy`);
                        if (res.status === 201) load();
                        else
                          event.target.after(h('span', { class: 'error', role: 'alert' }, ` ${errorText(res.error)}`));
                      },
                    },
                    t('copy'),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, t('none')),
      ),
      h(
        'section',
        { class: 'card' },
        h('h3', null, editing ? `${t('edit_quiz')}: ${editing.title}` : t('new_quiz')),
        form,
      ),
    );
  }
  await load();
  return null;
}
