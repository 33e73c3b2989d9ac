// Runs the bare forwarder (baseline-forwarder.ts) against the SalesRender URL given; prints its URL.
import { startBaseline } from './baseline-forwarder.js';

const salesrenderUrl = process.argv[2];
if (!salesrenderUrl) throw new Error('usage: baseline-forwarder-main.ts <salesrender url>');
const forwarder = await startBaseline(salesrenderUrl);
process.stdout.write(`${forwarder.url}\n`);
process.once('SIGTERM', () => {
  void forwarder.close().then(() => process.exit(0));
});
