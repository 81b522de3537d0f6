// Row types of the assistant's tables (migration 004), kept beside schema.ts so the two grow apart cleanly.
import type { Generated } from 'kysely';

export interface FaqOverridesTable {
  id: string; question_zh: string | null; question_en: string | null; answer_zh: string | null; answer_en: string | null;
  hidden: number; updated_at: number; updated_by: string;
}
export interface AssistantConversationsTable { id: string; order_id: string; customer_id: string; lang: string; created_at: number; updated_at: number }
export interface AssistantMessagesTable {
  id: Generated<number>; conversation_id: string; role: string; text: string; intent: string | null; confidence: number | null; at: number;
}
export interface SupportTicketsTable {
  id: string; order_id: string; customer_id: string; conversation_id: string | null; source: string; status: string; intent: string | null;
  summary: string; assignee_id: string | null; created_at: number; updated_at: number; closed_at: number | null;
}
export interface ReasonClassificationsTable {
  id: Generated<number>; order_id: string; source: string; text: string; code: string; confidence: number; created_at: number;
}
export interface AlternativeOffersTable {
  id: string; order_id: string; kind: string; reason_code: string | null; status: string; offered_at: number; answered_at: number | null; answered_by: string | null;
}

export interface AssistantTables {
  faq_overrides: FaqOverridesTable;
  assistant_conversations: AssistantConversationsTable;
  assistant_messages: AssistantMessagesTable;
  support_tickets: SupportTicketsTable;
  reason_classifications: ReasonClassificationsTable;
  alternative_offers: AlternativeOffersTable;
}
