// Language features on log files: hovers that explain an error code (from the catalogue), a GUID (what it
// identifies, how often and where it appears), an SMX file name (the one key between a relay's file on the
// MP and its processing on the site) and a time (UTC and the skew-corrected clock); Go to Definition / Peek
// References on a GUID or an SMX file name across the whole bundle; a CodeLens "Go to Upstream Cause" on
// every failure line. GUIDs, SMX names and times need the analyzed bundle; error codes work in any log.

import * as vscode from 'vscode';
import { headline } from '../src/parsers/messages/values.ts';
import { errorCodeFromText } from '../src/correlate/catalog.ts';
import type { LineInfo, Occurrence, OccurrenceResult } from '../src/service/session.ts';
import type { MessageFields } from '../src/parsers/messages/fields.ts';
import { Command } from './commands.ts';
import { formatSkew, formatTime } from './format.ts';
import { zoneFromBias } from '../src/parsers/time.ts';
import type { CmflowState } from './state.ts';
import { BUNDLE_SCHEME } from './state.ts';

export const LOG_SELECTOR: vscode.DocumentSelector = [
  { language: 'cmtrace' },
  { language: 'log' },
  { scheme: BUNDLE_SCHEME },
];

const GUID = /\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?/;
/** A state-message file as MP_Relay, MPFDM and StateSys name it (`TAZGYTSJ.SMX`). */
const SMX = /\w+\.smx\b/i;
const SMX_MEANING =
  "A relay's state messages in one file: MP_Relay writes it to the management point's outbox, MPFDM moves it to " +
  "the site server's statesys.box, StateSys processes it. Its name is all that ties those logs together.";
const CODE = /0x[0-9a-fA-F]{8}\b|-\d{9,10}\b/;
const TIME = /\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,7})?(?:[+-]\d{1,4})?/;

/** What a field that holds a GUID identifies, as an admin names it. */
const GUID_FIELDS: ReadonlyArray<[keyof MessageFields, string]> = [
  ['scanJob', 'ScanJob'],
  ['locationRequest', 'LocationRequest'],
  ['updateSource', 'update source (UpdateSourceID)'],
  ['messageId', 'CCM message'],
  ['replyId', 'CCM reply message'],
  ['policyId', 'policy'],
  ['assignment', 'deployment (assignment)'],
  ['job', 'job'],
  ['clientId', 'client (SMS unique id)'],
  ['topicId', 'state-message topic'],
];

export function bareGuid(text: string): string {
  return text.replace(/^\{|\}$/g, '').toLowerCase();
}

function identify(guid: string, fields: MessageFields | undefined): string | undefined {
  if (!fields) {
    return undefined;
  }
  for (const [key, label] of GUID_FIELDS) {
    const v = fields[key];
    if (typeof v === 'string' && bareGuid(v) === guid) {
      return label;
    }
  }
  if (fields.updates?.some((u) => bareGuid(u.id) === guid)) {
    return 'software update (update ID)';
  }
  return undefined;
}

/** How often and where a key appears in the bundle, its flows and where it was first seen, after `md`. */
function whereItAppears(md: vscode.MarkdownString, found: OccurrenceResult): vscode.MarkdownString {
  const records = new Set(found.occurrences.map((o) => `${o.file}:${o.line}`)).size;
  const files = new Set(found.occurrences.map((o) => o.file)).size;
  md.appendText(
    `Appears in ${records}${found.truncated ? '+' : ''} record${records === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} of the bundle.`,
  );
  if (found.flows.length > 0) {
    md.appendMarkdown('\n\n');
    md.appendText(`Flows: ${found.flows.slice(0, 5).join(', ')}${found.flows.length > 5 ? ', …' : ''}`);
  }
  if (found.definition) {
    md.appendMarkdown('\n\n');
    md.appendText(`First seen: ${found.definition.file}:${found.definition.line}`);
  }
  return md;
}

function flowLabel(id: string): string {
  return id.startsWith('scan:') ? 'scan flow' : id.startsWith('state-message:') ? 'state-message flow' : 'sync flow';
}

