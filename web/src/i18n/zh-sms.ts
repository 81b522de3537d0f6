// Text messages: what the sign-in page says when a code did not reach the phone.
export const zhSms = {
  'sms.code.delivered': '验证码已送达，请查看短信。',
  'sms.code.failed': '未收到验证码？短信未能送达（{code}），可在倒计时结束后重新获取。',
  'event.sms.sent': '短信已发出',
  'event.sms.delivered': '短信已送达',
  'event.sms.failed': '短信未送达',
  'trail.actor.sms': '短信服务商',
  'sms.code.failedNow': '未收到验证码？短信未能送达（{code}），请重新获取。',
} as const;
