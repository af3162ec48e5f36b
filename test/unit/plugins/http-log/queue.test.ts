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

// The queue's timing against a fake clock: node:test's mock timers replace setTimeout and Date for
// the test, so delays are exact and nothing waits for real time.

/** Lets the queue's promise continuations run (setImmediate is not mocked). */
async function settle (): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
}

test('a partial batch leaves max_coalescing_delay after its oldest entry was queued, not before; a full one at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 })
  const sent: string[][] = []
  const queue = new BatchQueue('q', { ...BASE, maxBatchSize: 3, maxCoalescingDelayMs: 1500 }, async (batch) => { sent.push(batch) }, captureLogger().logger)
  queue.add('a')
  t.mock.timers.tick(1000)
  queue.add('b')
  t.mock.timers.tick(499)
  await settle()
  assert.deepEqual(sent, [], '1499 ms after the oldest entry')
  t.mock.timers.tick(1)
  await settle()
  assert.deepEqual(sent, [['a', 'b']], '1500 ms after the oldest entry')
  for (const e of ['c', 'd', 'e']) queue.add(e)
  await settle()
  assert.deepEqual(sent, [['a', 'b'], ['c', 'd', 'e']], 'a full batch does not wait for the clock')
})

test('a failed batch is retried after initial_retry_delay, doubling up to max_retry_delay, and not sooner', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 })
  const { logger, logs } = captureLogger()
  const attempts: number[] = []
  const queue = new BatchQueue('q', { ...BASE, initialRetryDelayMs: 20, maxRetryDelayMs: 50, maxRetryTimeMs: 10_000 }, async () => {
    attempts.push(Date.now() - 1_000_000)
    if (attempts.length < 4) throw new Error('down')
  }, logger)
  queue.add('x')
  // Attempts at 0, then 20, 40 and 50 ms after each failure.
  for (const [advance, expected] of [[0, [0]], [19, [0]], [1, [0, 20]], [39, [0, 20]], [1, [0, 20, 60]], [49, [0, 20, 60]], [1, [0, 20, 60, 110]]] as const) {
    t.mock.timers.tick(advance)
    await settle()
    assert.deepEqual(attempts, expected)
  }
  assert.deepEqual(logs.filter((l) => l.msg === 'log batch could not be sent; retrying').map((l) => l.retry_in_ms), [20, 40, 50])
  assert.equal(logs.some((l) => l.msg === 'log batch could not be sent; giving up'), false)
})

test('a batch is dropped once the next retry would end after max_retry_time, and the next batch goes on', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 })
  const { logger, logs } = captureLogger()
  const attempts: Array<[string, number]> = []
  const queue = new BatchQueue('q', { ...BASE, initialRetryDelayMs: 50, maxRetryDelayMs: 50, maxRetryTimeMs: 150 }, async (batch) => {
    attempts.push([batch[0], Date.now() - 1_000_000])
    if (batch[0] === 'lost') throw new Error('down')
  }, logger)
  queue.add('lost')
  queue.add('next')
  await settle()
  for (let i = 0; i < 4; i++) {
    t.mock.timers.tick(50)
    await settle()
  }
  // 0, 50, 100 and 150 ms; a retry at 200 ms would end past 150 ms, so the batch is dropped at 150.
  assert.deepEqual(attempts, [['lost', 0], ['lost', 50], ['lost', 100], ['lost', 150], ['next', 150]])
  const gaveUp = logs.find((l) => l.msg === 'log batch could not be sent; giving up')
  assert.deepEqual([gaveUp?.level, gaveUp?.attempts, gaveUp?.entries], [50, 4, 1])
})
