// The hover's tree of what a `uses:` runs: each action, workflow and Dockerfile followed, each image
// with its verdict, and why a part was not followed.
import { shortCommitSha } from '../engine/commitSha';
import { type FollowedImage, type FollowNode, imageLabel, remoteName } from '../engine/follow';
import type { Severity } from '../engine/types';

/** Lines the tree may take before the rest is summarised: hovers are read at a glance. */
const maxTreeLines = 40;

const rank: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function imageVerdict(image: FollowedImage): string {
  if (image.reference.runtimeValue) return `chosen when it runs (${image.reference.runtimeValue})`;
  if (image.findings.length === 0) return 'no finding';
  const worst = image.findings.reduce((a, f) => (rank[f.severity] > rank[a.severity] ? f : a));
  const rules = [...new Set(image.findings.map((f) => f.rule))].join(', ');
  return `**${worst.severity}**: ${rules}`;
}

function nodeLabel(node: FollowNode): string {
  const kind =
    node.target === 'dockerfile'
      ? 'Dockerfile'
      : node.target === 'workflow'
        ? 'reusable workflow'
        : node.file?.kind === 'local' || node.uses.startsWith('./')
          ? 'local action'
          : 'action';
  const pin =
    node.target === 'dockerfile'
      ? ''
      : node.pinned
        ? node.file?.kind === 'remote'
          ? ', pinned'
          : ''
        : ', **not pinned**';
  const at = node.file?.kind === 'remote' && node.commit ? ` at ${code(shortCommitSha(node.commit))}` : '';
  return `${code(node.uses)} (${kind}${pin})${at}`;
}

/** The tree as a Markdown list, or undefined when the `uses:` leads nowhere worth showing. */
export function followTreeMarkdown(root: FollowNode): string {
  const lines: string[] = [];
  let cut = 0;
  const push = (depth: number, line: string): void => {
    if (lines.length >= maxTreeLines) cut++;
    else lines.push(`${'  '.repeat(depth)}- ${line}`);
  };
  const walk = (node: FollowNode, depth: number): void => {
    push(depth, nodeLabel(node));
    if (node.notFollowed) push(depth + 1, `not followed: ${node.notFollowed}`);
    else if (node.file?.kind === 'remote') push(depth + 1, `read from ${code(remoteName(node.file, node.commit))}`);
    for (const image of node.images) push(depth + 1, `${code(imageLabel(image.reference))}: ${imageVerdict(image)}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(root, 0);
  if (cut > 0) lines.push(`- _…and ${cut} more line${cut === 1 ? '' : 's'}_`);
  return `**What it runs**\n\n${lines.join('\n')}`;
}
