import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { BatchQueue, type QueueOptions } from '../../../../src/plugins/http-log/queue.js'
import { captureLogger } from '../../../support/plugin-gateway.js'

const BASE: QueueOptions = {
  maxBatchSize: 1,
  maxCoalescingDelayMs: 1000,
  maxEntries: 100,
  maxBytes: null,
  maxRetryTimeMs: 1000,
  initialRetryDelayMs: 5,
  maxRetryDelayMs: 20,
  concurrencyLimit: 1
}

async function until (check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await sleep(2)
  }
}

test('concurrency 1 sends one batch at a time, in order; -1 sends them at once', async () => {
  for (const limit of [1, -1] as const) {
    let inFlight = 0
    let most = 0
    const sent: string[][] = []
    const queue = new BatchQueue('q', { ...BASE, concurrencyLimit: limit }, async (batch) => {
      inFlight++
      most = Math.max(most, inFlight)
      await sleep(10)
      sent.push(batch)
      inFlight--
    }, captureLogger().logger)
    for (const e of ['a', 'b', 'c']) queue.add(e)
    await until(() => sent.length === 3)
    assert.equal(most, limit === 1 ? 1 : 3)
    if (limit === 1) assert.deepEqual(sent, [['a'], ['b'], ['c']])
  }
})

test('entries that queued behind a batch in flight leave together as soon as it is done', async () => {
  const sent: string[][] = []
  const queue = new BatchQueue('q', { ...BASE, maxBatchSize: 10, maxCoalescingDelayMs: 0 }, async (batch) => { await sleep(20); sent.push(batch) }, captureLogger().logger)
  queue.add('a')
  await sleep(5)
  queue.add('b')
  queue.add('c')
  await until(() => sent.length === 2)
  assert.deepEqual(sent, [['a'], ['b', 'c']])
})

test('max_bytes drops the oldest entries beyond it, with a warning', async () => {
  const { logger, logs } = captureLogger()
  const sent: string[][] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const queue = new BatchQueue('q', { ...BASE, maxBytes: 10 }, async (batch) => { await gate; sent.push(batch) }, logger)
  queue.add('first') // in flight
  for (const e of ['12345', '67890', 'abcde']) queue.add(e)
  assert.equal(queue.waiting, 2)
  release()
  await until(() => sent.length === 3)
  assert.deepEqual(sent.flat(), ['first', '67890', 'abcde'])
  assert.equal(logs.find((l) => l.msg === 'log queue full; oldest entries dropped')?.dropped, 1)
})
