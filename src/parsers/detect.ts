// Which framer reads a file: the file name first (WindowsUpdate.log, IIS u_ex*.log), then the content of its
// first lines, scored line by line. ConfigMgr's CCM and SMS-trace formats share one framer that decides per
// line, because real files mix them.

export type FramerKind = 'configmgr' | 'windowsupdate' | 'iis' | 'clipboard' | 'text';

export function detectByName(name: string): FramerKind | undefined {
  const lower = name.toLowerCase();
  if (/^windowsupdate.*\.(log|lo_|txt)$/.test(lower)) {
    return 'windowsupdate';
  }
  if (/^u_(ex|in|nc)\d+.*\.log$/.test(lower)) {
    return 'iis';
  }
  return undefined;
}

const WU_LEGACY = /^\d{4}-\d{2}-\d{2}\t\d{1,2}:\d{2}:\d{2}:\d{3}\t/;
const WU_ETL = /^\d{4}[/.-]\d{1,2}[/.-]\d{1,2} \d{1,2}:\d{2}:\d{2}\.\d+ +\d+ +\d+ +\S+/;
const SMS = /\$\$<[^>]*><[^>]*><thread=[^>]*>\s*$/;
const CLIP_DATE = /\t\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4} \d{1,2}:\d{2}(:\d{2})?/;

/** Scores the first lines of a file; the format most lines fit wins. */
export function detectByContent(lines: readonly string[]): FramerKind {
  const score: Record<FramerKind, number> = { configmgr: 0, windowsupdate: 0, iis: 0, clipboard: 0, text: 0 };
  for (const line of lines) {
    if (line.startsWith('<![LOG[') || line.includes(']LOG]!><time=') || SMS.test(line)) {
      score.configmgr += 1;
    } else if (WU_LEGACY.test(line) || WU_ETL.test(line)) {
      score.windowsupdate += 1;
    } else if (line.startsWith('#Fields:') || line.startsWith('#Software: Microsoft Internet Information')) {
      score.iis += 5;
    } else if (CLIP_DATE.test(line)) {
      score.clipboard += 1;
    }
  }
  let best: FramerKind = 'text';
  let bestScore = 0;
  for (const kind of ['configmgr', 'windowsupdate', 'iis', 'clipboard'] as const) {
    if (score[kind] > bestScore) {
      best = kind;
      bestScore = score[kind];
    }
  }
  return best;
}
