// Help on the order page itself: the FAQ for the order's state, and the assistant that answers about this order
// (and hands over to an agent when it is not sure or when asked).
import { useRef, useState, type FormEvent } from 'react';
import { api, type Order } from '../../../api.ts';
import { useAction, useLoad } from '../../../hooks.ts';
import { errorText, useI18n } from '../../../i18n/index.ts';
import { Button } from '../../../ui/button.tsx';
import { TextField } from '../../../ui/field.tsx';
import { Notice } from '../../../ui/notice.tsx';

export function OrderFaq({ order }: { order: Order }) {
  const { t, lang } = useI18n();
  const { data, error } = useLoad(() => api.faq(order.id, lang === 'zh' ? 'zh-CN' : 'en'), [order.id, order.state, lang]);
  if (error) return <Notice tone="error">{errorText(t, error)}</Notice>;
  if (!data || data.entries.length === 0) return null;
  return (
    <section className="card faq" aria-labelledby="faq-title">
      <h2 id="faq-title">{t('faq.title')}</h2>
      {data.entries.map((e) => (
        <details key={e.id}>
          <summary>{e.question}</summary>
          <p>{e.answer}</p>
        </details>
      ))}
    </section>
  );
}

interface Line { me: boolean; text: string }

export function AssistantChat({ order }: { order: Order }) {
  const { t, lang } = useI18n();
  const [lines, setLines] = useState<Line[]>([]);
  const [text, setText] = useState('');
  const [handedOver, setHandedOver] = useState<string | null>(null);
  const conversation = useRef<string | undefined>(undefined);
  const sending = useAction();

  const send = async (e: FormEvent) => {
    e.preventDefault();
    const message = text.trim();
    if (!message) return;
    setLines((l) => [...l, { me: true, text: message }]);
    setText('');
    const r = await sending.run((key) => api.ask(order.id, message, lang === 'zh' ? 'zh-CN' : 'en', conversation.current, key));
    if (r) {
      conversation.current = r.conversationId;
      setLines((l) => [...l, { me: false, text: r.answer }]);
      if (r.handedOver) setHandedOver(r.ticketId ?? '');
    }
  };

  return (
    <section className="card" aria-labelledby="chat-title">
      <h2 id="chat-title">{t('chat.title')}</h2>
      <p className="muted">{t('chat.lead')}</p>
      <ul className="chat-log" aria-live="polite">
        {lines.map((l, i) => <li key={i} className={l.me ? 'me' : ''}><span className="sr-only">{l.me ? t('chat.you') : t('chat.assistant')}: </span>{l.text}</li>)}
      </ul>
      {handedOver !== null && <Notice tone="success">{t('chat.handedOver', { id: handedOver })}</Notice>}
      {sending.error ? <Notice tone="error">{errorText(t, sending.error)}</Notice> : null}
      <form className="chat-form" onSubmit={send}>
        <TextField label={t('chat.message')} value={text} maxLength={500} onChange={(e) => setText(e.target.value)} placeholder={t('chat.placeholder')} />
        <Button type="submit" busy={sending.busy}>{t('chat.send')}</Button>
      </form>
    </section>
  );
}
