// Each SalesRender company's live schema, as LeadBridge fits its inputs to it: memory, then the last good
// introspection in the database, then SalesRender itself; with none of them, the fact sheet's shapes.
import type { GraphQLSchema } from 'graphql';
import { auditSalesRenderExchanges, type CallRequester } from '../audit/audit-salesrender-exchange.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import { createRepeatedAnswers } from '../audit/repeated-answers.js';
import type { ReportBackgroundError } from '../background-errors.js';
import type { Clock } from '../clock.js';
import type { Orm } from '../db/connection.js';
import { findCompanySchema } from '../db/sql/find-company-schema.js';
import { saveCompanySchema } from '../db/sql/save-company-schema.js';
import { executeSql } from '../db/sql/statement.js';
import { CrmClient, type SalesRenderTarget } from '../salesrender/crm-client.js';
import { companyKey, schemaFromIntrospection } from '../salesrender/live-schema.js';
import type { SalesRenderExchange } from '../salesrender/transport.js';

export type SchemaModule = 'CRM' | 'CPA';

interface Cached {
  schema: GraphQLSchema | null;
  /** When this process last loaded or tried to load it (ms). */
  loadedAt: number;
  /** The load in flight, shared by every caller meanwhile. */
  loading: Promise<GraphQLSchema | null> | null;
}

export interface CompanySchemasDeps {
  db: Orm;
  clock: Clock;
  /** Every introspection is audited, answer included: it is what every input is fitted to. */
  audit: AuditWriter;
  /** Hears a load or re-introspection that failed (the schema falls back, the caller goes on). */
  reportBackgroundError: ReportBackgroundError;
  timeoutMs: number;
}

/**
 * How long a schema held in memory is trusted before the database's copy is read again: another
 * instance's drift watch may have stored a newer one. A failed introspection is not tried again sooner.
 */
const memoryTtlMs = 5 * 60_000;

export class CompanySchemas {
  private readonly cache = new Map<string, Cached>();
  private readonly lastForcedAt = new Map<string, number>();
  private readonly repeatedAnswers = createRepeatedAnswers();
  constructor(private readonly deps: CompanySchemasDeps) {}

  /**
   * The schema to fit what is sent to this company; null means none is known (the fact sheet's shapes
   * are sent as built). Only the first lead of a company this process has not loaded yet waits for its
   * load (one load, however many leads ask at once: the database's copy, or an introspection when the
   * company is new); after that a stale copy is answered at once and reloaded behind it.
   */
  async forTarget(target: SalesRenderTarget, module: SchemaModule = 'CRM'): Promise<GraphQLSchema | null> {
    const key = `${companyKey(target)}/${module}`;
    const now = this.deps.clock.now().getTime();
    const cached = this.cache.get(key);
    if (cached && (cached.loading || now - cached.loadedAt < memoryTtlMs)) {
      return cached.loading && cached.loadedAt === 0 ? cached.loading : cached.schema;
    }
    const entry: Cached = cached ?? { schema: null, loadedAt: 0, loading: null };
    entry.loading = this.load(target, module).then((schema) => {
      // A failed reload keeps the last good schema: better than the fact sheet's shapes.
      entry.schema = schema ?? entry.schema;
      entry.loadedAt = this.deps.clock.now().getTime();
      entry.loading = null;
      return entry.schema;
    });
    this.cache.set(key, entry);
    return cached ? entry.schema : entry.loading;
  }

  /**
   * After SalesRender itself refused what was sent as not fitting, the cached schema may be stale:
   * introspect again behind the caller (at most once a minute per company), so the next attempt fits
   * the new one instead of waiting for the drift watch.
   */
  refreshSoon(target: SalesRenderTarget, module: SchemaModule = 'CRM'): void {
    const key = `${companyKey(target)}/${module}`;
    const now = this.deps.clock.now().getTime();
    if (now - (this.lastForcedAt.get(key) ?? Number.NEGATIVE_INFINITY) < 60_000) return;
    this.lastForcedAt.set(key, now);
    this.refresh(target, module).catch((error: unknown) =>
      this.deps.reportBackgroundError('schema_refresh', error, { company: companyKey(target), module }),
    );
  }

  /** The database's last good copy, else SalesRender itself; null (logged) when neither answers. */
  private async load(target: SalesRenderTarget, module: SchemaModule): Promise<GraphQLSchema | null> {
    try {
      const [row] = await executeSql(this.deps.db, findCompanySchema, {
        company: companyKey(target),
        module,
      });
      const stored = row ? schemaFromIntrospection(row.introspection) : null;
      return stored ?? (await this.refresh(target, module));
    } catch (error) {
      this.deps.reportBackgroundError('schema_load', error, { company: companyKey(target), module });
      return null;
    }
  }

  /**
   * Introspects the company now and stores the result as its last good schema. Throws when unreachable.
   * `requester` ties the call's audit row to the request or connection check that asked for it.
   */
  async refresh(
    target: SalesRenderTarget,
    module: SchemaModule = 'CRM',
    requester: CallRequester = {},
  ): Promise<GraphQLSchema> {
    const key = `${companyKey(target)}/${module}`;
    const write = auditSalesRenderExchanges(this.deps, {
      requestId: requester.requestId ?? null,
      campaignId: null,
      connectionId: requester.connectionId ?? null,
      purpose: 'schema',
    });
    const observe = (exchange: SalesRenderExchange) => write(this.repeatedAnswers.abbreviate(key, exchange));
    const client = new CrmClient(target, { timeoutMs: this.deps.timeoutMs, observe }, module);
    const introspection = await client.introspect();
    const schema = schemaFromIntrospection(introspection);
    if (!schema) throw new Error(`the ${module} introspection answer is not a schema`);
    const company = companyKey(target);
    await executeSql(this.deps.db, saveCompanySchema, {
      company,
      module,
      baseUrl: target.baseUrl,
      companyId: target.companyId,
      introspection,
      fetchedAt: this.deps.clock.now(),
    });
    this.cache.set(`${company}/${module}`, {
      schema,
      loadedAt: this.deps.clock.now().getTime(),
      loading: null,
    });
    return schema;
  }
}
