// Standard Webhooks signatures (https://www.standardwebhooks.com) for POST postbacks.
import { createHmac, randomBytes } from 'node:crypto';

/** A new `whsec_…` secret: 24 random bytes, base64, as Standard Webhooks libraries expect. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The three headers: `webhook-id` stays the same across retries so receivers can dedupe. */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
