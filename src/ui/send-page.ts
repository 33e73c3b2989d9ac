// Sends a console page for the signed-in operator: HTML, never cached.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SafeHtml } from './html.js';
import { consolePage, type Flash, type Section } from './layout.js';

/** What a redirect after a successful form says on the next page (`?done=<code>`). */
const doneMessages: Record<string, string> = {
  'campaign-created': 'Campaign created. Give SalesRender the webhook URL below.',
  'campaign-saved': 'Campaign saved.',
  'connection-created': 'Connection created. Register its webhook URL in SalesRender for this company.',
  'connection-saved': 'Connection saved.',
  'keys-revoked': 'Every key of this client is revoked; it cannot sign in until a new key is issued.',
  'postback-retried': 'Postback queued for delivery now.',
  'campaign-checked': 'Campaign checked against its SalesRender company; the result is below.',
};

function flashFromQuery(request: FastifyRequest): Flash | null {
  const done = (request.query as { done?: unknown } | undefined)?.done;
  const released = (request.query as { released?: unknown } | undefined)?.released;
  if (done === 'campaign-checked' && typeof released === 'string' && /^[1-9]\d*$/.test(released))
    return { kind: 'ok', text: `${doneMessages[done]} ${released} held lead(s) released for sending now.` };
  if (typeof done === 'string' && doneMessages[done]) return { kind: 'ok', text: doneMessages[done] };
  const replayed = (request.query as { replayed?: unknown } | undefined)?.replayed;
  if (typeof replayed === 'string' && /^\d+$/.test(replayed))
    return { kind: 'ok', text: `${replayed} postback(s) queued for delivery again.` };
  return null;
}

/** Renders a console page for the signed-in operator. */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { title: string; section: Section; body: SafeHtml; flash?: Flash | null; status?: number },
) {
  return reply
    .code(page.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      consolePage({
        ...page,
        flash: page.flash ?? flashFromQuery(request),
        csrfToken: request.consoleSession?.csrfToken ?? '',
      }),
    );
}
