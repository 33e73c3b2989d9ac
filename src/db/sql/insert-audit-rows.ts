// Appends rows to the audit log, from one JSON parameter (the audit writer's batchJson): the text never changes.
import { auditBatchInsertText } from './audit-batch-insert.js';
import { defineStatement } from './statement.js';

export const insertAuditRows = defineStatement<{ auditRows: string }>({
  name: 'insert_audit_rows',
  text: auditBatchInsertText('$1'),
  values: (input) => [input.auditRows],
});
