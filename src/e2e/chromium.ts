// Finding and launching Chromium, shared by the browser tests and the bench (which runs outside vitest).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const wantedChromium = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;

/** The Chromium to drive, or null when none is installed (the suite then skips with a warning). */
export const chromiumPath: string | null = existsSync(wantedChromium) ? wantedChromium : null;
if (!chromiumPath) {
  console.warn(`chromium not found at ${wantedChromium}: browser tests skipped (apt-get install chromium)`);
}

/** `extraArgs`: switches one test needs on top of the lean set (e.g. a fake camera). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!chromiumPath) throw new Error('No Chromium to launch');
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // Maps draw with WebGL: headless Chromium 156 falls back to SwiftShader on its own; newer ones
      // ask for this flag before they do.
      '--enable-unsafe-swiftshader',
      ...extraArgs,
    ],
  });
}
