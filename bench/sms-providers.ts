// The fake Aliyun and Tencent Cloud SMS providers in a process of their own, as the demo runs them but apart from the
// server, so that the server's CPU counts only what Haoka does to text a customer (sign, send, record, ask for the
// report) and not the provider's side. The server is pointed at them through the endpoints this process answers with.
import { systemClock } from '../src/adapters/clock.ts';
import { loadSmsConfig } from '../src/adapters/sms/config.ts';
import { wireSms } from '../src/adapters/sms/wiring.ts';
import { childArgs, finish, reply, replyError } from './child.ts';

childArgs<Record<string, never>>();

async function main() {
  const config = loadSmsConfig({}, false)!;
  // Every bench customer is texted many times a day: the providers' flow control is not what is measured.
  const sms = await wireSms(config, systemClock, null, { dailyLimit: 1_000_000 });
  process.on('message', (m: any) => {
    (async () => {
      if (m.cmd === 'exit') {
        await sms.close();
        return finish({});
      }
    })().catch(replyError);
  });
  reply({ env: { HAOKA_SMS_ALIYUN_ENDPOINT: sms.fakes!.aliyun!.url!, HAOKA_SMS_TENCENT_ENDPOINT: sms.fakes!.tencent!.url! } });
}

main().catch(replyError);
