/** Text for Slack's mrkdwn: `&`, `<` and `>` would otherwise make links, mentions or dates. */
export const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A moment each reader sees in their own time zone (the ISO time where Slack cannot render it). */
export function slackDate(date: Date): string {
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString()}>`;
}
