/** The AuthZEN Authorization API 1.0 endpoints at their default paths (HTTPS JSON binding, §12.1). */
export const authzenPaths = {
  evaluation: '/access/v1/evaluation',
  evaluations: '/access/v1/evaluations',
  searchResource: '/access/v1/search/resource',
  /** The access-request profile's endpoint; a task's status is at `${requests}/<task id>`. */
  requests: '/access/v1/requests',
  /** The JSON Schema of what a submission to `requests` must carry beyond the denied evaluation. */
  requestSchema: '/access/v1/request-schema.json',
} as const;

/** Everything under this prefix is the AuthZEN door. */
export const authzenPrefix = '/access/v1';

/** The PDP metadata document (§11.2). */
export const authzenConfigurationPath = '/.well-known/authzen-configuration';

/** The access-request profile's capability URN. */
export const accessRequestCapability = 'urn:openid:authzen:capability:access-request';
