// The partner-facing API as OpenAPI 3.1, served at /docs (readable page) and /docs/json.

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      properties: {
        code: { type: 'string', example: 'LEAD_INVALID' },
        message: { type: 'string' },
        request_id: { type: 'string' },
        fields: {
          type: 'object',
          additionalProperties: { type: 'string' },
          example: { phone: 'is required' },
        },
      },
    },
  },
};

const leadAnswer = {
  type: 'object',
  required: ['lead_id', 'order_id', 'status', 'duplicate'],
  properties: {
    lead_id: { type: 'string', example: 'lead_9f3kQ2xv0LmA1bCd' },
    order_id: { type: ['string', 'null'], example: '1042' },
    status: {
      type: 'string',
      example: 'pending',
      description: '`queued` until SalesRender has the order, then its label',
    },
    duplicate: { type: 'boolean' },
  },
};

const leadBody = {
  type: 'object',
  required: ['phone'],
  additionalProperties: { description: 'Any other parameter is kept verbatim as an extra' },
  properties: {
    phone: {
      type: 'string',
      example: '+7 912 345-67-89',
      description: 'Normalised to E.164 with the campaign country',
    },
    name: { type: 'string', example: 'Ivan Petrov' },
    country: { type: 'string', example: 'RU', description: 'ISO 3166-1 alpha-2' },
    ip: { type: 'string', example: '203.0.113.7' },
    user_agent: { type: 'string' },
    click_id: { type: 'string', description: 'Also read from clickid, subid, cid, aff_click_id' },
    sub1: { type: 'string', description: 'sub1..sub5; also sub_id_1..5 and aff_sub..aff_sub5' },
    utm_source: { type: 'string', description: 'utm_* are kept as given' },
    comment: { type: 'string' },
  },
};

const json = (schema: unknown) => ({ 'application/json': { schema } });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'LeadBridge partner API',
    version: '1.0.0',
    description:
      'Send leads to a campaign alias; LeadBridge creates the order in SalesRender and returns its id. ' +
      'Authenticate with the X-Api-Key header (or api_key parameter). Every request is audited.',
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
    },
  },
  security: [{ apiKey: [] }, { apiKeyQuery: [] }],
  paths: {
    '/v1/leads/{alias}': {
      post: {
        summary: 'Submit a lead',
        parameters: [
          { name: 'alias', in: 'path', required: true, schema: { type: 'string' }, example: 'demo' },
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 255 },
            description: 'A repeat with the same key returns the original answer (200, duplicate: true)',
          },
        ],
        requestBody: {
          required: true,
          content: { ...json(leadBody), 'application/x-www-form-urlencoded': { schema: leadBody } },
        },
        responses: {
          '201': { description: 'Order created in SalesRender', content: json(leadAnswer) },
          '200': {
            description: 'Same click_id or Idempotency-Key seen before: the original lead',
            content: json(leadAnswer),
          },
          '202': {
            description: 'SalesRender unreachable: stored and retried; order_id is null for now',
            content: json(leadAnswer),
          },
          '401': { description: 'Missing or invalid API key', content: json(errorSchema) },
          '403': { description: 'This key is not allowed for this campaign', content: json(errorSchema) },
          '404': { description: 'Unknown campaign alias', content: json(errorSchema) },
          '409': {
            description:
              "Same phone within the dedupe window (LEAD_DUPLICATE_PHONE; with dedupe_scope connection, in any campaign of the SalesRender company), or same IP within the campaign's duplicate-IP window (LEAD_DUPLICATE_IP); carries the existing order_id",
            content: json(errorSchema),
          },
          '413': { description: 'Body too large', content: json(errorSchema) },
          '422': {
            description:
              'Invalid lead (LEAD_INVALID: fields lists each reason), a country the campaign does not take (LEAD_GEO_NOT_ALLOWED: fields names phone or country), or SalesRender rejected it (SR_REJECTED)',
            content: json(errorSchema),
          },
          '429': {
            description:
              "Over the key's requests a minute (RATE_LIMITED; Retry-After says when to send again), or a cap of the campaign or of this partner reached (CAP_REACHED: error.cap {scope: campaign|partner, period: daily|total, limit}, error.resets_at, ISO-8601 UTC or null for a total cap; Retry-After for a daily cap): the lead was not sent",
            content: json(errorSchema),
          },
          '503': {
            description:
              'LeadBridge cannot reach its database (DATABASE_UNAVAILABLE): nothing was stored; send the same lead again after Retry-After',
            content: json(errorSchema),
          },
        },
      },
    },
  },
};
