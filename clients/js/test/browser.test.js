'use strict'
// Debian's Chromium (never a downloaded browser) opens a page served by the broker's HTTPS listener; the
// page loads MQTT.js's browser bundle from the same listener and exchanges a message over WSS.
const { test } = require('node:test')
const assert = require('node:assert')
const { chromium } = require('playwright-core')
const env = require('./env')

test('a page served by the broker connects back over wss:// and exchanges a message', async () => {
  const browser = await chromium.launch({
    executablePath: process.env.MAGPIE_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
  })
  try {
    // the test CA is not in Chromium's store: accept the broker's certificate for this context only
    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    const page = await context.newPage()
    const base = `https://localhost:${env.port('wss')}`
    const hello = await page.request.get(`${base}/hello`)
    assert.strictEqual(await hello.text(), 'hello world!')
    await page.goto(`${base}/index.html`)
    const result = await page.evaluate(() => window.magpieResult)
    assert.strictEqual(result, 'browser/echo=hello from chromium')
    assert.match(await page.textContent('#status'), /received browser\/echo/)
  } finally {
    await browser.close()
  }
})
