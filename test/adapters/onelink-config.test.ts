// OneLink from the environment: unset in production reaches no platform, the demo's printed keys are refused
// there, and demo without an address runs the fake platform in the process.
import { describe, expect, it } from 'vitest';
import { DEMO_ONELINK, loadOneLinkConfig } from '../../src/adapters/iot/onelink/config.ts';

describe('the OneLink settings', () => {
  it('reaches no platform in production when nothing is set, and the public address when the keys are', () => {
    expect(loadOneLinkConfig({}, true)).toBeNull();
    expect(loadOneLinkConfig({ HAOKA_IOT_ONELINK_APP_ID: '2002163782', HAOKA_IOT_ONELINK_PASSWORD: 'own-secret' }, true))
      .toEqual({ url: 'https://api.iot.10086.cn', appid: '2002163782', password: 'own-secret', timeoutMs: 10_000, fake: false });
  });

  it('refuses in production a missing password, the demo keys and a plain-http address', () => {
    expect(() => loadOneLinkConfig({ HAOKA_IOT_ONELINK_APP_ID: '2002163782' }, true)).toThrow(/HAOKA_IOT_ONELINK_PASSWORD/);
    expect(() => loadOneLinkConfig({ HAOKA_IOT_ONELINK_APP_ID: DEMO_ONELINK.appid, HAOKA_IOT_ONELINK_PASSWORD: 'x' }, true)).toThrow(/demo values/);
    expect(() => loadOneLinkConfig({ HAOKA_IOT_ONELINK_URL: 'http://api.iot.10086.cn', HAOKA_IOT_ONELINK_APP_ID: '2002163782', HAOKA_IOT_ONELINK_PASSWORD: 'x' }, true)).toThrow(/https/);
  });

  it('runs the fake platform with the demo account in demo, or the address given', () => {
    expect(loadOneLinkConfig({}, false)).toMatchObject({ fake: true, ...DEMO_ONELINK });
    expect(loadOneLinkConfig({ HAOKA_IOT_ONELINK_URL: 'http://127.0.0.1:9100/' }, false)).toMatchObject({ fake: false, url: 'http://127.0.0.1:9100' });
  });
});
