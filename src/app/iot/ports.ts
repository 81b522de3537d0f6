// What IoT cards need from the carrier's IoT platform (物联网卡管理平台): activation of a card, closure of a line,
// and the daily usage report per card. Each change carries a request number; a request repeated changes nothing more.

export type IotActivationAnswer = { status: 'activated'; at: number } | { status: 'failed'; error: string; retryable: boolean };

export interface IotUsageLine {
  iccid: string;
  /** Data used that day, in MB (the carrier rounds up to the MB). */
  usedMb: number;
}

export interface ActivationRequest {
  activationNo: string;
  iccid: string;
  msisdn: string;
}

export interface IotCarrierPort {
  /** Activates a card; `activationNo` sent again answers the first answer and activates nothing more. */
  activate(req: ActivationRequest): Promise<IotActivationAnswer>;
  /** Activates several cards as one batch at the platform (物联卡批量激活); the answers in the order asked. */
  activateMany(reqs: readonly ActivationRequest[]): Promise<IotActivationAnswer[]>;
  /** Closes a line (销户); `closeNo` sent again closes nothing more. */
  closeLine(req: { closeNo: string; iccid: string; msisdn: string }): Promise<{ status: 'closed' } | { status: 'failed'; error: string }>;
  /**
   * The day's usage (YYYY-MM-DD, Beijing) of the cards asked about (a card without usage that day may be left out).
   * A day the platform refuses to report (one it no longer keeps) throws a CarrierRefusal.
   */
  dailyUsage(day: string, iccids: readonly string[]): Promise<IotUsageLine[]>;
}

/** The carrier's platform refused the request with its own code: asking again the same way will not help. */
export class CarrierRefusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
