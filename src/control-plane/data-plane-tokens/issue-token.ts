import type { Db } from '../store/db.js'
import { newId, nowSeconds } from '../shared/ids.js'
import { requireRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { generateToken, hashToken } from './token-secret.js'
import { insertToken, type DataPlaneToken } from './token-store.js'

export interface IssuedToken {
  token: DataPlaneToken
  group: RuntimeGroup
  /** The secret: returned once, stored only as its hash. */
  secret: string
}

/**
 * Issues a data-plane token for the group (id or name; 404 GatewayError when there is none). The
 * Admin API's POST uses it; so can `atrium start`, which joins its own data plane in-process.
 */
export async function issueDataPlaneToken (db: Db, runtimeGroup: string, input: { name?: string | null, description?: string | null } = {}): Promise<IssuedToken> {
  const secret = generateToken()
  return await db.transaction(async (tx) => {
    const group = await requireRuntimeGroup(tx, runtimeGroup)
    const token: DataPlaneToken = {
      id: newId(), runtime_group_id: group.id, name: input.name ?? null, description: input.description ?? null, created_at: nowSeconds(), last_used_at: null
    }
    await insertToken(tx, token, hashToken(secret))
    return { token, group, secret }
  })
}
