// Looks at the app as a user would: `npx tsx scripts/screenshot.ts OUT.png FILE... [--keys K,K]`.
// Starts the browser host on FILEs, opens it in headless Chromium, presses any keys, saves a PNG.
import { launchBrowser, openPage, startWebHost } from '../e2e/support/harness';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keysAt = args.indexOf('--keys');
  const keys = keysAt >= 0 ? (args.splice(keysAt, 2)[1] ?? '').split(',').filter(Boolean) : [];
  const [out, ...files] = args;
  if (out === undefined || files.length === 0)
    throw new Error('usage: tsx scripts/screenshot.ts OUT.png FILE... [--keys K,K]');
  const host = await startWebHost(files);
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, host.url);
    await page.waitForTimeout(1500);
    for (const key of keys) {
      await page.keyboard.press(key);
      await page.waitForTimeout(300);
    }
    await page.waitForTimeout(500);
    await page.screenshot({ path: out });
    process.stdout.write(`${out}\n`);
  } finally {
    await browser.close();
    await host.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
