// The fake Aliyun and Tencent Cloud SMS providers, and the fake carrier, in a process of their own, as the demo runs
// them but apart from the server, so that the server's CPU counts only what Haoka does to text a customer (sign, send,
// record, ask for the report) or to give a number back to the carrier, and not the partner's side. The server is
// pointed at them through the endpoints this process answers with.
import { systemClock } from '../src/adapters/clock.ts';
import { DEMO_CARRIER_APP_ID } from '../src/adapters/carrier/md5kv/config.ts';
import { FakeCarrier } from '../src/adapters/carrier/md5kv/fake/fake-carrier.ts';
import { serveFakeCarrier } from '../src/adapters/carrier/md5kv/fake/server.ts';
import { DEMO_PARTNER_KEYS } from '../src/adapters/sim/demo-keys.ts';
import { loadSmsConfig } from '../src/adapters/sms/config.ts';
import { wireSms } from '../src/adapters/sms/wiring.ts';
import { childArgs, finish, reply, replyError } from './child.ts';

childArgs<Record<string, never>>();

async function main() {
  const config = loadSmsConfig({}, false)!;
  // Every bench customer is texted many times a day: the providers' flow control is not what is measured.
  const sms = await wireSms(config, systemClock, null, { dailyLimit: 1_000_000 });
  // The server's carrier key in demo is the demo's: the fake carrier signs and checks with it too.
  const carrier = await serveFakeCarrier(new FakeCarrier(DEMO_CARRIER_APP_ID, DEMO_PARTNER_KEYS.carrier, systemClock, 1), DEMO_PARTNER_KEYS.carrier, systemClock);
  process.on('message', (m: any) => {
    (async () => {
      // Requests the fake Aliyun received, by action (SendSms, SendBatchSms, QuerySendDetails).
      if (m.cmd === 'calls') return reply(Object.fromEntries(sms.fakes!.aliyun!.calls));
      if (m.cmd === 'exit') {
        await sms.close();
        await carrier.close();
        return finish({});
      }
    })().catch(replyError);
  });
  reply({ env: { HAOKA_SMS_ALIYUN_ENDPOINT: sms.fakes!.aliyun!.url!, HAOKA_SMS_TENCENT_ENDPOINT: sms.fakes!.tencent!.url!, HAOKA_CARRIER_URL: carrier.url, HAOKA_CARRIER_APP_ID: DEMO_CARRIER_APP_ID } });
}

main().catch(replyError);
