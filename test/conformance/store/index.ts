import { analyticsCases } from './analytics-cases.js'
import { catalogCases } from './catalog-cases.js'
import { dbCases } from './db-cases.js'
import { gatewayEntityCases } from './gateway-entity-cases.js'
import { migrationCases } from './migration-cases.js'
import { nodeCases } from './node-cases.js'
import { runtimeGroupCases } from './runtime-group-cases.js'
import type { StoreCaseGroup } from './store-case.js'
import { tokenCases } from './token-cases.js'

export type { StoreCase, StoreCaseGroup } from './store-case.js'

/** Every group of the store conformance table, in the order the suite runs them. */
export const STORE_CASE_GROUPS: StoreCaseGroup[] = [
  dbCases, migrationCases, runtimeGroupCases, gatewayEntityCases, catalogCases, tokenCases, nodeCases, analyticsCases
]
