// What the toolbar's pickers list. Pure: the webview fills its dropdowns with these, and tests read them.

import { FAILURE_CHOICES } from './protocol.ts';
import type { InitMessage } from './protocol.ts';
import type { Choice } from './toolbar.ts';

/**
 * The failure picker's entries: every failure, in the timeline's order (those in flows first); past
 * FAILURE_CHOICES, one entry per story (failureGroups: largest first), showing its first failure. N/P visit
 * every failure either way.
 */
export function failureChoices(init: Pick<InitMessage, 'failures' | 'failureGroups'>): Choice[] {
  const n = init.failures.length;
  const groups = init.failureGroups;
  if (groups === undefined) {
    return [
      { value: '-1', label: `Failures (${n})` },
      ...init.failures.map((f, i) => ({
        value: String(i),
        label: `${f.code ?? f.type} — ${f.where.split('/').pop() ?? f.where}${f.occurrences > 1 ? ` ×${f.occurrences}` : ''}${f.recovered ? ' (recovered)' : ''}`,
      })),
    ];
  }
  const listed = groups.slice(0, FAILURE_CHOICES);
  const more = groups.length > listed.length ? `, the ${listed.length} largest here` : '';
  return [
    { value: '-1', label: `Failures (${n} in ${groups.length} groups${more}; N/P for each)` },
    ...listed.map((g) => ({
      value: String(g.first),
      label:
        `×${g.count} ${g.name} — ${g.file}${g.hosts > 1 ? ` on ${g.hosts} hosts` : ''}` +
        `${g.inFlow ? '' : ' (outside flows)'}${g.recovered ? ' (recovered)' : ''}`,
    })),
  ];
}
