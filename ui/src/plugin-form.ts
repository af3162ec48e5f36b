import { api, enc } from './api.js'
import { h } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import { SCOPES, type Plugin, type PluginScope, type VersionContext } from './plugin-scopes.js'
import { objectFieldset, type JsonSchema, type SchemaControl } from './schema-form.js'

// Adding or editing a plugin of a version: the plugin (from GET /schemas/plugins), where it applies
// (a target of one of the scopes), enabled, and its config in a form generated from
// GET /schemas/plugins/{name}. A new plugin is POSTed to its scope's collection; an edit PUTs the
// whole plugin (its protocols kept), so a field emptied in the form goes back to its default (a
// package plugin has no PUT: its edit is a PATCH, whose config merges field by field).

interface PluginInfo { name: string, description: string }

// The bundled plugins and their schemas do not change while the control plane runs.
let names: Promise<PluginInfo[]> | null = null
const schemas = new Map<string, Promise<JsonSchema>>()
function pluginNames (): Promise<PluginInfo[]> {
  names ??= api<{ data: PluginInfo[] }>('GET', '/schemas/plugins').then((r) => r.data)
  return names
}
function schemaOf (name: string): Promise<JsonSchema> {
  if (!schemas.has(name)) schemas.set(name, api<JsonSchema>('GET', `/schemas/plugins/${enc(name)}`))
  return schemas.get(name) as Promise<JsonSchema>
}

export interface PluginForm { element: HTMLElement, edit: (scope: PluginScope, plugin: Plugin) => Promise<void> }

export async function pluginForm (ctx: VersionContext, saved: () => void): Promise<PluginForm> {
  const errors = createFieldErrors()
  const plugins = await pluginNames()
  let editing: { scope: PluginScope, plugin: Plugin } | null = null
  let config: SchemaControl | null = null
  const heading = h('h4', {}, 'Add a plugin')
  const name = h('select', { name: 'plugin-name' }, ...plugins.map((p) => h('option', { value: p.name }, p.name)))
  const about = h('p', { class: 'hint plugin-description' })
  const targets = SCOPES.flatMap((scope) => scope.targets(ctx).map((t) => ({ scope, target: t })))
  const target = h('select', { name: 'plugin-target' }, ...targets.map(({ scope, target: t }) => h('option', { value: `${scope.id}|${t.key}` }, t.label)))
  const enabled = h('input', { type: 'checkbox', name: 'plugin-enabled', checked: true })
  const configBox = h('div', { class: 'plugin-config' })
  errors.bind('name', name)
  errors.bind('route', target)
  errors.bind('service', target)
  errors.bind('enabled', enabled)

  const showConfig = async (value: Record<string, unknown> | undefined): Promise<void> => {
    const schema = await schemaOf(name.value)
    about.textContent = plugins.find((p) => p.name === name.value)?.description ?? ''
    config = objectFieldset('config', schema, value ?? {}, true, errors)
    configBox.replaceChildren(config.element)
  }
  name.addEventListener('change', () => { void errors.run(() => showConfig(undefined)) })
  await showConfig(undefined)

  const cancel = h('button', { type: 'button', hidden: true, onclick: () => { void reset() } }, 'Cancel edit')
  const reset = async (): Promise<void> => {
    editing = null
    heading.textContent = 'Add a plugin'
    name.disabled = false
    cancel.hidden = true
    enabled.checked = true
    await showConfig(undefined)
  }
  const element = h('form', { class: 'plugin-form', novalidate: true }, heading,
    h('label', {}, 'Plugin ', name), ' ', h('label', {}, 'Applies to ', target), ' ', h('label', {}, enabled, ' enabled'),
    about, configBox,
    h('div', {}, h('button', { type: 'submit' }, 'Save plugin'), ' ', cancel))
  element.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void errors.run(async () => {
      const chosen = targets.find(({ scope, target: t }) => `${scope.id}|${t.key}` === target.value)
      if (chosen === undefined || config === null) throw new Error('choose where the plugin applies')
      const body: Record<string, unknown> = { name: name.value, enabled: enabled.checked, config: config.read(), ...chosen.target.refs }
      if (editing === null) await api('POST', chosen.scope.collection(ctx), { body })
      else await api(editing.scope.update, `${editing.scope.collection(ctx)}/${enc(editing.plugin.id)}`, { body: { ...body, protocols: editing.plugin.protocols } })
      saved()
    })
  })
  return {
    element,
    async edit (scope, plugin) {
      editing = { scope, plugin }
      heading.textContent = `Edit plugin ${plugin.name}`
      name.value = plugin.name
      name.disabled = true
      cancel.hidden = false
      target.value = `${scope.id}|${scope.keyOf(plugin)}`
      enabled.checked = plugin.enabled
      await showConfig(plugin.config)
      element.scrollIntoView({ block: 'nearest' })
    }
  }
}
