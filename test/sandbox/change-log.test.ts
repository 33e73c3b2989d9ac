// logsFetcher, the only "changed since" query seen [field]: creations and updates of orders, by time window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { createOrder, crm, updateOrderDocument } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const logsDocument = `query ($action: LogAction, $gte: DateTime, $lte: DateTime, $page: Pagination) {
  logsFetcher(
    filters: {include: {action: $action, createdAt: {gte: $gte, lte: $lte}, entity: {entity: Order}}},
    pagination: $page,
    sort: {field: createdAt, direction: ASC}
  ) {
    log { id createdAt action old { ... on Order { id status { id } } } new { ... on Order { id status { id } } } }
    pageInfo { itemsCount pagesCount pageSize pageNumber }
  }
}`;

async function logs(variables: Record<string, unknown>) {
  const answer = await crm(sandbox, logsDocument, variables);
  if (answer.body.errors) throw new Error(JSON.stringify(answer.body.errors));
  return answer.body.data.logsFetcher;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('logsFetcher', () => {
  it('finds the creation of an order within a time window', async () => {
    await createOrder(sandbox);
    await pause();
    const gte = new Date().toISOString();
    const id = await createOrder(sandbox);
    const lte = new Date().toISOString();
    await pause();
    await createOrder(sandbox);
    const found = await logs({ action: 'CREATE', gte, lte });
    expect(found.log).toEqual([
      {
        id: expect.any(String),
        createdAt: expect.any(String),
        action: 'CREATE',
        old: null,
        new: { id, status: { id: '1' } },
      },
    ]);
    expect(found.pageInfo).toMatchObject({ itemsCount: 1, pageNumber: 1 });
  });

  it('treats the createdAt bounds as inclusive', async () => {
    const id = await createOrder(sandbox);
    const entry = sandbox.companies.get('1')!.changeLog.entries.at(-1)!;
    expect(entry.new).toMatchObject({ id });
    const found = await logs({ action: 'CREATE', gte: entry.createdAt, lte: entry.createdAt });
    expect(found.log.map((log: { new: { id: string } }) => log.new.id)).toContain(id);
  });

  it('logs an UPDATE with the order before and after, for updateOrder and for the call centre', async () => {
    const id = await createOrder(sandbox);
    const gte = new Date().toISOString();
    await crm(sandbox, updateOrderDocument, { input: { id, statusId: '2' } });
    sandbox.changeStatus('1', id, '3', 'Confirmed');
    const found = await logs({ action: 'UPDATE', gte });
    const ofOrder = found.log.filter((log: { new: { id: string } }) => log.new.id === id);
    expect(ofOrder.map((log: any) => [log.old.status.id, log.new.status.id])).toEqual([
      ['1', '2'],
      ['2', '3'],
    ]);
  });

  it('answers entries oldest first, in 1-based pages', async () => {
    const gte = new Date().toISOString();
    const ids = [await createOrder(sandbox), await createOrder(sandbox), await createOrder(sandbox)];
    const page = await logs({ action: 'CREATE', gte, page: { pageNumber: 2, pageSize: 2 } });
    expect(page.log.map((log: { new: { id: string } }) => log.new.id)).toEqual([ids[2]]);
    expect(page.pageInfo).toEqual({ itemsCount: 3, pagesCount: 2, pageSize: 2, pageNumber: 2 });
  });

  it('has CREATE, UPDATE and DELETE actions in the default schema', async () => {
    const answer = await crm(sandbox, 'query { __type(name: "LogAction") { enumValues { name } } }');
    expect(answer.body.data.__type.enumValues.map((value: { name: string }) => value.name)).toEqual([
      'CREATE',
      'UPDATE',
      'DELETE',
    ]);
  });

  it('refuses a createdAt bound that is not a timestamp, with no code', async () => {
    const answer = await crm(sandbox, logsDocument, { gte: 'yesterday' });
    expect(answer.body.errors[0].message).toBe(
      'Invalid DateTime "yesterday" at "filters.include.createdAt.gte"',
    );
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });
});
