// A large answer that SalesRender gives again unchanged (a company's introspection, at every drift-watch
// pass and check) is audited in full once per process and company, then by its digest: a real company's
// schema is hundreds of kilobytes, and the unchanged copy is also kept as the company's last good schema.
import { createHash } from 'node:crypto';
import type { SalesRenderExchange } from '../salesrender/transport.js';

export interface RepeatedAnswers {
  /** The exchange to audit: as it is, or with an answer seen last time under `key` replaced by its digest. */
  abbreviate(key: string, exchange: SalesRenderExchange): SalesRenderExchange;
}

export function createRepeatedAnswers(): RepeatedAnswers {
  const lastDigest = new Map<string, string>();
  return {
    abbreviate(key, exchange) {
      if (exchange.httpStatus !== 200 || exchange.responseBody === null) return exchange;
      const text = JSON.stringify(exchange.responseBody);
      const sha256 = createHash('sha256').update(text).digest('hex');
      if (lastDigest.get(key) !== sha256) {
        lastDigest.set(key, sha256);
        return exchange;
      }
      return {
        ...exchange,
        responseBody: { unchanged_since_last_audited: true, sha256, bytes: Buffer.byteLength(text) },
      };
    },
  };
}
