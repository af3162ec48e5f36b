import type { DbExecutor } from '../store/db.js'
import type { Page } from '../shared/pagination.js'

// SQL for data-plane tokens. A token belongs to one runtime group (deleted with it).

export interface DataPlaneToken {
  id: string
  runtime_group_id: string
  name: string | null
  description: string | null
  created_at: number
  last_used_at: number | null
}

/** What the sync server learns from a token at the upgrade: the token and its group. */
export interface TokenGrant {
  tokenId: string
  runtimeGroup: { id: string, name: string }
}

type TokenRow = Omit<DataPlaneToken, 'created_at' | 'last_used_at'> & { created_at: unknown, last_used_at: unknown }

const COLUMNS = 'id, runtime_group_id, name, description, created_at, last_used_at'

function toToken (row: TokenRow): DataPlaneToken {
  return { ...row, created_at: Number(row.created_at), last_used_at: row.last_used_at === null ? null : Number(row.last_used_at) }
}

export async function insertToken (ex: DbExecutor, token: DataPlaneToken, tokenHash: string): Promise<void> {
  await ex.query(`INSERT INTO data_plane_tokens (${COLUMNS}, token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [token.id, token.runtime_group_id, token.name, token.description, token.created_at, token.last_used_at, tokenHash])
}

export async function listTokens (ex: DbExecutor, runtimeGroupId: string, page: Page): Promise<DataPlaneToken[]> {
  const rows = await ex.query<TokenRow>(`SELECT ${COLUMNS} FROM data_plane_tokens WHERE runtime_group_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3`,
    [runtimeGroupId, page.size + 1, page.offset])
  return rows.map(toToken)
}

/** Deletes the group's token; false when it has no such token. */
export async function deleteToken (ex: DbExecutor, runtimeGroupId: string, id: string): Promise<boolean> {
  const rows = await ex.query('DELETE FROM data_plane_tokens WHERE runtime_group_id = $1 AND id = $2 RETURNING id', [runtimeGroupId, id.toLowerCase()])
  return rows.length > 0
}

export async function findGrant (ex: DbExecutor, tokenHash: string): Promise<TokenGrant | null> {
  const rows = await ex.query<{ id: string, group_id: string, group_name: string }>(
    `SELECT t.id AS id, g.id AS group_id, g.name AS group_name
       FROM data_plane_tokens t JOIN runtime_groups g ON g.id = t.runtime_group_id
      WHERE t.token_hash = $1`, [tokenHash])
  return rows.length === 0 ? null : { tokenId: rows[0].id, runtimeGroup: { id: rows[0].group_id, name: rows[0].group_name } }
}

export async function touchToken (ex: DbExecutor, id: string, now: number): Promise<void> {
  await ex.query('UPDATE data_plane_tokens SET last_used_at = $2 WHERE id = $1', [id, now])
}
