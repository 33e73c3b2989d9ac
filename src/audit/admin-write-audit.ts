// The audit row of an operator's write, from the admin API or the console: who, what path, what answer.
import type { AuditEntry } from './audit-writer.js';

/** The body is left out on purpose: it may carry a SalesRender token or a new key. */
export function adminWriteEntry(
  event: 'admin.request' | 'console.action',
  request: { id: string; method: string; url: string; ip: string },
  statusCode: number,
): AuditEntry {
  return {
    event,
    requestId: request.id,
    actor: 'admin',
    outcome: String(statusCode),
    httpStatus: statusCode,
    detail: { method: request.method, url: request.url, remote_ip: request.ip },
  };
}
