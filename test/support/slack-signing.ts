import { createHmac, randomBytes } from 'node:crypto';
import type {
  BlockAction,
  ButtonAction,
  SlashCommand,
  StaticSelectAction,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';

/**
 * Requests as Slack sends them to our endpoint: signed bodies and the payload shapes of block
 * actions, modal submissions and slash commands. The payloads are typed with Bolt's own types so a
 * shape Bolt's listeners do not expect fails to compile.
 */

export interface SlackRequestHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
}

/** Slack's v0 signature: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`). */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
  contentType = 'application/x-www-form-urlencoded',
): SlackRequestHeaders {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'x-slack-signature': `v0=${signature}`,
    'x-slack-request-timestamp': String(timestamp),
    'content-type': contentType,
  };
}

export const TEST_TEAM_ID = 'T0APERTURE';
export const TEST_APP_ID = 'A0APERTURE';
/** The deprecated verification token Slack still puts in every payload; Bolt ignores it. */
export const TEST_VERIFICATION_TOKEN = 'verification-token-unused';

/**
 * Where `respond()` goes when a test gives no response_url: a closed loopback port, so a stray
 * respond() fails fast instead of reaching hooks.slack.com. Use `FakeSlack.responseUrl()` to record it.
 */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:9/response-url-not-set';

export interface BlockActionOptions {
  userId: string;
  userName?: string;
  actionId: string;
  blockId?: string;
  /** A button's value (ignored when `selectedOption` makes it a static select). */
  value?: string;
  /** Makes the action a `static_select` with this option chosen. */
  selectedOption?: string | { value: string; text: string };
  triggerId?: string;
  responseUrl?: string;
  channelId?: string;
  /** The ts of the message holding the button (container.message_ts and message.ts). */
  messageTs?: string;
  messageText?: string;
  messageBlocks?: Record<string, unknown>[];
  teamId?: string;
}

/** A `block_actions` payload as Slack sends it for a click on a message button or select. */
export function blockActionPayload(
  options: BlockActionOptions,
): BlockAction<ButtonAction | StaticSelectAction> {
  const teamId = options.teamId ?? TEST_TEAM_ID;
  const channelId = options.channelId ?? 'C0APPROVALS';
  const messageTs = options.messageTs ?? slackTs();
  const base = { action_id: options.actionId, block_id: options.blockId ?? 'actions', action_ts: slackTs() };
  let action: ButtonAction | StaticSelectAction;
  if (options.selectedOption !== undefined) {
    const option =
      typeof options.selectedOption === 'string'
        ? { value: options.selectedOption, text: options.selectedOption }
        : options.selectedOption;
    action = {
      ...base,
      type: 'static_select',
      selected_option: { text: plainText(option.text), value: option.value },
    };
  } else {
    action = {
      ...base,
      type: 'button',
      text: plainText(options.value ?? 'Button'),
      ...(options.value === undefined ? {} : { value: options.value }),
    };
  }
  const userName = options.userName ?? options.userId.toLowerCase();
  return {
    type: 'block_actions',
    user: { id: options.userId, username: userName, name: userName, team_id: teamId },
    api_app_id: TEST_APP_ID,
    token: TEST_VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: options.triggerId ?? triggerId(),
    team: { id: teamId, domain: 'aperture-test' },
    is_enterprise_install: false,
    channel: { id: channelId, name: 'approvals' },
    message: {
      type: 'message',
      user: 'U0APERTUREBOT',
      bot_id: 'B0APERTURE',
      ts: messageTs,
      text: options.messageText ?? 'Access request',
      ...(options.messageBlocks ? { blocks: options.messageBlocks } : {}),
    },
    state: { values: {} },
    response_url: options.responseUrl ?? UNSET_RESPONSE_URL,
    actions: [action],
  };
}

/** The form body Slack POSTs for a block action: `payload=<json>`. */
export function blockActionBody(options: BlockActionOptions): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionPayload(options)) }).toString();
}

export interface ViewSubmissionOptions {
  userId: string;
  userName?: string;
  callbackId: string;
  privateMetadata?: string;
  /** `state.values`: block id → action id → the input's value, e.g. `{ type: 'plain_text_input', value: 'why' }`. */
  values?: Record<string, Record<string, ViewStateValue>>;
  viewId?: string;
  triggerId?: string;
  teamId?: string;
}

/** A `view_submission` payload as Slack sends it when a modal's submit button is pressed. */
export function viewSubmissionPayload(options: ViewSubmissionOptions): ViewSubmitAction {
  const teamId = options.teamId ?? TEST_TEAM_ID;
  const viewId = options.viewId ?? `V${randomBytes(5).toString('hex').toUpperCase()}`;
  const userName = options.userName ?? options.userId.toLowerCase();
  // Slack also sends `username`, which Bolt's type leaves out; a separate object keeps it.
  const user = { id: options.userId, username: userName, name: userName, team_id: teamId };
  return {
    type: 'view_submission',
    team: { id: teamId, domain: 'aperture-test' },
    user,
    api_app_id: TEST_APP_ID,
    token: TEST_VERIFICATION_TOKEN,
    trigger_id: options.triggerId ?? triggerId(),
    view: {
      id: viewId,
      team_id: teamId,
      type: 'modal',
      blocks: [],
      private_metadata: options.privateMetadata ?? '',
      callback_id: options.callbackId,
      state: { values: options.values ?? {} },
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: 'Aperture', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: TEST_APP_ID,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: 'B0APERTURE',
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/** The form body Slack POSTs for a modal submission: `payload=<json>`. */
export function viewSubmissionBody(options: ViewSubmissionOptions): string {
  return new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload(options)) }).toString();
}

export interface SlashCommandOptions {
  userId: string;
  userName?: string;
  command?: string;
  text?: string;
  responseUrl?: string;
  triggerId?: string;
  channelId?: string;
  teamId?: string;
}

/** A slash command's fields as Slack sends them (all strings, form-encoded, no `payload` wrapper). */
export function slashCommandPayload(options: SlashCommandOptions): SlashCommand {
  return {
    token: TEST_VERIFICATION_TOKEN,
    team_id: options.teamId ?? TEST_TEAM_ID,
    team_domain: 'aperture-test',
    channel_id: options.channelId ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: options.userId,
    user_name: options.userName ?? options.userId.toLowerCase(),
    command: options.command ?? '/aperture',
    text: options.text ?? '',
    api_app_id: TEST_APP_ID,
    is_enterprise_install: 'false',
    response_url: options.responseUrl ?? UNSET_RESPONSE_URL,
    trigger_id: options.triggerId ?? triggerId(),
  };
}

/** The form body Slack POSTs for a slash command. */
export function slashCommandBody(options: SlashCommandOptions): string {
  return new URLSearchParams(slashCommandPayload(options)).toString();
}

function plainText(text: string): { type: 'plain_text'; text: string; emoji: boolean } {
  return { type: 'plain_text', text, emoji: true };
}

/** A Slack-style `seconds.micros` timestamp for now. */
function slackTs(): string {
  const micros = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

/** Trigger ids look like `<number>.<number>.<hex>`; each interaction gets a fresh one. */
function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${randomBytes(16).toString('hex')}`;
}
