// Command line for the sandbox: `serve` runs it; `status` changes an order's status as the call centre would.
import { Command } from 'commander';
import { type SchemaVariant, schemaVariantNames, startSandbox } from './server.js';
import { type WebhookShape, webhookShapes } from './webhook-sender.js';

const program = new Command('salesrender-sandbox').description('A local SalesRender stand-in for LeadBridge');

program
  .command('serve')
  .description('run the sandbox (orders live in memory)')
  .option('--port <port>', 'port to listen on', '8090')
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--webhook-url <url>', 'where status-change webhooks go (a campaign webhook_url)')
  .option('--latency-ms <ms>', 'added latency on every SalesRender call', '0')
  .option(
    '--variant <names>',
    `schema variant(s), repeatable or comma-separated: ${schemaVariantNames.join(', ')}`,
    (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)],
    [] as string[],
  )
  .option('--webhook-shape <shape>', `webhook body: ${webhookShapes.join(', ')}`)
  .option('--validation-error-code <code>', 'extensions.code on validation errors (default: none)')
  .action(
    async (options: {
      port: string;
      host: string;
      webhookUrl?: string;
      latencyMs: string;
      variant: string[];
      webhookShape?: string;
      validationErrorCode?: string;
    }) => {
      if (options.webhookShape && !webhookShapes.includes(options.webhookShape as WebhookShape))
        program.error(`unknown webhook shape "${options.webhookShape}"; known: ${webhookShapes.join(', ')}`);
      const unknown = options.variant.filter(
        (name) => !(schemaVariantNames as readonly string[]).includes(name),
      );
      if (unknown.length > 0)
        program.error(
          `unknown schema variant(s) ${unknown.join(', ')}; known: ${schemaVariantNames.join(', ')}`,
        );
      const sandbox = await startSandbox({
        port: Number(options.port),
        host: options.host,
        webhookUrl: options.webhookUrl ?? null,
        latencyMs: Number(options.latencyMs),
        schemaVariants: options.variant as SchemaVariant[],
        webhookShape: options.webhookShape as WebhookShape | undefined,
        validationErrorCode: options.validationErrorCode,
      });
      const variants = options.variant.length > 0 ? options.variant.join(', ') : 'default';
      console.log(
        `SalesRender sandbox on ${sandbox.url} (schema: ${variants}; call centre page: ${sandbox.url}/)`,
      );
    },
  );

program
  .command('status <orderId> <statusId>')
  .description("change an order's status (and comment) in a running sandbox")
  .option('--comment <text>', 'call-centre comment')
  .option('--company <id>', 'company id', '1')
  .option('--url <url>', 'sandbox URL', 'http://127.0.0.1:8090')
  .action(
    async (
      orderId: string,
      statusId: string,
      options: { comment?: string; company: string; url: string },
    ) => {
      const response = await fetch(
        `${options.url}/__sandbox/companies/${options.company}/orders/${orderId}/status`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ statusId, comment: options.comment }),
        },
      );
      console.log(response.status, await response.text());
      if (!response.ok) process.exitCode = 1;
    },
  );

await program.parseAsync();
