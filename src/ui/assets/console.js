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
