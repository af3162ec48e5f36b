import assert from 'node:assert/strict'
import { isUniqueViolation } from '../../../src/control-plane/catalog/sql-errors.js'
import { deleteToken, findGrant, insertToken, listTokens, touchToken, type DataPlaneToken } from '../../../src/control-plane/data-plane-tokens/token-store.js'
import { hashToken } from '../../../src/control-plane/data-plane-tokens/index.js'
import { deleteRuntimeGroup } from '../../../src/control-plane/runtime-groups/runtime-group-store.js'
import { newId } from '../../../src/control-plane/shared/ids.js'
import { addGroup, countRows, rejection, storeCase, T0, type StoreCaseGroup } from './store-case.js'

// src/control-plane/data-plane-tokens/token-store.ts: only a token's hash is stored.

function token (groupId: string, createdAt: number, name: string | null = null): DataPlaneToken {
  return { id: newId(), runtime_group_id: groupId, name, description: null, created_at: createdAt, last_used_at: null }
}

export const tokenCases: StoreCaseGroup = {
  name: 'data-plane tokens',
  cases: [
    storeCase('a token hash grants its group; an unknown hash grants nothing; a hash is unique', async ({ db }) => {
      const group = await addGroup(db, 'prod')
      const tk = token(group.id, T0, 'node-a')
      await insertToken(db, tk, hashToken('atdp_secret'))
      assert.deepEqual(await findGrant(db, hashToken('atdp_secret')), { tokenId: tk.id, runtimeGroup: { id: group.id, name: 'prod' } })
      assert.equal(await findGrant(db, hashToken('atdp_other')), null)
      assert.ok(isUniqueViolation(await rejection(insertToken(db, token(group.id, T0), hashToken('atdp_secret')))))
    }),

    storeCase('tokens list by creation time, a page at a time, without their hash; last use is recorded', async ({ db }) => {
      const group = await addGroup(db, 'prod')
      const other = await addGroup(db, 'other')
      const tokens = [token(group.id, T0 + 30, 'c'), token(group.id, T0 + 10, 'a'), token(group.id, T0 + 20, 'b')]
      for (const [i, tk] of tokens.entries()) await insertToken(db, tk, hashToken(`t${i}`))
      await insertToken(db, token(other.id, T0), hashToken('elsewhere'))
      const first = await listTokens(db, group.id, { size: 2, offset: 0 })
      assert.deepEqual(first.map((t) => t.name), ['a', 'b', 'c'])
      assert.ok(first.every((t) => !('token_hash' in t)))
      assert.deepEqual((await listTokens(db, group.id, { size: 2, offset: 2 })).map((t) => t.name), ['c'])
      await touchToken(db, tokens[0].id, T0 + 99)
      assert.deepEqual((await listTokens(db, group.id, { size: 10, offset: 0 })).map((t) => t.last_used_at), [null, null, T0 + 99])
    }),

    storeCase('a token is deleted only through its own group (by id in any case), and with its group', async ({ db }) => {
      const group = await addGroup(db, 'prod')
      const other = await addGroup(db, 'other')
      const a = token(group.id, T0)
      const b = token(group.id, T0 + 1)
      await insertToken(db, a, hashToken('a'))
      await insertToken(db, b, hashToken('b'))
      assert.equal(await deleteToken(db, other.id, a.id), false, 'not through another group')
      assert.equal(await deleteToken(db, group.id, a.id.toUpperCase()), true)
      assert.equal(await deleteToken(db, group.id, a.id), false, 'already gone')
      assert.equal(await findGrant(db, hashToken('a')), null)
      await deleteRuntimeGroup(db, group.id)
      assert.equal(await countRows(db, 'data_plane_tokens'), 0)
    })
  ]
}
