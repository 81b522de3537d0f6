// The demo's Kuaidi100 account, known to the fake Kuaidi100 and to our adapter in demo mode. Printed in a public
// repository, so it proves nothing: production refuses these values (config-kuaidi100.ts).
export const DEMO_KUAIDI100 = {
  customer: 'HAOKADEMO0CUSTOMER',
  key: 'haoka-demo-kuaidi100-key',
  salt: 'haoka-demo-kuaidi100-salt',
  secret: 'haoka-demo-kuaidi100-secret',
} as const;
