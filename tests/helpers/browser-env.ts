/** Debian's Chromium (`apt-get install chromium`); a downloaded browser will not install here. */
export const CHROMIUM_PATH = process.env.BUFF_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every test Chromium runs with (the shared server and the stand-alone fallback). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
] as const;

/** What to tell the user when Chromium is not installed. */
export function chromiumMissingMessage(): string {
  return `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\``;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared Chromium's endpoint (tests/helpers/browser-server.ts), or null when Chromium is missing. */
    chromiumWsEndpoint: string | null;
  }
}
