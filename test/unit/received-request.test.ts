// A raw request's audit row is on record once, written by the first statement that stores anything for it.
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditWriter } from '../../src/audit/audit-writer.js';
import { ReceivedRequest } from '../../src/audit/received-request.js';
import type { Executor } from '../../src/db/connection.js';

const entry = { event: 'lead.received', requestId: 'req-1', actor: 'client', outcome: 'received' };

/** An audit writer that keeps what it is asked to write. */
function keptRows(): { written: AuditEntry[]; writer: AuditWriter } {
  const written: AuditEntry[] = [];
  const writer: AuditWriter = {
    write: async (_db, row) => {
      written.push(row);
    },
    writeMany: async (_db, rows) => {
      written.push(...rows);
    },
    batchJson: (rows) => JSON.stringify(rows),
  };
  return { written, writer };
}
const db = {} as Executor;

describe('a received request', () => {
  it('hands its row to the first write, and is on record once that write succeeds', async () => {
    const received = new ReceivedRequest(entry);
    expect(received.state).toBe('unwritten');
    const handed: (AuditEntry | null)[] = [];
    await received.writeWith(async (row) => handed.push(row));
    await received.writeWith(async (row) => handed.push(row));
    expect(handed).toEqual([entry, null]);
    expect(received.state).toBe('on_record');
  });

  it('stays unwritten when the write that carried it fails, so the refusal path writes it', async () => {
    const received = new ReceivedRequest(entry);
    await expect(
      received.writeWith(async () => {
        throw new Error('statement rolled back');
      }),
    ).rejects.toThrow('statement rolled back');
    expect(received.state).toBe('unwritten');
    const { written, writer } = keptRows();
    await received.writeAlone(writer, db);
    expect(written).toEqual([entry]);
    expect(received.state).toBe('on_record');
  });

  it('is not written alone once a statement has written it', async () => {
    const received = new ReceivedRequest(entry);
    await received.writeWith(async () => 'stored');
    const { written, writer } = keptRows();
    await received.writeAlone(writer, db);
    await received.writeAlone(writer, db);
    expect(written).toEqual([]);
  });
});
