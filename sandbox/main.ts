// Command line for the sandbox: `serve` runs it; `status` changes an order's status as the call centre would.
import { Command } from 'commander';
import { startSandbox } from './server.js';

const program = new Command('salesrender-sandbox').description('A local SalesRender stand-in for LeadBridge');

program
  .command('serve')
  .description('run the sandbox (orders live in memory)')
  .option('--port <port>', 'port to listen on', '8090')
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--webhook-url <url>', 'where status-change webhooks go (a campaign webhook_url)')
  .option('--latency-ms <ms>', 'added latency on every SalesRender call', '0')
  .action(async (options: { port: string; host: string; webhookUrl?: string; latencyMs: string }) => {
    const sandbox = await startSandbox({
      port: Number(options.port),
      host: options.host,
      webhookUrl: options.webhookUrl ?? null,
      latencyMs: Number(options.latencyMs),
    });
    console.log(`SalesRender sandbox on ${sandbox.url} (call centre page: ${sandbox.url}/)`);
  });

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
