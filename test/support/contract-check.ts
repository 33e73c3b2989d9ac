// Checks LeadBridge's real answers against its OpenAPI document: the route and status must be documented,
// and a JSON answer must match the schema documented for that status. Used by injectInto, so every answer
// an integration test receives in process is checked.
import { dereference } from '@readme/openapi-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: object }> }> };
type Document = { paths: Record<string, Record<string, Operation>> };

export interface Answer {
  method: string;
  url: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

/** The document's operations, each path template turned into a matcher, and a validator per schema. */
export class ContractCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<object, ValidateFunction>();
  private readonly paths: { template: string; pattern: RegExp; params: number }[];

  private constructor(private readonly document: Document) {
    addFormats.default(this.ajv);
    this.paths = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: template.split('{').length - 1,
      }))
      // A literal path wins over a template that also matches (/v1/orders/status before /v1/orders/{id}/status).
      .sort((a, b) => a.params - b.params);
  }

  static async of(document: unknown): Promise<ContractCheck> {
    return new ContractCheck((await dereference(structuredClone(document) as never)) as unknown as Document);
  }

  /** Why an answer departs from the document, or null when it matches (or its path is not documented). */
  departure(answer: Answer): string | null {
    const path = new URL(answer.url, 'http://local').pathname;
    const method = answer.method.toLowerCase();
    const matching = this.paths.filter((candidate) => candidate.pattern.test(path));
    // Two templates may match one path with different methods (POST /v1/leads/{alias}, GET /v1/leads/{leadId}).
    const documented =
      matching.find((candidate) => this.document.paths[candidate.template]?.[method]) ?? matching[0];
    if (!documented || method === 'head') return null;
    const operation = this.document.paths[documented.template]?.[method];
    const where = `${answer.method} ${documented.template} answered ${answer.status}`;
    if (!operation) return `${answer.method} ${documented.template} is not in the document`;
    const response = operation.responses?.[String(answer.status)];
    if (!response) return `${where}, a status the document does not list`;
    const type = answer.contentType?.split(';')[0]?.trim() ?? '';
    const content = response.content ?? {};
    if (Object.keys(content).length === 0) return null;
    if (!(type in content))
      return `${where} as ${type}; the document lists ${Object.keys(content).join(', ')}`;
    const schema = content[type]?.schema;
    if (!schema || type !== 'application/json') return null;
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return `${where} with a body that is not JSON`;
    }
    const validate = this.validatorFor(schema);
    if (validate(body)) return null;
    const reasons = (validate.errors ?? []).map(
      (error) => `${error.instancePath || '(root)'} ${error.message}`,
    );
    return `${where} with a body the document does not allow: ${reasons.join('; ')}\n${answer.body.slice(0, 2000)}`;
  }

  private validatorFor(schema: object): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(schema, validate);
    }
    return validate;
  }
}
