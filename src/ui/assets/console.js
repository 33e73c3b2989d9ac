// LeadBridge console enhancements: copy buttons, live postback preview, confirmations. Pages work without it.
for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const target = document.getElementById(button.dataset.copy);
    const text = target?.value ?? target?.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      target?.select?.();
      button.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => {
      button.textContent = 'Copy';
    }, 2000);
  });
}

for (const form of document.querySelectorAll('form[data-confirm]')) {
  form.addEventListener('submit', (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

const template = document.getElementById('postback-url');
const preview = document.getElementById('postback-preview');
if (template && preview) {
  let timer = null;
  const refresh = async () => {
    const query = new URLSearchParams({ url: template.value, alias: template.dataset.alias ?? '' });
    const method = document.getElementById('postback-method');
    if (method) query.set('method', method.value);
    try {
      const answer = await fetch(`/admin/postback-preview?${query}`, { credentials: 'same-origin' });
      const body = await answer.json();
      preview.textContent = body.preview ?? body.error?.message ?? '';
    } catch {
      preview.textContent = '';
    }
  };
  template.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
  document.getElementById('postback-method')?.addEventListener('change', refresh);
}

// A tracker preset fills the postback form: URL template, method, labels to send, tracker words, answer check.
const presetPicker = document.getElementById('postback-preset');
presetPicker?.addEventListener('change', () => {
  const option = presetPicker.selectedOptions[0];
  if (!option?.dataset.preset) return;
  const preset = JSON.parse(option.dataset.preset);
  const set = (name, value) => {
    const field = document.querySelector(`[name="${name}"]`);
    if (field) field.value = value;
  };
  set('pb_url', preset.url);
  set('pb_method', preset.method);
  set(
    'pb_status_values',
    Object.entries(preset.status_values)
      .map(([label, word]) => `${label}=${word}`)
      .join('\n'),
  );
  set('pb_success_match', preset.success_match ?? '');
  for (const box of document.querySelectorAll('input[type="checkbox"][name^="pb_on_"]')) {
    box.checked = preset.on.includes(box.name.slice('pb_on_'.length));
  }
  document.getElementById('postback-url')?.dispatchEvent(new Event('input'));
});
