import { randomUUID } from 'node:crypto'
import type { DbExecutor } from '../store/db.js'
import { isUuid } from '../shared/ids.js'
import type { Page } from '../shared/pagination.js'
import type { EntityKind, StoredEntity } from './entity-types.js'
import { findCertificate } from './certificate-snis.js'

// SQL for gateway entities. Bulk inserts go in multi-row statements of BATCH rows: a 10k-route
// import is a few dozen statements, not 11k round trips (PostgreSQL) or statement runs (SQLite).
// Every insert and update gives the row a new random `revision`, which lets the sync server read
// back only the rows written since its last snapshot (readRevisions, loadEntitiesById).

type EntityRow = {
  id: string
  kind: string
  name: string | null
  service_id: string | null
  route_id: string | null
  consumer_id: string | null
  body: string
  position: number
  created_at: number
  updated_at: number
}

const COLUMNS = 'id, kind, name, service_id, route_id, consumer_id, body, position, created_at, updated_at'
const COLUMN_COUNT = 12 // with runtime_group_id and revision
const BATCH = 500

function toEntity (row: EntityRow): StoredEntity {
  return {
    id: row.id,
    kind: row.kind as EntityKind,
    name: row.name,
    service_id: row.service_id,
    route_id: row.route_id,
    consumer_id: row.consumer_id,
    body: JSON.parse(row.body) as Record<string, unknown>,
    position: Number(row.position),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at)
  }
}

/** Every entity of a group, by kind then position (the declarative order). */
export async function loadEntities (ex: DbExecutor, rgId: string): Promise<StoredEntity[]> {
  const rows = await ex.query<EntityRow>(`SELECT ${COLUMNS} FROM gateway_entities WHERE runtime_group_id = $1 ORDER BY kind, position, id`, [rgId])
  return rows.map(toEntity)
}

/** Every entity's id and revision, in loadEntities' order. */
export async function readRevisions (ex: DbExecutor, rgId: string): Promise<Array<{ id: string, revision: string }>> {
  return await ex.query<{ id: string, revision: string }>('SELECT id, revision FROM gateway_entities WHERE runtime_group_id = $1 ORDER BY kind, position, id', [rgId])
}

/** The entities with these ids (any order) and their revisions. */
export async function loadEntitiesById (ex: DbExecutor, rgId: string, ids: string[]): Promise<Array<{ entity: StoredEntity, revision: string }>> {
  const out: Array<{ entity: StoredEntity, revision: string }> = []
  for (let start = 0; start < ids.length; start += BATCH) {
    const chunk = ids.slice(start, start + BATCH)
    const rows = await ex.query<EntityRow & { revision: string }>(`SELECT ${COLUMNS}, revision FROM gateway_entities WHERE runtime_group_id = $1 AND id IN (${chunk.map((_, i) => `$${i + 2}`).join(', ')})`, [rgId, ...chunk])
    for (const row of rows) out.push({ entity: toEntity(row), revision: row.revision })
  }
  return out
}

/**
 * By id when UUID-shaped (falling back to name), else by name; plugins by id only; certificates
 * by id or by one of their SNI names (in their bodies; a group has few certificates).
 */
export async function findEntity (ex: DbExecutor, rgId: string, kind: EntityKind, ref: string): Promise<StoredEntity | null> {
  let rows: EntityRow[] = []
  if (isUuid(ref)) rows = await ex.query<EntityRow>(`SELECT ${COLUMNS} FROM gateway_entities WHERE runtime_group_id = $1 AND kind = $2 AND id = $3`, [rgId, kind, ref.toLowerCase()])
  if (rows.length > 0) return toEntity(rows[0])
  if (kind === 'certificate') {
    if (isUuid(ref)) return null // a UUID is a certificate id only, as in Kong
    return findCertificate((await ex.query<EntityRow>(`SELECT ${COLUMNS} FROM gateway_entities WHERE runtime_group_id = $1 AND kind = $2`, [rgId, kind])).map(toEntity), ref)
  }
  if (kind !== 'plugin') rows = await ex.query<EntityRow>(`SELECT ${COLUMNS} FROM gateway_entities WHERE runtime_group_id = $1 AND kind = $2 AND name = $3`, [rgId, kind, ref])
  return rows.length === 0 ? null : toEntity(rows[0])
}

