// GET /admin/api/salesrender/schema: the drift watch's last result for each SalesRender company.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { listCompanySchemaResults } from '../../campaigns/schema-results.js';
import type { AppContext } from '../../context.js';
import { salesRenderSchemaAnswer } from '../answers/admin-answers.js';
import { adminRoute } from '../route-schema.js';

const schema = adminRoute({
  tag: 'admin',
  summary: "The drift watch's last result for each SalesRender company in use",
  answers: { 200: salesRenderSchemaAnswer.describe('One entry per company checked') },
  errors: [],
});

export function registerAdminSalesRenderSchemaRoute(app: FastifyInstance, context: AppContext): void {
  app.get('/admin/api/salesrender/schema', { schema }, async function salesrenderSchemaRoute() {
    const answer: z.output<typeof salesRenderSchemaAnswer> = {
      companies: await listCompanySchemaResults(context.database.orm),
    };
    return answer;
  });
}
