import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

// The browser the portal and UI tests drive: Debian's Chromium (.ci/run installs it) through
// playwright-core, headless, in a throwaway profile, one page.

export const CHROMIUM = '/usr/lib/chromium/chromium'

export interface Browser { context: BrowserContext, page: Page, close: () => Promise<void> }

export async function openBrowser (): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does it)`)
  const profile = mkdtempSync(join(tmpdir(), 'atrium-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 }
  })
  const page = context.pages()[0] ?? await context.newPage()
  return { context, page, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }) } }
}
