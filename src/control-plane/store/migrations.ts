import type { Db } from './db.js'

// Versioned, forward-only schema migrations. A migration is never edited once released: changes
// come as a new entry, written so they keep existing rows (add columns with defaults, copy data).
// JSON columns are TEXT and timestamps BIGINT unix seconds (Kong's convention) in both stores.

export interface Migration {
  version: number
  name: string
  sql: string[]
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'runtime groups, gateway entities, catalog',
    sql: [
      `CREATE TABLE runtime_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        labels TEXT NOT NULL DEFAULT '{}',
        config_version BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE config_changes (
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        config_version BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        summary TEXT NOT NULL,
        PRIMARY KEY (runtime_group_id, config_version)
      )`,
      // Ids are unique per runtime group (PRIMARY KEY (runtime_group_id, id)), so one declarative
      // file with ids can be applied to several groups (staging, production).
      `CREATE TABLE gateway_entities (
        id TEXT NOT NULL,
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT,
        service_id TEXT,
        route_id TEXT,
        consumer_id TEXT,
        body TEXT NOT NULL,
        position BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (runtime_group_id, id)
      )`,
      'CREATE UNIQUE INDEX gateway_entities_name ON gateway_entities (runtime_group_id, kind, name)',
      'CREATE INDEX gateway_entities_group ON gateway_entities (runtime_group_id, kind, position)',
      // Who references a service, route or consumer (409 on delete, cascades).
      'CREATE INDEX gateway_entities_service ON gateway_entities (runtime_group_id, service_id)',
      'CREATE INDEX gateway_entities_route ON gateway_entities (runtime_group_id, route_id)',
      'CREATE INDEX gateway_entities_consumer ON gateway_entities (runtime_group_id, consumer_id)',
      // Catalog. search_name / search_description hold the lower-cased (in JS, so both stores agree
      // on Unicode) name and description for `q`; labels are also kept one row per key in
      // service_package_labels so `labels=k:v` filters match exactly that key and value.
      `CREATE TABLE service_packages (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        slug TEXT NOT NULL UNIQUE,
        description TEXT,
        labels TEXT NOT NULL DEFAULT '{}',
        search_name TEXT NOT NULL,
        search_description TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX service_packages_order ON service_packages (name, id)',
      `CREATE TABLE service_package_labels (
        service_package_id TEXT NOT NULL REFERENCES service_packages(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (service_package_id, key)
      )`,
      'CREATE INDEX service_package_labels_pair ON service_package_labels (key, value)',
      // service_id is the implementation: a gateway service in runtime_group_id (no foreign key, so
      // the gateway tables stay free to change; a dangling id reads as no implementation).
      `CREATE TABLE service_versions (
        id TEXT PRIMARY KEY,
        service_package_id TEXT NOT NULL REFERENCES service_packages(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'unpublished',
        service_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE UNIQUE INDEX service_versions_unique ON service_versions (service_package_id, version, runtime_group_id)',
      'CREATE INDEX service_versions_group ON service_versions (runtime_group_id, service_package_id)'
    ]
  },
  {
    version: 2,
    name: 'hybrid mode: data-plane tokens and nodes',
    sql: [
      // Only the SHA-256 (hex) of a token is kept; the token itself is shown once, at creation.
      `CREATE TABLE data_plane_tokens (
        id TEXT PRIMARY KEY,
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        name TEXT,
        description TEXT,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT
      )`,
      'CREATE INDEX data_plane_tokens_group ON data_plane_tokens (runtime_group_id, created_at)',
      // One row per node of a group, kept after it disconnects until purged. `connected` is INTEGER
      // 0/1 in both stores; session_id is the CP session that owns the row, so a late close of an old
      // session never marks a node that already reconnected (maybe to another CP) as disconnected.
      `CREATE TABLE data_plane_nodes (
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        node_id TEXT NOT NULL,
        token_id TEXT,
        session_id TEXT,
        hostname TEXT NOT NULL,
        version TEXT NOT NULL,
        plugins TEXT NOT NULL DEFAULT '[]',
        config_hash TEXT,
        config_version BIGINT,
        sync_status TEXT NOT NULL,
        last_error TEXT,
        connected INTEGER NOT NULL DEFAULT 0,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        PRIMARY KEY (runtime_group_id, node_id)
      )`,
      'CREATE INDEX data_plane_nodes_last_seen ON data_plane_nodes (connected, last_seen)'
    ]
  },
  {
    version: 3,
    name: 'gateway entity revisions (incremental snapshot reads)',
    sql: [
      // A fresh random token on every insert and update of a row: the sync server re-reads only rows
      // whose revision it has not seen. Rows from before this migration share '' until next written.
      "ALTER TABLE gateway_entities ADD COLUMN revision TEXT NOT NULL DEFAULT ''"
    ]
  },
  {
    version: 4,
    name: 'analytics: minute and hour request rollups, report identities',
    sql: [
      // Rollups keyed by what nodes report: gateway ids ('' for no service / route / consumer, so
      // the key has no NULLs), status class 1..5. Counters are added by upserts; `latency` is the
      // sparse histogram JSON {bucket index: count} of src/contract/latency-histogram.ts, merged
      // by the same upserts. Kept 48 h (minutes) and 30 days (hours) by default.
      `CREATE TABLE analytics_minutes (
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        service_id TEXT NOT NULL,
        minute BIGINT NOT NULL,
        route_id TEXT NOT NULL,
        consumer_id TEXT NOT NULL,
        status_class INTEGER NOT NULL,
        requests BIGINT NOT NULL,
        errors_4xx BIGINT NOT NULL,
        errors_5xx BIGINT NOT NULL,
        bytes_in BIGINT NOT NULL,
        bytes_out BIGINT NOT NULL,
        latency TEXT NOT NULL,
        PRIMARY KEY (runtime_group_id, service_id, minute, route_id, consumer_id, status_class)
      )`,
      'CREATE INDEX analytics_minutes_time ON analytics_minutes (minute)',
      `CREATE TABLE analytics_hours (
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        service_id TEXT NOT NULL,
        hour BIGINT NOT NULL,
        route_id TEXT NOT NULL,
        consumer_id TEXT NOT NULL,
        status_class INTEGER NOT NULL,
        requests BIGINT NOT NULL,
        errors_4xx BIGINT NOT NULL,
        errors_5xx BIGINT NOT NULL,
        bytes_in BIGINT NOT NULL,
        bytes_out BIGINT NOT NULL,
        latency TEXT NOT NULL,
        PRIMARY KEY (runtime_group_id, service_id, hour, route_id, consumer_id, status_class)
      )`,
      'CREATE INDEX analytics_hours_time ON analytics_hours (hour)',
      // Hours whose minutes changed since their rollup; `stamp` is renewed by every report, so the
      // rollup job clears only the mark it read.
      'CREATE TABLE analytics_dirty_hours (hour BIGINT PRIMARY KEY, stamp TEXT NOT NULL)',
      // One row per accepted report: a resent report (same node_id, boot_id, seq) is never counted twice.
      `CREATE TABLE analytics_reports (
        node_id TEXT NOT NULL,
        boot_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        runtime_group_id TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        buckets INTEGER NOT NULL,
        PRIMARY KEY (node_id, boot_id, seq)
      )`,
      'CREATE INDEX analytics_reports_received ON analytics_reports (received_at)',
      // What a node dropped while its buffer was full: cumulative per boot, the largest value seen.
      `CREATE TABLE analytics_drops (
        node_id TEXT NOT NULL,
        boot_id TEXT NOT NULL,
        runtime_group_id TEXT NOT NULL,
        reports BIGINT NOT NULL,
        requests BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (node_id, boot_id)
      )`
    ]
  },
  {
    version: 5,
    name: 'catalog: documents, API specs, Dev Portal publishing',
    sql: [
      // 0/1 in both stores (like data_plane_nodes.connected); existing packages stay off the portal.
      'ALTER TABLE service_packages ADD COLUMN portal_published INTEGER NOT NULL DEFAULT 0',
      // A parent is a document of the same package; deleting it deletes its subtree (the API asks
      // for ?recursive=true first). `size` is the content's UTF-8 length, so lists need not read it.
      `CREATE TABLE service_package_documents (
        id TEXT PRIMARY KEY,
        service_package_id TEXT NOT NULL REFERENCES service_packages(id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES service_package_documents(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        slug TEXT NOT NULL,
        content TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'unpublished',
        size BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE UNIQUE INDEX service_package_documents_slug ON service_package_documents (service_package_id, slug)',
      'CREATE INDEX service_package_documents_parent ON service_package_documents (parent_id)',
      // One spec per version: the upload as sent (content), its parsed JSON (document) and the
      // operations listed in the version's details.
      `CREATE TABLE service_version_specs (
        service_version_id TEXT PRIMARY KEY REFERENCES service_versions(id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        spec_type TEXT NOT NULL,
        spec_version TEXT NOT NULL,
        title TEXT NOT NULL,
        api_version TEXT NOT NULL,
        size BIGINT NOT NULL,
        operations TEXT NOT NULL,
        content TEXT NOT NULL,
        document TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`
    ]
  },
  {
    version: 6,
    name: 'hybrid: each node\'s view of its upstreams\' target health',
    sql: [
      // The node's latest `upstream_health` report, whole (a node sends it when a state changes):
      // one row per node, read by GET /runtime-groups/{rg}/upstreams/{u}/health from any replica.
      `CREATE TABLE data_plane_upstream_health (
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        node_id TEXT NOT NULL,
        upstreams TEXT NOT NULL,
        reported_at BIGINT NOT NULL,
        PRIMARY KEY (runtime_group_id, node_id)
      )`
    ]
  },
  {
    version: 7,
    name: 'hybrid: operators\' target marks, for the nodes of the other control-plane replicas',
    sql: [
      // A mark (PUT …/targets/{t}/healthy|unhealthy) is sent at once to the nodes of the replica
      // that took it and written here; the other replicas' polls forward it to theirs. Kept a minute.
      `CREATE TABLE upstream_target_marks (
        id TEXT PRIMARY KEY,
        runtime_group_id TEXT NOT NULL REFERENCES runtime_groups(id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        message TEXT NOT NULL,
        at_ms BIGINT NOT NULL
      )`,
      'CREATE INDEX upstream_target_marks_at ON upstream_target_marks (at_ms)'
    ]
  },
  {
    version: 8,
    name: 'catalog: promotion overrides, package-wide plugins, runtime groups\' public URL',
    sql: [
      // What a promotion into this version's runtime group overrides (promotion-overrides.ts), remembered.
      `CREATE TABLE service_version_overrides (
        service_version_id TEXT PRIMARY KEY REFERENCES service_versions(id) ON DELETE CASCADE,
        overrides TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      // A plugin of every version's implementation of the package (package-plugins.ts); instance_name '' when none.
      `CREATE TABLE service_package_plugins (
        id TEXT PRIMARY KEY,
        service_package_id TEXT NOT NULL REFERENCES service_packages(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        instance_name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE UNIQUE INDEX service_package_plugins_scope ON service_package_plugins (service_package_id, name, instance_name)',
      // Where consumers reach the group's proxy (the Dev Portal's "Reachable at").
      'ALTER TABLE runtime_groups ADD COLUMN public_url TEXT'
    ]
  },
  {
    version: 9,
    name: 'analytics: requested paths per route and minute, for spec drift',
    sql: [
      // Bounded by the nodes: at most 65 path shapes per route and report (path-shapes.ts).
      `CREATE TABLE analytics_paths (
        minute BIGINT NOT NULL,
        runtime_group_id TEXT NOT NULL,
        service_id TEXT NOT NULL,
        route_id TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        status INTEGER NOT NULL,
        requests BIGINT NOT NULL,
        example TEXT NOT NULL,
        PRIMARY KEY (minute, runtime_group_id, service_id, route_id, method, path, status)
      )`,
      'CREATE INDEX analytics_paths_service ON analytics_paths (runtime_group_id, service_id, minute)'
    ]
  }
]

const LOCK_KEY = 4_201_987_001 // any constant: serialises migrations of CP replicas on one PostgreSQL

/** Applies every migration newer than the database, each in its own transaction. Returns those applied. */
export async function migrate (db: Db, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = []
  await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY])
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations')
    const done = new Set(rows.map((r) => Number(r.version)))
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue
      for (const statement of m.sql) await tx.query(statement)
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Math.floor(Date.now() / 1000)])
      applied.push(m.version)
    }
  })
  return applied
}
