import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DAY, HOUR, MINUTE, MONTH, SECOND, YEAR, secondsLeft, windowEnd, windowStart } from '../../../src/plugins/rate-limiting/windows.js'
import { hitLocal, localEntryCount, MAX_ENTRIES, resetLocalCounters } from '../../../src/plugins/rate-limiting/local-store.js'

test('fixed windows are UTC seconds, minutes, hours, days, calendar months and years', () => {
  const now = Date.UTC(2024, 1, 29, 13, 45, 30, 250) // 2024-02-29T13:45:30.250Z (leap day)
  assert.equal(windowStart(SECOND, now), Date.UTC(2024, 1, 29, 13, 45, 30))
  assert.equal(windowStart(MINUTE, now), Date.UTC(2024, 1, 29, 13, 45))
  assert.equal(windowStart(HOUR, now), Date.UTC(2024, 1, 29, 13))
  assert.equal(windowStart(DAY, now), Date.UTC(2024, 1, 29))
  assert.equal(windowStart(MONTH, now), Date.UTC(2024, 1, 1))
  assert.equal(windowStart(YEAR, now), Date.UTC(2024, 0, 1))
  assert.equal(windowEnd(MONTH, now), Date.UTC(2024, 2, 1))
  assert.equal(windowEnd(YEAR, now), Date.UTC(2025, 0, 1))
  assert.equal(windowEnd(MINUTE, now), Date.UTC(2024, 1, 29, 13, 46))
  assert.equal(secondsLeft(SECOND, now), 1)
  assert.equal(secondsLeft(MINUTE, now), 30)
  assert.equal(secondsLeft(MONTH, now), Math.ceil((Date.UTC(2024, 2, 1) - now) / 1000))
  // December rolls over into the next year; the cached boundaries follow `now` both ways.
  const dec = Date.UTC(2023, 11, 31, 23, 59, 59)
  assert.equal(windowEnd(MONTH, dec), Date.UTC(2024, 0, 1))
  assert.equal(windowStart(YEAR, dec), Date.UTC(2023, 0, 1))
  assert.equal(windowStart(MONTH, now), Date.UTC(2024, 1, 1))
})

test('local counters: check then count, a refused request uses up nothing, a new window starts at zero', () => {
  resetLocalCounters()
  const usage = [0, 0]
  const t0 = Date.UTC(2030, 0, 1, 10, 0, 0)
  const periods = [MINUTE, HOUR]
  const limits = [2, 3]
  assert.equal(hitLocal('s', 'a', periods, limits, t0, usage), true)
  assert.deepEqual(usage, [0, 0])
  assert.equal(hitLocal('s', 'a', periods, limits, t0 + 1, usage), true)
  assert.equal(hitLocal('s', 'a', periods, limits, t0 + 2, usage), false)
  assert.deepEqual(usage, [2, 2])
  assert.equal(hitLocal('s', 'a', periods, limits, t0 + 60_000, usage), true, 'a new minute')
  assert.deepEqual(usage, [0, 2])
  assert.equal(hitLocal('s', 'a', periods, limits, t0 + 61_000, usage), false, 'the hour is used up')
  assert.deepEqual(usage, [1, 3])
  assert.equal(hitLocal('s', 'b', periods, limits, t0 + 61_000, usage), true, 'another identifier')
  assert.equal(hitLocal('other-scope', 'a', periods, limits, t0 + 61_000, usage), true, 'another scope')
})

test('local counters are bounded: expired entries are swept and the oldest evicted past the cap', () => {
  resetLocalCounters()
  const usage = [0]
  const t0 = Date.UTC(2030, 0, 1, 10, 0, 0)
  for (let i = 0; i < 1000; i++) hitLocal('s', `id-${i}`, [SECOND], [5], t0, usage)
  assert.equal(localEntryCount(), 1000)
  // Two seconds later every one-second window has ended: the next new identifier sweeps them.
  hitLocal('s', 'late', [SECOND], [5], t0 + 2000, usage)
  assert.equal(localEntryCount(), 1)
  resetLocalCounters()
  for (let i = 0; i < MAX_ENTRIES + 10; i++) hitLocal('s', `k${i}`, [DAY], [5], t0, usage)
  assert.ok(localEntryCount() <= MAX_ENTRIES, String(localEntryCount()))
  assert.equal(hitLocal('s', `k${MAX_ENTRIES + 9}`, [DAY], [1], t0, usage), false, 'the newest entries are kept')
  resetLocalCounters()
})