export interface ListFilter { service_id?: string }

export async function listEntities (ex: DbExecutor, rgId: string, kind: EntityKind, page: Page, filter: ListFilter = {}): Promise<StoredEntity[]> {
  const params: unknown[] = [rgId, kind, page.size + 1, page.offset]
  let where = 'runtime_group_id = $1 AND kind = $2'
  if (filter.service_id !== undefined) {
    params.push(filter.service_id)
    where += ' AND service_id = $5'
  }
  const rows = await ex.query<EntityRow>(`SELECT ${COLUMNS} FROM gateway_entities WHERE ${where} ORDER BY position, id LIMIT $3 OFFSET $4`, params)
  return rows.map(toEntity)
}

function rowParams (rgId: string, e: StoredEntity): unknown[] {
  return [e.id, rgId, e.kind, e.name, e.service_id, e.route_id, e.consumer_id, JSON.stringify(e.body), e.position, e.created_at, e.updated_at, randomUUID()]
}

export async function insertEntities (ex: DbExecutor, rgId: string, entities: StoredEntity[]): Promise<void> {
  for (let start = 0; start < entities.length; start += BATCH) {
    const chunk = entities.slice(start, start + BATCH)
    const values = chunk.map((_, i) => `(${Array.from({ length: COLUMN_COUNT }, (_, c) => `$${i * COLUMN_COUNT + c + 1}`).join(', ')})`)
    await ex.query(`INSERT INTO gateway_entities (id, runtime_group_id, kind, name, service_id, route_id, consumer_id, body, position, created_at, updated_at, revision) VALUES ${values.join(', ')}`,
      chunk.flatMap((e) => rowParams(rgId, e)))
  }
}

export async function updateEntity (ex: DbExecutor, rgId: string, e: StoredEntity): Promise<void> {
  await ex.query(`UPDATE gateway_entities SET name = $3, service_id = $4, route_id = $5, consumer_id = $6, body = $7, updated_at = $8, revision = $9
    WHERE runtime_group_id = $1 AND id = $2`, [rgId, e.id, e.name, e.service_id, e.route_id, e.consumer_id, JSON.stringify(e.body), e.updated_at, randomUUID()])
}

export async function deleteEntities (ex: DbExecutor, rgId: string, ids: string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += BATCH) {
    const chunk = ids.slice(start, start + BATCH)
    await ex.query(`DELETE FROM gateway_entities WHERE runtime_group_id = $1 AND id IN (${chunk.map((_, i) => `$${i + 2}`).join(', ')})`, [rgId, ...chunk])
  }
}

export async function deleteAllEntities (ex: DbExecutor, rgId: string): Promise<void> {
  await ex.query('DELETE FROM gateway_entities WHERE runtime_group_id = $1', [rgId])
}

/** Entities whose service_id/route_id/consumer_id is `id`. */
export async function referencing (ex: DbExecutor, rgId: string, column: 'service_id' | 'route_id' | 'consumer_id', ids: string[]): Promise<StoredEntity[]> {
  if (ids.length === 0) return []
  const out: StoredEntity[] = []
  for (let start = 0; start < ids.length; start += BATCH) {
    const chunk = ids.slice(start, start + BATCH)
    const rows = await ex.query<EntityRow>(`SELECT ${COLUMNS} FROM gateway_entities WHERE runtime_group_id = $1 AND ${column} IN (${chunk.map((_, i) => `$${i + 2}`).join(', ')})`, [rgId, ...chunk])
    out.push(...rows.map(toEntity))
  }
  return out
}
