import type { TestContext } from 'node:test'
import type { DbExecutor } from '../../../src/control-plane/store/db.js'
import { newId } from '../../../src/control-plane/shared/ids.js'
import { insertRuntimeGroup, type RuntimeGroup } from '../../../src/control-plane/runtime-groups/runtime-group-store.js'
import { insertPackage, type ServicePackage } from '../../../src/control-plane/catalog/package-store.js'
import { insertVersion, type VersionRecord } from '../../../src/control-plane/catalog/version-store.js'
import type { SuiteStore } from '../../support/stores.js'

// The store conformance table: cases written once against the store interface (Db and the SQL
// modules built on it), run by ../store.test.ts against every backend of test/support/stores.ts.
// A case gets the suite's store, empty and migrated, and may ask it for a fresh database.

export interface StoreCase {
  /** A behaviour sentence. */
  name: string
  run: (store: SuiteStore, t: TestContext) => Promise<void>
}

export interface StoreCaseGroup {
  /** The store the cases are about ("runtime groups", "migrations" …). */
  name: string
  cases: StoreCase[]
}

export function storeCase (name: string, run: StoreCase['run']): StoreCase {
  return { name, run }
}

/** A fixed timestamp (unix seconds) for rows whose time does not matter. */
export const T0 = 1_700_000_000

export async function addGroup (ex: DbExecutor, name: string, fields: Partial<RuntimeGroup> = {}): Promise<RuntimeGroup> {
  const group: RuntimeGroup = { id: newId(), name, description: null, labels: {}, public_url: null, config_version: 0, created_at: T0, updated_at: T0, ...fields }
  await insertRuntimeGroup(ex, group)
  return group
}

export async function addPackage (ex: DbExecutor, name: string, fields: Partial<ServicePackage> = {}): Promise<ServicePackage> {
  const pkg: ServicePackage = {
    id: newId(), name, slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), description: null, labels: {}, portal_published: false, created_at: T0, updated_at: T0, ...fields
  }
  await insertPackage(ex, pkg)
  return pkg
}

export async function addVersion (ex: DbExecutor, pkg: ServicePackage, group: RuntimeGroup, version: string, fields: Partial<VersionRecord> = {}): Promise<VersionRecord> {
  const v: VersionRecord = {
    id: newId(), service_package_id: pkg.id, version, runtime_group_id: group.id, runtime_group_name: group.name, status: 'unpublished', service_id: null, created_at: T0, updated_at: T0, ...fields
  }
  await insertVersion(ex, v)
  return v
}

/** COUNT(*) of a table, as a number on both stores. */
export async function countRows (ex: DbExecutor, table: string, where = '', params: unknown[] = []): Promise<number> {
  const rows = await ex.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}${where === '' ? '' : ` WHERE ${where}`}`, params)
  return Number(rows[0].n)
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection (p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected the call to fail')
}
