// What the fake gateways' processes share: the parent plays the customer and asks one of them to `pay` a trade; the
// gateway marks it paid and posts its signed notification to the server, answering once the server has answered.
import { childArgs, finish, reply, replyError } from './child.ts';

export interface GatewayProcess {
  /** Marks the trade paid and delivers its notification: whether the server acknowledged it. */
  pay(paymentNo: string): Promise<{ ok: boolean; status?: number; error?: string }>;
  refunds(): number;
  stop(): Promise<void>;
}

export const gatewayArgs = () => childArgs<{ dir: string }>();

/** Serves the parent's commands; `hello` is the first message (the gateway's address and the merchant's keys). */
export function serveGatewayProcess(g: GatewayProcess, hello: object): void {
  let paid = 0;
  let refused = 0;
  process.on('message', (m: any) => {
    (async () => {
      switch (m.cmd) {
        case 'pay': {
          const r = await g.pay(m.paymentNo as string);
          if (r.ok) paid++;
          else if (!r.error) refused++;
          return reply(r);
        }
        case 'stats':
          return reply({ paid, refused, refunds: g.refunds() });
        case 'exit':
          await g.stop();
          return finish({});
      }
    })().catch(replyError);
  });
  reply(hello);
}

export function runGatewayProcess(main: () => Promise<void>): void {
  main().catch(replyError);
}
