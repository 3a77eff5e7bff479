// Reading a valibot issue for the people who see it: where in the checked value it points
// ("turns[0].images[0].sha256"), and whether it is about a key that is missing or not expected
// rather than a value that is wrong. Every validator (webview messages, history records, the model
// catalog, pair manifests) words its own messages with these.

import type { BaseIssue, IssuePathItem } from 'valibot';

export type Issue = BaseIssue<unknown>;

/** The keys and indexes from the checked value down to what the issue is about. */
export function issueKeys(issue: Issue): readonly (string | number)[] {
  return (issue.path ?? []).map((item: IssuePathItem) => (typeof item.key === 'number' ? item.key : String(item.key)));
}

/** `turns[0].images[0].sha256`: property names joined by dots, list indexes in brackets. */
export function pathText(keys: readonly (string | number)[]): string {
  return keys.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

/** A required key the object does not have. */
export function isMissingKey(issue: Issue): boolean {
  return lastItem(issue)?.origin === 'key' && issue.expected !== 'never';
}

/** A key a strict object does not know (valibot expects "never" there). */
export function isUnknownKey(issue: Issue): boolean {
  return lastItem(issue)?.origin === 'key' && issue.expected === 'never';
}

/** Keeps a message short enough for a log line: valibot quotes a refused string whole. */
export function clipped(text: string, limit = 200): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function lastItem(issue: Issue): IssuePathItem | undefined {
  return issue.path?.[issue.path.length - 1];
}
