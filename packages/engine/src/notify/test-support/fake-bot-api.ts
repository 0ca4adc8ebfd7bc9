import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** A request the fake Bot API received. */
export interface BotApiRequest {
  method: string;
  token: string;
  payload: Record<string, unknown>;
}

/** A fake Telegram Bot API: what it received, and the texts as a Telegram user would read them. */
export interface FakeBotApi extends LoopbackServer {
  token: string;
  chatId: string;
  requests: BotApiRequest[];
  /** The texts of accepted sendMessage calls after Telegram's HTML parsing. */
  shownTexts(): string[];
}

const ENTITY = /&(amp|lt|gt|quot);/g;
const UNESCAPED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/**
 * Parses a message the way Telegram's HTML parse mode does, for the tags Buff uses (<b>, <i>):
 * a `<` that does not open or close an allowed tag, or an `&` that does not start a known entity,
 * is a 400 "can't parse entities" as on the real API.
 */
export function parseTelegramHtml(text: string): string | undefined {
  const withoutTags = text.replace(/<\/?[bi]>/g, '');
  if (/[<>]/.test(withoutTags)) return undefined;
  if (/&(?!(amp|lt|gt|quot);)/.test(withoutTags)) return undefined;
  return withoutTags.replace(ENTITY, (_, name: string) => UNESCAPED[name] as string);
}

const fail = (status: number, description: string, parameters?: Record<string, unknown>) => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

/**
 * Starts a fake Bot API on 127.0.0.1 for one bot token and chat: sendMessage (HTML checked like
 * Telegram does), getMe and getChat; a wrong token is a 401, another chat a 400. `script()`
 * queues replies such as a 429 with retry_after.
 * @example const api = await startFakeBotApi(); createTelegramNotifier({ token: api.token, chatId: api.chatId, apiRoot: api.url });
 */
export async function startFakeBotApi(token = '123456:TEST-token_abc', chatId = '4242'): Promise<FakeBotApi> {
  const requests: BotApiRequest[] = [];
  const shown: string[] = [];
  const server = await startLoopbackServer(
    (req) => {
      const request = requests[requests.length - 1] as BotApiRequest;
      if (request.token !== token) return fail(401, 'Unauthorized');
      if (request.method === 'getMe')
        return {
          status: 200,
          body: { ok: true, result: { id: 1, is_bot: true, first_name: 'Fake', username: 'fake_bot' } },
        };
      if (String(request.payload.chat_id) !== chatId) return fail(400, 'Bad Request: chat not found');
      if (request.method === 'getChat')
        return { status: 200, body: { ok: true, result: { id: Number(chatId), type: 'private' } } };
      if (request.method !== 'sendMessage') return fail(404, `Not Found: ${req.url}`);
      const text = parseTelegramHtml(String(request.payload.text ?? ''));
      if (text === undefined) return fail(400, "Bad Request: can't parse entities");
      shown.push(text);
      const result = { message_id: shown.length, date: 0, chat: { id: Number(chatId), type: 'private' }, text };
      return { status: 200, body: { ok: true, result } };
    },
    (req, raw) => {
      const match = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(req.url ?? '');
      requests.push({
        token: match?.[1] ?? '',
        method: match?.[2] ?? '',
        payload: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>),
      });
    },
  );
  return { ...server, token, chatId, requests, shownTexts: () => [...shown] };
}

/** A Bot API 429 reply asking to wait `seconds`. */
export const tooManyRequests = (seconds: number) =>
  fail(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
/** A Bot API error reply with this status. */
export const botApiError = (status: number, description: string) => fail(status, description);
