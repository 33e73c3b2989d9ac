// The page shell every console page shares: head, skip link, navigation, flash message, sign-out.
import { html, type SafeHtml } from './html.js';

export type Section =
  | 'dashboard'
  | 'connections'
  | 'campaigns'
  | 'partners'
  | 'advertisers'
  | 'leads'
  | 'postbacks'
  | 'audit';

const sections: [Section, string, string][] = [
  ['dashboard', 'Dashboard', '/admin'],
  ['connections', 'Connections', '/admin/connections'],
  ['campaigns', 'Campaigns', '/admin/campaigns'],
  ['partners', 'Partners', '/admin/partners'],
  ['advertisers', 'Advertisers', '/admin/advertisers'],
  ['leads', 'Leads', '/admin/leads'],
  ['postbacks', 'Postbacks', '/admin/postbacks'],
  ['audit', 'Audit', '/admin/audit'],
];

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

function head(title: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · LeadBridge</title>
<link rel="stylesheet" href="/admin/assets/console.css">
<script type="module" src="/admin/assets/console.js"></script>
</head>`;
}

export function consolePage(options: {
  title: string;
  section: Section;
  csrfToken: string;
  body: SafeHtml;
  flash?: Flash | null;
}): string {
  return html`${head(options.title)}
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">LeadBridge</span>
  <nav aria-label="Console">
    ${sections.map(
      ([section, label, href]) =>
        html`<a href="${href}" ${section === options.section ? html`aria-current="page"` : ''}>${label}</a>`,
    )}
  </nav>
  <form method="post" action="/admin/sign-out">
    <input type="hidden" name="_csrf" value="${options.csrfToken}">
    <button class="link" type="submit">Sign out</button>
  </form>
</header>
<main id="main" tabindex="-1">
  ${options.flash ? html`<div class="flash ${options.flash.kind === 'error' ? 'error' : ''}" role="status">${options.flash.text}</div>` : ''}
  <h1>${options.title}</h1>
  ${options.body}
</main>
</body>
</html>`.text;
}

/** The sign-in page stands alone: no navigation before the operator is known. */
export function signInPage(options: { error?: string; next?: string }): string {
  return html`${head('Sign in')}
<body>
<main id="main" style="max-width: 26rem; margin-top: 10vh">
  <h1>LeadBridge console</h1>
  <form method="post" action="/admin/sign-in" class="card">
    ${options.error ? html`<p class="errors" role="alert">${options.error}</p>` : ''}
    <input type="hidden" name="next" value="${options.next ?? '/admin'}">
    <div class="field">
      <label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
      <div class="hint">The value of <code>LEADBRIDGE_ADMIN_TOKEN</code>.</div>
    </div>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>`.text;
}
