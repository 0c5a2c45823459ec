/** Who may read /metrics. */
export interface MetricsConfig {
  /** Served at all (APERTURE_METRICS, or on when a token is set). */
  enabled: boolean;
  /** When set, a scrape must present it as `Authorization: Bearer <token>`. */
  token: string | null;
}
