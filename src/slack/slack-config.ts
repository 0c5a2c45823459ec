/** What the Slack adapter needs from the environment (config/ reads and validates it). */
export interface SlackConfig {
  botToken: string;
  /** HTTP mode (requests to /slack/events): every request is signed with it. */
  signingSecret: string | null;
  /** Socket Mode instead of HTTP when set. */
  appToken: string | null;
  /** Where approval prompts go when a rule names no channel; null: DMs to the approvers. */
  approvalsChannel: string | null;
  /** Where the digest of new rule suggestions goes. */
  governanceChannel: string | null;
  /**
   * Where security alerts ("not me") go; null: the approvals channel, else a DM to each member of
   * the governance group.
   */
  securityChannel: string | null;
  /** Map unknown Slack users to people by email (users.lookupByEmail). */
  lookupByEmail: boolean;
  /** Web API base URL (tests, proxies); default Slack's. */
  apiUrl: string | null;
}
