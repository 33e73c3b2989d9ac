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

/**
 * Writes an operator's write to the audit log unless the database is known to be away (the write itself
 * was then refused with 503, and the refusal is in the process log). A failing audit write is logged and
 * does not change the answer: the operator's change is committed by then, or it failed on its own.
 */
export async function auditUnlessDatabaseDown(
  availability: { readonly state: 'up' | 'checking' | 'down' },
  log: { error(details: object, message: string): void },
  write: () => Promise<void>,
): Promise<void> {
  if (availability.state !== 'up') return;
  try {
    await write();
  } catch (error) {
    log.error({ err: error }, 'could not audit an operator write');
  }
}
