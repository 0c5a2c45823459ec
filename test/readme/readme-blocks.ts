import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One fenced code block of the README, with the `##` section it belongs to. */
export interface ReadmeBlock {
  language: string;
  code: string;
  section: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

export const readmePath = path.resolve('README.md');

/** Every fenced block of the README in order (indented fences, inside lists, included). */
export function readmeBlocks(): ReadmeBlock[] {
  const lines = readFileSync(readmePath, 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  let open: { language: string; indent: string; line: number; body: string[] } | null = null;
  lines.forEach((text, index) => {
    if (open) {
      if (text.trim() === '```') {
        blocks.push({ language: open.language, code: open.body.join('\n'), section, line: open.line });
        open = null;
      } else {
        open.body.push(text.startsWith(open.indent) ? text.slice(open.indent.length) : text);
      }
      return;
    }
    const heading = /^## (.+)$/.exec(text);
    if (heading) section = heading[1]!;
    const fence = /^(\s*)```(\w*)\s*$/.exec(text);
    if (fence) open = { language: fence[2]!, indent: fence[1]!, line: index + 1, body: [] };
  });
  return blocks;
}

/** The blocks of one `##` section, in order. */
export function sectionBlocks(section: string): ReadmeBlock[] {
  const blocks = readmeBlocks().filter((block) => block.section === section);
  if (blocks.length === 0) throw new Error(`README has no code blocks under "## ${section}"`);
  return blocks;
}
