import { describe, test } from 'node:test'
import { describeStores } from '../support/stores.js'
import { STORE_CASE_GROUPS } from './store/index.js'

// The store conformance suite: every case of ./store/ runs against every backend of
// test/support/stores.ts (SQLite, PostgreSQL), as router.test.ts runs the routing table against
// every Router. A new backend is one entry in STORE_BACKENDS; a new case is one storeCase(...) in
// the group it is about (a new group goes into ./store/index.ts).

describeStores((store) => {
  for (const group of STORE_CASE_GROUPS) {
    describe(group.name, () => {
      for (const c of group.cases) test(c.name, async (t) => { await c.run(store, t) })
    })
  }
})
