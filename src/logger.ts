// The process logger of every entry point (the service, each CLI command): JSON lines, secrets redacted.
import pino, { type Logger } from 'pino';
import { redactUrl } from './audit/redact.js';
import type { Settings } from './config/settings.js';

/**
 * Query parameters that carry a person's data (the console's lead search by phone): their values stay in
 * the audit log, which holds the lead anyway, and out of the process log, which is shipped and kept
 * elsewhere.
 */
const personalQueryPattern = /([?&](?:phone|name|email)=)[^&#]*/gi;

/** A request URL as the process log may hold it: no secret, no personal data. */
export function urlForLog(url: string): string {
  const redacted = redactUrl(url);
  return redacted.includes('=') ? redacted.replace(personalQueryPattern, '$1[personal]') : redacted;
}

/** Pino serializers that never print a key, token, webhook secret or searched phone from a URL or header. */
export const logSerializers = {
  req(request: { method: string; url: string; ip?: string }) {
    return { method: request.method, url: urlForLog(request.url), remoteAddress: request.ip };
  },
};

/**
 * A logger at LOG_LEVEL with URL and header secrets redacted. `destination` defaults to stdout; the CLI
 * passes stderr, since its stdout is the command's output (an export, a report).
 */
export function createLogger(settings: Settings, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: settings.LOG_LEVEL,
    serializers: logSerializers,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        '*.token',
        '*.api_key',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
