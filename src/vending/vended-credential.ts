import type { VendedDatasetAccess } from './role-grants.ts';
import type { LifetimeLimit } from './role-lifetime.ts';

/** What an agent gets: a login for one source, shown once (aperture keeps no password). */
export interface VendedCredential {
  source: string;
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  expiresAt: Date;
  /** Why it ends then: the maximum, the request, the token, the intent or a grant. */
  limitedBy: LifetimeLimit;
  /** What the login reads: each dataset's view, columns, masks and row filter. */
  datasets: Omit<VendedDatasetAccess, 'shape' | 'filterKey'>[];
}
