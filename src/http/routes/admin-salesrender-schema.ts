// GET /admin/api/salesrender/schema: the drift watch's last result for each SalesRender company.
import type { FastifyInstance } from 'fastify';
import { listCompanySchemaResults } from '../../campaigns/schema-results.js';
import type { AppContext } from '../../context.js';

export function registerAdminSalesRenderSchemaRoute(app: FastifyInstance, context: AppContext): void {
  app.get('/admin/api/salesrender/schema', async function salesrenderSchemaRoute() {
    return { companies: await listCompanySchemaResults(context.database.orm) };
  });
}
