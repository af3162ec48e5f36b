// API specs shaped like real ones, for the routes-from-spec tests: the OpenAPI 3.0 Petstore (an
// absolute server URL with a base path), a Swagger 2.0 API with a basePath, parameters with dashes
// and a template inside a segment, and an OpenAPI 3.1 GitHub-like API whose server URL has a
// variable, with nested templates and operations without operationId.

const ok = { 200: { description: 'ok' } }

export const PETSTORE = {
  openapi: '3.0.0',
  info: { title: 'Swagger Petstore', version: '1.0.0' },
  servers: [{ url: 'http://petstore.swagger.io/v1' }],
  paths: {
    '/pets': {
      get: { operationId: 'listPets', parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer' } }], responses: ok },
      post: { operationId: 'createPets', responses: { 201: { description: 'created' } } }
    },
    '/pets/{petId}': {
      get: { operationId: 'showPetById', parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }], responses: ok }
    }
  }
}

export const USERS_SWAGGER = {
  swagger: '2.0',
  info: { title: 'Users', version: '2.1' },
  host: 'users.example.com',
  basePath: '/api/v2',
  paths: {
    '/users': { get: { operationId: 'list_users', responses: ok }, post: { responses: ok } },
    '/users/me': { get: { operationId: 'current.user', responses: ok } },
    '/users/{user-id}': {
      parameters: [{ name: 'user-id', in: 'path', required: true, type: 'string' }],
      get: { operationId: 'getUser', responses: ok },
      put: { operationId: 'replaceUser', responses: ok },
      delete: { responses: ok }
    },
    '/files/{name}.{ext}': {
      get: { parameters: [{ name: 'name', in: 'path', required: true, type: 'string' }, { name: 'ext', in: 'path', required: true, type: 'string' }], responses: ok }
    }
  }
}

const param = (name: string): Record<string, unknown> => ({ name, in: 'path', required: true, schema: { type: 'string' } })

export const REPOS_31 = {
  openapi: '3.1.0',
  info: { title: 'Repositories', version: '3' },
  servers: [{ url: 'https://api.example.com/{version}', variables: { version: { default: 'v3' } } }],
  paths: {
    '/repos/{owner}/{repo}': { get: { operationId: 'repos/get', parameters: [param('owner'), param('repo')], responses: ok } },
    '/repos/{owner}/{repo}/issues': {
      get: { parameters: [param('owner'), param('repo')], responses: ok },
      post: { operationId: 'issues/create', parameters: [param('owner'), param('repo')], responses: ok }
    },
    '/repos/{owner}/{repo}/issues/{issue_number}': {
      get: { operationId: 'issues/get', parameters: [param('owner'), param('repo'), param('issue_number')], responses: ok },
      patch: { operationId: 'issues/update', parameters: [param('owner'), param('repo'), param('issue_number')], responses: ok }
    },
    '/orgs/{org}/members/{username}': { delete: { parameters: [param('org'), param('username')], responses: { 204: { description: 'gone' } } } }
  }
}
