// The subcommands of `atrium`: how each is written and what it does. Their options live in
// src/cli/options.ts; --help and docs/command-line.md are rendered from both tables.

export const COMMAND_NAMES = ['start', 'control-plane', 'data-plane', 'config validate', 'config apply', 'config dump', 'config diff', 'promote', 'routes explain', 'routes conflicts', 'routes from-spec', 'drift'] as const
export type CommandName = typeof COMMAND_NAMES[number]

export interface CommandSpec {
  name: CommandName
  /** Synopsis lines, each after `atrium `; OPTIONS stands for the options table. */
  usage: readonly string[]
  /** What it does, one paragraph. */
  summary: string
  /** The positional arguments, all required: FILE (config validate/apply/diff), PACKAGE VERSION (promote), URL (routes explain), or none. */
  args: readonly string[]
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    usage: ['start [OPTIONS]'],
    summary: 'What `npm start` runs: a control plane on embedded SQLite, one data-plane node joined to it, and the ' +
      'DEMO echo upstream that config/example.yaml proxies to. On an empty store it creates the runtime group and ' +
      'loads the seed file into it; later starts keep the store\'s config.',
    args: []
  },
  {
    name: 'control-plane',
    usage: ['control-plane [OPTIONS]'],
    summary: 'Run the control plane: the catalog store (migrations run at start), the Admin API, the Dev Portal ' +
      '(read-only pages of what is published) and the cluster listener where data-plane nodes connect ' +
      '(WebSocket /v1/sync, data-plane token required).',
    args: []
  },
  {
    name: 'data-plane',
    usage: ['data-plane --config FILE [OPTIONS]', 'data-plane --control-plane ws(s)://HOST:PORT --token TOKEN [OPTIONS]'],
    summary: 'Run a data-plane node. DB-less: serve a declarative file (Kong 3.x format); SIGHUP re-reads it, and ' +
      'an invalid file is rejected whole while the old config keeps serving. Hybrid: receive the runtime group\'s ' +
      'config from a control plane (the token decides the group), keep the last applied config in the cache ' +
      'directory and serve it at start even when the control plane is unreachable; reconnect forever with ' +
      'jittered backoff. A revoked or unknown token is logged and retried every --sync-backoff-max ms while ' +
      'the node keeps serving: issue a new token and restart the node with it. SIGTERM/SIGINT stop gracefully.',
    args: []
  },
  {
    name: 'config validate',
    usage: ['config validate FILE'],
    summary: 'Exit 0 when FILE is a valid declarative config; exit 1 listing every error as `path: message`. ' +
      'Warnings (such as a disabled service) are printed as `warning: path: message`; a Kong feature Atrium does not implement is an error.',
    args: ['FILE']
  },
  {
    name: 'config apply',
    usage: ['config apply FILE --runtime-group NAME [OPTIONS]'],
    summary: 'Replace the runtime group\'s config on a control plane with FILE (YAML or JSON), atomically.',
    args: ['FILE']
  },
  {
    name: 'config dump',
    usage: ['config dump --runtime-group NAME [OPTIONS]'],
    summary: 'Print the runtime group\'s config as a Kong 3.0 declarative file.',
    args: []
  },
  {
    name: 'config diff',
    usage: ['config diff FILE --runtime-group NAME [OPTIONS]'],
    summary: 'Show what `config apply` would create (+), update (~) and delete (-).',
    args: ['FILE']
  },
  {
    name: 'promote',
    usage: ['promote PACKAGE VERSION --from GROUP --to GROUP [OPTIONS]'],
    summary: 'Promote a catalog version (PACKAGE by id, slug or name; VERSION by name or id) from one runtime group into ' +
      'another: its implementation (service, routes, their plugins), API spec and status, as the same version. Prints the ' +
      'target group\'s diff (+ ~ -); with --dry-run changes nothing. POST /service-packages/{PACKAGE}/versions/{VERSION}/promote.',
    args: ['PACKAGE', 'VERSION']
  },
  {
    name: 'routes explain',
    usage: ['routes explain URL --runtime-group NAME [OPTIONS]', 'routes explain URL --config FILE [OPTIONS]'],
    summary: 'Which route a request to URL takes and why: the winning route, the path it sends upstream and its priority, ' +
      'every other route that matched with the priority rule it lost on, and near misses with the criterion that failed. ' +
      'URL is absolute (its host is the Host header; https means TLS, with the host as SNI) or a path. With --runtime-group it asks the ' +
      'control plane (POST /runtime-groups/{NAME}/routes/explain); with --config it compiles the declarative FILE as a DB-less node would.',
    args: ['URL']
  },
  {
    name: 'routes conflicts',
    usage: ['routes conflicts --runtime-group NAME [OPTIONS]', 'routes conflicts --config FILE [OPTIONS]'],
    summary: 'The route conflicts of a config: routes that can never win (every request they accept goes to a route ranked before them), ' +
      'duplicates pointing at different services, and regex routes that take a prefix route\'s own path, each with an example request. ' +
      'Exit 0 when there are none, 2 when there are some. With --runtime-group it asks the control plane (GET /runtime-groups/{NAME}/routes/conflicts); ' +
      'with --config it analyses the declarative FILE here.',
    args: []
  },
  {
    name: 'routes from-spec',
    usage: ['routes from-spec PACKAGE VERSION [OPTIONS]'],
    summary: 'Create or update a catalog version\'s implementation routes from its API spec (POST /service-packages/{PACKAGE}/versions/{VERSION}/implementation/routes-from-spec): ' +
      'path templates become `~` regexes with named captures, the spec\'s base path is kept, routes the spec no longer has are deleted. Prints the diff (+ ~ -) and the routes; ' +
      'with --dry-run changes nothing.',
    args: ['PACKAGE', 'VERSION']
  },
  {
    name: 'drift',
    usage: ['drift PACKAGE VERSION [OPTIONS]'],
    summary: 'Spec drift of a catalog version from the traffic its nodes reported (GET /service-packages/{PACKAGE}/versions/{VERSION}/drift): ' +
      'documented operations never called, requests no operation documents, statuses the spec does not declare. Exit 0 when there is none, 2 when there is some.',
    args: ['PACKAGE', 'VERSION']
  }
]

export function commandSpec (name: CommandName): CommandSpec {
  return COMMANDS.find((c) => c.name === name) as CommandSpec
}
