// Forms of the administration pages: a labelled field with a slot for its error, and a form
// submitted as JSON whose 422 field errors go next to the named field.
import { h } from './dom.js';
import { errorText, t } from './i18n.js';

export function field(label, name, attrs = {}) {
  const input = attrs.options
    ? h(
        'select',
        { name },
        attrs.options.map(([value, text]) => h('option', { value }, text)),
      )
    : h(attrs.multiline ? 'textarea' : 'input', { name, ...attrs });
  return h(
    'label',
    { class: 'field' },
    h('span', null, label),
    input,
    h('small', { class: 'field-error', dataset: { for: name } }),
  );
}

// Submits a form as JSON; on 422 the message goes next to the named field (or the form's line).
export function jsonForm(fields, submitText, onSubmit) {
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h(
    'form',
    { class: 'grid-form', novalidate: true },
    fields,
    h('button', { type: 'submit' }, submitText),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
    status.textContent = '';
    const values = Object.fromEntries(new FormData(form).entries());
    const res = await onSubmit(values);
    if (res.status >= 200 && res.status < 300) {
      status.textContent = t('saved');
      status.classList.remove('error');
      return;
    }
    const target = res.error?.field && form.querySelector(`.field-error[data-for="${res.error.field}"]`);
    if (target) target.textContent = errorText(res.error);
    else status.textContent = errorText(res.error);
    status.classList.toggle('error', !target);
  });
  return form;
}
