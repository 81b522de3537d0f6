// The fake WeChat Pay gateway in a process of its own, so that its signing and encryption are not counted as the
// server's. Its keys are kept in `dir`, where the server's configuration reads the merchant's half. The parent
// plays the customer: `pay` marks a trade paid in WeChat and posts its signed, encrypted notification to the
// server's notify_url, answering once the server has acknowledged it.
import { systemClock } from '../src/adapters/clock.ts';
import { FakeWechatGateway } from '../src/adapters/payment/wechat-fake/gateway.ts';
import { FakeWechatState } from '../src/adapters/payment/wechat-fake/state.ts';
import { keyPair } from '../src/adapters/payment/wechat-fake/keys.ts';
import { DEMO_MERCHANT } from '../src/adapters/payment/wechat/channel.ts';
import { privateKeyOf, publicKeyOf } from '../src/adapters/payment/wechat/signing.ts';
import { isError } from '../src/domain/errors.ts';
import { BENCH_WECHAT_APIV3_KEY } from './fixtures.ts';
import { gatewayArgs, runGatewayProcess, serveGatewayProcess } from './gateway-child.ts';

runGatewayProcess(async () => {
  const { dir } = gatewayArgs();
  const merchant = keyPair(dir, 'wechat-merchant');
  const platform = keyPair(dir, 'wechat-platform');
  const state = new FakeWechatState({
    mchId: DEMO_MERCHANT.mchId, appId: DEMO_MERCHANT.appId, certSerial: DEMO_MERCHANT.certSerial, publicKeyId: DEMO_MERCHANT.publicKeyId, apiV3Key: BENCH_WECHAT_APIV3_KEY,
    merchantPublicKey: publicKeyOf(merchant.publicKeyPem), platformPrivateKey: privateKeyOf(platform.privateKeyPem),
  }, systemClock, { seed: 7 });
  // The parent delivers each payment's notification through this process once, and waits for the answer.
  state.deliver = null;
  const gateway = new FakeWechatGateway(state);
  const url = await gateway.start();
  serveGatewayProcess({
    async pay(paymentNo) {
      const d = state.pay(paymentNo);
      if (isError(d)) return { ok: false, error: d.code };
      const res = await fetch(state.payment(paymentNo)!.notifyUrl!, { method: 'POST', headers: d.headers, body: d.body });
      await res.arrayBuffer();
      return { ok: res.status === 200, status: res.status };
    },
    refunds: () => state.refunds.size,
    stop: () => gateway.stop(),
  }, { url, merchantPrivateKeyPem: merchant.privateKeyPem, platformPublicKeyPem: platform.publicKeyPem });
});
