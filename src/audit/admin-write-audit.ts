// The audit row of an operator's write, from the admin API or the console: who, what path, what answer.
import type { ReportBackgroundError } from '../background-errors.js';
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
 * Writes an operator's write to the audit log. A write refused because the database is away (503) is not
 * tried: the error renderer has put the refusal in the process log. A failing audit write is reported
 * (`audit_write`, with the request id that finds the request in the process log) and does not change the
 * answer: the operator's change is committed by then, or it failed on its own.
 */
export async function auditOperatorWrite(
  availability: { readonly state: 'up' | 'checking' | 'down' },
  report: ReportBackgroundError,
  entry: AuditEntry,
  write: (entry: AuditEntry) => Promise<unknown>,
): Promise<void> {
  if (entry.httpStatus === 503 && availability.state !== 'up') return;
  try {
    await write(entry);
  } catch (error) {
    report('audit_write', error, {
      event: entry.event,
      requestId: entry.requestId,
      httpStatus: entry.httpStatus,
    });
  }
}
