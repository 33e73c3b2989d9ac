// Answers one SalesRender call under the fault plan: added latency, then a fault before or after the work.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterModes, type Fault, type FaultPlan } from './faults.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/** An operation's answer, before any fault cuts it. */
export interface Answer {
  status: number;
  body: unknown;
}

async function answerInstead(fault: Fault, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  switch (fault.mode) {
    case 'http500':
      await reply.code(500).send(errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
      return;
    case 'http503':
      await reply.code(503).header('retry-after', '1').send(errorBody('Service unavailable', 'UNAVAILABLE'));
      return;
    case 'timeout':
      reply.hijack();
      await sleep(fault.holdMs);
      request.raw.socket.destroy();
      return;
    case 'reset':
      reply.hijack();
      request.raw.socket.destroy();
      return;
    case 'nonjson':
      await reply.code(200).type('text/html').send('<html><body>502 Bad Gateway</body></html>');
      return;
    case 'truncated':
      await reply.code(200).type('application/json').send('{"data":{"orderMutation":{"addOrder":{"id":"');
      return;
    case 'graphql_internal':
      await reply.code(200).send({ data: null, ...errorBody('Internal error', 'INTERNAL_SERVER_ERROR') });
      return;
    case 'reject':
      await reply
        .code(200)
        .send({ data: null, ...errorBody('Order validation failed', 'ERR_ORDER_VALIDATION_FAILED') });
      return;
    default:
      throw new Error(`fault ${fault.mode} does not answer before the work`);
  }
}

async function cutAnswer(fault: Fault, request: FastifyRequest, reply: FastifyReply, answer: Answer) {
  reply.hijack();
  if (fault.mode === 'truncated_after') {
    const text = JSON.stringify(answer.body);
    // Half of the JSON: never parseable, so the caller cannot know the order id it just created.
    reply.raw.writeHead(answer.status, { 'content-type': 'application/json' });
    reply.raw.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  if (fault.mode === 'timeout_after') await sleep(fault.holdMs);
  request.raw.socket.destroy();
}

/**
 * Runs `work` under the fault plan. A call that is not `faultable` (introspection: a schema check must not
 * eat a fault meant for a create) gets the latency but takes no fault, so fault counts stay exact.
 */
export async function answerUnderFaults(
  plan: FaultPlan,
  request: FastifyRequest,
  reply: FastifyReply,
  faultable: boolean,
  work: () => Promise<Answer>,
): Promise<FastifyReply> {
  if (plan.latencyMs > 0) await sleep(plan.latencyMs);
  const fault = faultable ? plan.take() : null;
  if (fault && !afterModes.has(fault.mode)) {
    await answerInstead(fault, request, reply);
    return reply;
  }
  const answer = await work();
  if (fault) {
    await cutAnswer(fault, request, reply, answer);
    return reply;
  }
  return reply.code(answer.status).send(answer.body);
}
