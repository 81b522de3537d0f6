// The fake Alipay gateway in a process of its own, so that its RSA2 signing is not counted as the server's. The
// application's key pair and the fake's own "Alipay" pair are kept in `dir`, where the server's configuration reads
// the halves the merchant holds. The parent plays the customer: it opens the cashier page (the trade exists from
// then on), then `pay` marks the trade paid in the Alipay app and posts its signed notification form to the
// server's notify_url, answering once the server has printed `success`.
import { systemClock } from '../src/adapters/clock.ts';
import { FakeAlipayGateway } from '../src/adapters/payment/alipay-fake/gateway.ts';
import { FakeAlipayState, type AlipayDelivery } from '../src/adapters/payment/alipay-fake/state.ts';
import { keyPair } from '../src/adapters/payment/wechat-fake/keys.ts';
import { DEMO_APP } from '../src/adapters/payment/alipay/channel.ts';
import { readPrivateKey, readPublicKey } from '../src/adapters/payment/alipay/config.ts';
import { NOTIFY_ACK } from '../src/adapters/payment/alipay/protocol.ts';
import { isError } from '../src/domain/errors.ts';
import { gatewayArgs, runGatewayProcess, serveGatewayProcess } from './gateway-child.ts';

runGatewayProcess(async () => {
  const { dir } = gatewayArgs();
  const app = keyPair(dir, 'alipay-app');
  const alipay = keyPair(dir, 'alipay-platform');
  const state = new FakeAlipayState({ ...DEMO_APP, appPublicKey: readPublicKey(app.publicKeyPem)!, alipayPrivateKey: readPrivateKey(alipay.privateKeyPem)! }, systemClock, { seed: 9 });
  // The parent delivers each payment's notification through this process once, and waits for the answer.
  state.deliver = null;
  const gateway = new FakeAlipayGateway(state);
  const url = await gateway.start();
  serveGatewayProcess({
    async pay(paymentNo) {
      const d = state.pay(paymentNo);
      if (isError(d)) return { ok: false, error: d.code };
      const { url: to, headers, body } = d as AlipayDelivery;
      const res = await fetch(to, { method: 'POST', headers, body });
      return { ok: (await res.text()).trim() === NOTIFY_ACK, status: res.status };
    },
    refunds: () => state.refunds.size,
    stop: () => gateway.stop(),
  }, { url, appId: DEMO_APP.appId, sellerId: DEMO_APP.sellerId, appPrivateKeyPem: app.privateKeyPem, alipayPublicKeyPem: alipay.publicKeyPem });
});