export class LogLanguageFeatures
  implements vscode.HoverProvider, vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.CodeLensProvider
{
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;

  constructor(private readonly state: CmflowState) {
    state.onDidChange(() => this.lensesChanged.fire());
  }

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const code = doc.getWordRangeAtPosition(pos, CODE);
    if (code) {
      return this.codeHover(doc.getText(code), code);
    }
    const guid = doc.getWordRangeAtPosition(pos, GUID);
    if (guid) {
      return this.guidHover(doc, guid);
    }
    const smx = doc.getWordRangeAtPosition(pos, SMX);
    if (smx) {
      return this.smxHover(doc, smx);
    }
    const time = doc.getWordRangeAtPosition(pos, TIME);
    if (time) {
      return this.timeHover(doc, time);
    }
    return undefined;
  }

  private codeHover(written: string, range: vscode.Range): vscode.Hover | undefined {
    const info = errorCodeFromText(written);
    if (!info) {
      return undefined;
    }
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${info.code}** \`${info.name}\` — ${info.facility}, decimal ${info.decimal}\n\n`);
    md.appendText(info.meaning);
    md.appendMarkdown('\n\n**Usual cause:** ');
    md.appendText(info.usualCause);
    md.appendMarkdown('\n\n**Check next:** ');
    md.appendText(info.nextCheck);
    md.appendMarkdown('\n\n*Source:* ');
    md.appendText(info.source);
    return new vscode.Hover(md, range);
  }

  private async guidHover(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.Hover | undefined> {
    const file = this.state.fileOf(doc.uri);
    if (file === undefined || !this.state.summary) {
      return undefined;
    }
    const guid = bareGuid(doc.getText(range));
    const service = this.state.service();
    const [found, line] = await Promise.all([
      service.request('occurrences', { needle: guid }),
      service.request('describeLine', { file, text: doc.lineAt(range.start.line).text }),
    ]);
    const what = identify(guid, line?.fields) ?? (found.flows[0] ? `key of a ${flowLabel(found.flows[0])}` : 'GUID');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${what}** \`{${guid.toUpperCase()}}\`\n\n`);
    return new vscode.Hover(whereItAppears(md, found), range);
  }

  private async smxHover(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.Hover | undefined> {
    if (this.state.fileOf(doc.uri) === undefined || !this.state.summary) {
      return undefined;
    }
    const name = doc.getText(range).toUpperCase();
    const found = await this.state.service().request('occurrences', { needle: name });
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**SMX file** \`${name}\`\n\n`);
    md.appendText(SMX_MEANING);
    md.appendMarkdown('\n\n');
    return new vscode.Hover(whereItAppears(md, found), range);
  }

  private async timeHover(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.Hover | undefined> {
    const file = this.state.fileOf(doc.uri);
    if (file === undefined || !this.state.summary) {
      return undefined;
    }
    const info: LineInfo | null = await this.state
      .service()
      .request('describeLine', { file, text: doc.lineAt(range.start.line).text, line: range.start.line + 1 });
    if (!info || info.utc === undefined) {
      return undefined;
    }
    const md = new vscode.MarkdownString();
    const zone = info.biasMinutes === undefined ? 'zone unknown' : zoneFromBias(info.biasMinutes);
    md.appendMarkdown('**Time on this line**\n\n');
    md.appendText(`Logged (host-local): ${formatTime(info.utc, 'hostLocal', info.biasMinutes)} — ${zone}\n\n`);
    md.appendText(`UTC as logged: ${formatTime(info.utc)}\n\n`);
    md.appendText(
      `Skew-corrected UTC: ${formatTime(info.corrected ?? info.utc)} (${info.host}'s clock ${formatSkew(info.skewMs)})`,
    );
    return new vscode.Hover(md, range);
  }

  async provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Location[] | undefined> {
    const found = await this.search(doc, pos);
    return found?.definition ? [this.location(found.definition)] : undefined;
  }

  async provideReferences(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Location[] | undefined> {
    const found = await this.search(doc, pos);
    return found?.occurrences.map((o) => this.location(o));
  }

  /** Where the GUID or SMX file name at `pos` appears in the bundle. */
  private async search(doc: vscode.TextDocument, pos: vscode.Position) {
    if (!this.state.summary) {
      return undefined;
    }
    const guid = doc.getWordRangeAtPosition(pos, GUID);
    const smx = guid ? undefined : doc.getWordRangeAtPosition(pos, SMX);
    const needle = guid ? bareGuid(doc.getText(guid)) : smx ? doc.getText(smx).toUpperCase() : undefined;
    return needle === undefined ? undefined : this.state.service().request('occurrences', { needle });
  }

  private location(o: Occurrence): vscode.Location {
    const at = new vscode.Range(o.line - 1, o.column, o.line - 1, o.column + o.length);
    return new vscode.Location(this.state.uriOf(o.file), at);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const file = this.state.fileOf(doc.uri);
    if (file === undefined) {
      return [];
    }
    return this.state.failuresIn(file).flatMap((f) => {
      const range = new vscode.Range(f.event.line - 1, 0, f.event.line - 1, 0);
      const cause = f.upstreamCause;
      const where =
        cause.file === file ? `line ${cause.line}` : `${cause.file.split('/').pop() ?? cause.file}:${cause.line}`;
      return [
        new vscode.CodeLens(range, {
          title: `$(debug-step-back) Go to Upstream Cause (${where})`,
          tooltip: headline(cause.text, 300),
          command: Command.goToUpstreamCause,
          arguments: [f.index],
        }),
        new vscode.CodeLens(range, {
          title: '$(type-hierarchy-sub) Show in Swimlane',
          tooltip: 'The failure chain across hosts, lit up in the swimlane diagram',
          command: Command.showSwimlane,
          arguments: [f.index],
        }),
      ];
    });
  }

  refresh(): void {
    this.lensesChanged.fire();
  }
}
