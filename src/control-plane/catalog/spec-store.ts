import type { DbExecutor } from '../store/db.js'
import type { ParsedSpec, SpecOperation } from './spec-parse.js'

// SQL for API specs: at most one per service version (deleted with it). `content` is the upload as
// sent (GET returns it); `document` its parsed JSON (what the portal's renderer loads); `operations`
// the list the version's details show.

export interface SpecSummary {
  format: 'json' | 'yaml'
  specification: { type: 'openapi' | 'swagger', version: string }
  title: string
  api_version: string
  size: number
  operations: SpecOperation[]
  created_at: number
  updated_at: number
}

type SpecRow = {
  format: 'json' | 'yaml'
  spec_type: 'openapi' | 'swagger'
  spec_version: string
  title: string
  api_version: string
  size: number
  operations: string
  created_at: number
  updated_at: number
}

const SUMMARY_COLUMNS = 'format, spec_type, spec_version, title, api_version, size, operations, created_at, updated_at'

function toSummary (row: SpecRow): SpecSummary {
  return {
    format: row.format,
    specification: { type: row.spec_type, version: row.spec_version },
    title: row.title,
    api_version: row.api_version,
    size: Number(row.size),
    operations: JSON.parse(row.operations) as SpecOperation[],
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at)
  }
}

export async function findSpecSummary (ex: DbExecutor, versionId: string): Promise<SpecSummary | null> {
  const rows = await ex.query<SpecRow>(`SELECT ${SUMMARY_COLUMNS} FROM service_version_specs WHERE service_version_id = $1`, [versionId])
  return rows.length === 0 ? null : toSummary(rows[0])
}

/** The upload as sent, for GET …/spec. */
export async function findSpecContent (ex: DbExecutor, versionId: string): Promise<{ summary: SpecSummary, content: string } | null> {
  const rows = await ex.query<SpecRow & { content: string }>(`SELECT ${SUMMARY_COLUMNS}, content FROM service_version_specs WHERE service_version_id = $1`, [versionId])
  return rows.length === 0 ? null : { summary: toSummary(rows[0]), content: rows[0].content }
}

/** The parsed document as JSON text, for the portal's renderer. */
export async function findSpecDocument (ex: DbExecutor, versionId: string): Promise<string | null> {
  const rows = await ex.query<{ document: string }>('SELECT document FROM service_version_specs WHERE service_version_id = $1', [versionId])
  return rows.length === 0 ? null : rows[0].document
}

/** Inserts or replaces the version's spec; returns whether it was created. */
export async function saveSpec (ex: DbExecutor, versionId: string, content: string, spec: ParsedSpec, now: number): Promise<{ created: boolean, summary: SpecSummary }> {
  const existing = await ex.query<{ created_at: number }>('SELECT created_at FROM service_version_specs WHERE service_version_id = $1', [versionId])
  const row: SpecRow = {
    format: spec.format,
    spec_type: spec.specification.type,
    spec_version: spec.specification.version,
    title: spec.title,
    api_version: spec.api_version,
    size: Buffer.byteLength(content, 'utf8'),
    operations: JSON.stringify(spec.operations),
    created_at: existing.length === 0 ? now : Number(existing[0].created_at),
    updated_at: now
  }
  const params = [versionId, row.format, row.spec_type, row.spec_version, row.title, row.api_version, row.size, row.operations, content, JSON.stringify(spec.document), row.created_at, row.updated_at]
  if (existing.length === 0) {
    await ex.query(`INSERT INTO service_version_specs (service_version_id, format, spec_type, spec_version, title, api_version, size, operations, content, document, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, params)
  } else {
    await ex.query(`UPDATE service_version_specs SET format = $2, spec_type = $3, spec_version = $4, title = $5, api_version = $6, size = $7, operations = $8,
      content = $9, document = $10, created_at = $11, updated_at = $12 WHERE service_version_id = $1`, params)
  }
  return { created: existing.length === 0, summary: toSummary(row) }
}

export async function deleteSpec (ex: DbExecutor, versionId: string): Promise<boolean> {
  const existing = await ex.query('SELECT 1 AS x FROM service_version_specs WHERE service_version_id = $1', [versionId])
  if (existing.length === 0) return false
  await ex.query('DELETE FROM service_version_specs WHERE service_version_id = $1', [versionId])
  return true
}

/** The target version's spec becomes a copy of the source version's (none when the source has none). */
export async function copySpec (ex: DbExecutor, fromVersionId: string, toVersionId: string, now: number): Promise<void> {
  await ex.query('DELETE FROM service_version_specs WHERE service_version_id = $1', [toVersionId])
  await ex.query(`INSERT INTO service_version_specs (service_version_id, format, spec_type, spec_version, title, api_version, size, operations, content, document, created_at, updated_at)
    SELECT $2, format, spec_type, spec_version, title, api_version, size, operations, content, document, $3, $3 FROM service_version_specs WHERE service_version_id = $1`,
  [fromVersionId, toVersionId, now])
}
