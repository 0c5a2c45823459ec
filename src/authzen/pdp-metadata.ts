import { accessRequestCapability, authzenPaths } from './authzen-paths.ts';

/**
 * The PDP metadata document (§11): aperture's endpoints at its public origin, and the
 * access-request profile it serves (its endpoint, the keys that verify its binding tokens).
 */
export function pdpMetadata(origin: string): Record<string, unknown> {
  return {
    policy_decision_point: origin,
    access_evaluation_endpoint: `${origin}${authzenPaths.evaluation}`,
    access_evaluations_endpoint: `${origin}${authzenPaths.evaluations}`,
    search_resource_endpoint: `${origin}${authzenPaths.searchResource}`,
    access_request_endpoint: `${origin}${authzenPaths.requests}`,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    capabilities: [accessRequestCapability],
  };
}
