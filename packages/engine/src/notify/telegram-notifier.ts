import { BuffError } from '@buff/core';
import type { Api } from 'grammy';
import type { Delivery, Notifier } from './notifier.js';
import { renderTelegramHtml } from './format-message.js';

/** The bot, the chat, and the bounds on retrying. */
export interface TelegramOptions {
  token: string;
  chatId: string;
  /** Bot API root (default https://api.telegram.org); tests point it at a fake server. */
  apiRoot?: string;
  /** Per request (default 10 s). */
  timeoutSeconds?: number;
  /** Tries per message for 5xx and network errors, the first included (default 5). */
  maxAttempts?: number;
  /** First backoff after a 5xx or network error; doubled each time (default 500 ms). */
  backoffMs?: number;
  /** A 429 asking to wait longer than this fails the attempt instead of waiting (default 60 s). */
  maxRetryAfterSeconds?: number;
}

/**
 * Sends notifications to a Telegram chat as HTML messages through grammY's Bot API client. A 429
 * is waited out for its `retry_after` by the @grammyjs/auto-retry plugin; 5xx and network errors
 * are retried with backoff up to `maxAttempts`; other 4xx are final. The token never appears in
 * an error or a log line.
 * @example await createTelegramNotifier({ token, chatId }).send({ key, event });
 */
export function createTelegramNotifier(options: TelegramOptions): Notifier {
  if (!/^[0-9]+:[A-Za-z0-9_-]+$/.test(options.token))
    throw new BuffError('INVALID_CONFIG', 'the Telegram bot token is not of the form <digits>:<letters>', {
      details: { key: 'BUFF_TELEGRAM_TOKEN' },
    });
  if (options.chatId === '')
    throw new BuffError('INVALID_CONFIG', 'the Telegram chat id is empty', {
      details: { key: 'BUFF_TELEGRAM_CHAT_ID' },
    });
  let client: Promise<{ api: Api; requests: { count: number } }> | undefined;
  const connect = () => (client ??= openApi(options));
  const withRetries = async (call: (api: Api) => Promise<unknown>): Promise<Delivery> => {
    const { api, requests } = await connect();
    const before = requests.count;
    let delay = options.backoffMs ?? 500;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await call(api);
        return { notifier: 'telegram', attempts: requests.count - before };
      } catch (err) {
        const failure = classify(err, options.token);
        if (!failure.retry || attempt >= (options.maxAttempts ?? 5))
          throw new BuffError(
            'NOTIFY_FAILED',
            `telegram: ${failure.problem} (after ${requests.count - before} request(s))`,
            {
              details: {
                notifier: 'telegram',
                attempts: requests.count - before,
                permanent: failure.permanent,
                status: failure.status,
              },
            },
          );
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  };
  return {
    name: 'telegram',
    send: (notification) =>
      withRetries((api) =>
        api.sendMessage(options.chatId, renderTelegramHtml(notification.event, notification.mayRepeat), {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
        }),
      ),
    check: () => withRetries(async (api) => (await api.getMe(), await api.getChat(options.chatId))),
  };
}

async function openApi(options: TelegramOptions): Promise<{ api: Api; requests: { count: number } }> {
  const [{ Api }, { autoRetry }] = await Promise.all([import('grammy'), import('@grammyjs/auto-retry')]);
  const api = new Api(options.token, {
    apiRoot: options.apiRoot ?? 'https://api.telegram.org',
    timeoutSeconds: options.timeoutSeconds ?? 10,
    sensitiveLogs: false,
    fetch: fetchWithNativeSignal as never,
  });
  const requests = { count: 0 };
  // counts every request that reaches the network, the plugin's 429 retries included
  api.config.use((prev, method, payload, signal) => {
    requests.count += 1;
    return prev(method, payload, signal);
  });
  api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: options.maxRetryAfterSeconds ?? 60,
      rethrowInternalServerErrors: true, // our own bounded backoff handles these
      rethrowHttpErrors: true, // the plugin would retry these without bound
    }),
  );
  return { api, requests };
}

/**
 * Node's own fetch, handed grammY's abort signal as a native one. grammY's Node build otherwise
 * uses node-fetch with the abort-controller polyfill, whose AbortSignal class a bundler renames
 * (the name is a global), after which node-fetch refuses it and every request fails.
 */
function fetchWithNativeSignal(url: string, init: RequestInit & { signal?: AbortSignal | null } = {}) {
  const controller = new AbortController();
  const signal = init.signal;
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener('abort', () => controller.abort());
  return fetch(url, { ...init, signal: controller.signal });
}

function classify(
  err: unknown,
  token: string,
): { retry: boolean; permanent: boolean; problem: string; status?: number } {
  const redact = (text: string) => text.split(token).join('<token>');
  const e = err as { name?: string; error_code?: number; description?: string; message?: string };
  if (e.name === 'GrammyError' && typeof e.error_code === 'number') {
    const status = e.error_code;
    const problem = redact(`HTTP ${status}: ${e.description ?? ''}`);
    if (status >= 500) return { retry: true, permanent: false, problem, status };
    // a 429 whose retry_after was too long (or kept coming) is transient: the outbox tries again later
    return { retry: false, permanent: status !== 429, problem, status };
  }
  if (e.name === 'HttpError') return { retry: true, permanent: false, problem: redact(e.message ?? 'network error') };
  return { retry: false, permanent: false, problem: redact(e.message ?? String(err)) };
}
