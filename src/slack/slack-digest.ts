import type { WebClient } from '@slack/web-api';
import { recordAuditEvent } from '../audit/index.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { formatCondition } from '../mining/rule-condition.ts';
import type { StoredSuggestion } from '../mining/workflow/stored-suggestion.ts';
import { promiseInBrief, type SuggestionDigest } from '../mining/workflow/suggestion-digest.ts';
import { isConversationId, type SlackChannelIds } from './channel-ids.ts';
import { platformError, slackCall } from './slack-errors.ts';

const metadataType = 'aperture_digest';

/**
 * The digest of a mining run's new suggestions in the governance channel. Posted from a durable
 * job, once per run: a retry first looks for the run's digest in the channel (by its metadata).
 */
export class SlackDigest implements SuggestionDigest {
  readonly configured = true;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly client: WebClient,
    private readonly channel: string,
    private readonly channels?: SlackChannelIds,
  ) {}

  async post(suggestions: readonly StoredSuggestion[], run: { runId: string }): Promise<void> {
    // A lost answer to an earlier post is found in the history (by id; a lookup Slack fails is
    // retried with the job rather than risk a second digest).
    const channel = (await this.channels?.idOf(this.channel)) ?? this.channel;
    const history = isConversationId(channel)
      ? await slackCall('conversations.history', () =>
          this.client.conversations.history({ channel, limit: 100, include_all_metadata: true }),
        ).catch((error: unknown) => {
          // Slack refusing the lookup (a missing scope) leaves nothing to find; failing is retried.
          if (platformError(error)) return null;
          throw error;
        })
      : null;
    const already = history?.messages?.some(
      (message) =>
        message.metadata?.event_type === metadataType &&
        (message.metadata.event_payload as { run_id?: string } | undefined)?.run_id === run.runId,
    );
    if (already) return;
    const shown = suggestions.slice(0, 10);
    const lines = shown.map((suggestion) => {
      const promise = promiseInBrief(suggestion.evidence.promise);
      return `• *${suggestion.action}* when ${suggestion.conditions.map(formatCondition).join(' and ')}: ${suggestion.evidence.support} decisions, lower bound ${suggestion.evidence.lowerBound.toFixed(3)}, ${suggestion.evidence.distinctApprovers} approvers${promise ? `; ${promise}` : ''} (suggestion ${suggestion.id})`;
    });
    const more = suggestions.length > shown.length ? `\n…and ${suggestions.length - shown.length} more.` : '';
    const text = `${suggestions.length} new rule suggestion${suggestions.length === 1 ? '' : 's'} to review (query ruleSuggestions(status: NEW)):\n${lines.join('\n')}${more}`;
    const posted = await slackCall('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel,
        text,
        metadata: { event_type: metadataType, event_payload: { run_id: run.runId } },
      }),
    );
    await recordAuditEvent(this.prisma, {
      type: 'slack.digest-posted',
      subject: { kind: 'mining-run', id: run.runId },
      payload: { channel: this.channel, ts: posted.ts ?? null, suggestions: suggestions.length },
    });
  }
}
