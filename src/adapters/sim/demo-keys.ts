// The keys the demo's simulated partners sign with. They are printed here, in a public repository, so they
// prove nothing: only demo mode uses them. Production takes every partner key from its configuration
// (config-keys.ts) and refuses these values there.
export const DEMO_PARTNER_KEYS = {
  alipay: 'haoka-simulated-channel-key',
  wechat: 'haoka-simulated-channel-key',
  bank: 'haoka-simulated-channel-key',
  courier: 'haoka-simulated-courier-key',
  carrier: 'haoka-simulated-carrier-key',
} as const;
