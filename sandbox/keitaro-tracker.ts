// A tracker stand-in that counts conversions as Keitaro and Orbitra document (../shared/docs/trackers.md):
// `/<key>/postback?subid=&status=&payout=&tid=&currency=`, one conversion per (click id, tid), statuses
// lead -> sale -> rejected moved on that one conversion, a new tid a new conversion (a rebill).
import { createServer, type Server } from 'node:http';

export type ConversionStatus = 'lead' | 'sale' | 'rejected';

export interface Conversion {
  clickId: string;
  tid: string;
  status: ConversionStatus;
  /** The payout of the latest postback, in major units as sent. */
  payout: number;
  currency: string;
  /** How many postbacks changed or repeated it. */
  postbacks: number;
}

export interface KeitaroTracker {
  url: string;
  /** The postback key a buyer copies from the tracker; another key is answered with the admin page. */
  key: string;
  /** A click the tracker knows (it made the click id); postbacks for others are answered 404. */
  registerClick(clickId: string): void;
  conversions(): Conversion[];
  /** Revenue as the tracker reports it: the payout of each conversion whose status is `sale`. */
  revenue(): number;
  /** Every request as it arrived, with the answer's status. */
  requests: { url: string; status: number }[];
  /** Answers the next `count` postbacks with this status, without counting them (the tracker is down). */
  failNext(count: number, status?: number): void;
  /** Holds the next request this long before handling it (a slow tracker). */
  delayNext(ms: number): void;
  /** Requests received but not answered yet. */
  inFlight(): number;
  close(): Promise<void>;
}

/** Keitaro's words [trackers.md]; `lead` is the hold. */
const statuses = new Set<ConversionStatus>(['lead', 'sale', 'rejected']);

export async function startKeitaroTracker(options: { key?: string } = {}): Promise<KeitaroTracker> {
  const key = options.key ?? 'k3y9postback';
  const clicks = new Set<string>();
  const conversions = new Map<string, Conversion>();
  const requests: KeitaroTracker['requests'] = [];
  let failing: { count: number; status: number } = { count: 0, status: 503 };
  let delayMs = 0;
  let inFlight = 0;

  const server: Server = createServer(async (request, response) => {
    if (delayMs > 0) {
      const wait = delayMs;
      delayMs = 0;
      inFlight += 1;
      await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight -= 1;
    }
    const url = new URL(request.url ?? '/', 'http://tracker.local');
    const answer = (status: number, body: string, type = 'text/plain') => {
      requests.push({ url: request.url ?? '/', status });
      response.writeHead(status, { 'content-type': type }).end(body);
    };
    request.resume();
    if (failing.count > 0) {
      failing.count -= 1;
      return answer(failing.status, 'Service unavailable');
    }
    const [, postbackKey, path] = url.pathname.split('/');
    // Orbitra answers a wrong postback key with 200 and its admin page [trackers.md].
    if (path !== 'postback' || postbackKey !== key) {
      return answer(200, '<html><body>Tracker admin: sign in</body></html>', 'text/html');
    }
    const clickId = url.searchParams.get('subid') ?? '';
    if (!clickId) return answer(400, 'Missing subid');
    if (!clicks.has(clickId)) return answer(404, 'Click ID not found');
    const status = (url.searchParams.get('status') ?? 'lead') as ConversionStatus;
    if (!statuses.has(status)) return answer(400, `Unknown status ${status}`);
    const tid = url.searchParams.get('tid') ?? '';
    const id = `${clickId}|${tid}`;
    const existing = conversions.get(id);
    conversions.set(id, {
      clickId,
      tid,
      status,
      payout: Number(url.searchParams.get('payout') ?? 0),
      currency: url.searchParams.get('currency') ?? 'USD',
      postbacks: (existing?.postbacks ?? 0) + 1,
    });
    // `&return=OK` makes Keitaro answer OK, a body a sender can check [trackers.md].
    return answer(200, url.searchParams.get('return') ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    registerClick: (clickId) => void clicks.add(clickId),
    conversions: () => [...conversions.values()],
    revenue: () =>
      [...conversions.values()]
        .filter((conversion) => conversion.status === 'sale')
        .reduce((sum, conversion) => sum + conversion.payout, 0),
    requests,
    failNext(count, status = 503) {
      failing = { count, status };
    },
    delayNext(ms) {
      delayMs = ms;
    },
    inFlight: () => inFlight,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
