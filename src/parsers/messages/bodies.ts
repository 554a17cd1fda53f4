// Fields from the XML bodies ConfigMgr logs inside messages: the state-message `<Report>` (StateMessage.log,
// MP_Relay.log), `<WSUSLocationRequest>`/`<WSUSLocationReply>` (LocationServices.log, MP_Location.log) and
// the DP `<ContentLocationRequest>`/`<ContentLocationReply>`. These are what join the client to the MP:
// ClientID + SerialNumber + TopicID for state messages, Content ID + Version + client IP for locations.

import type { MessageFields, Mutable, StateMessageRef } from './fields.ts';
import { dmtfToIso, guidOrRaw, normalizeGuid } from './values.ts';
import { attribute, elementsNamed, firstElement, parseXml } from './xml.ts';
import type { XmlDocument, XmlElement } from './xml.ts';

const BODY_ROOT =
  /<(Report|WSUSLocationRequest|WSUSLocationReply|ContentLocationRequest|ContentLocationReply)(?=[\s/>]|$)/;
const ELIDED = /<XML (?:Report )?Body Truncated>/i;
const GUID_IN_CLIENT_ID = /[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}/;
const INTEGER = /^\s*-?\d{1,15}\s*$/;

/**
 * Fill `fields` from an XML body in `text`, if there is one. `seenGuids` are the GUIDs the plain-text scan
 * found: a GUID taken from the XML is reported only if it is one of them, so an id rebuilt by entity
 * decoding can never appear in the fields without appearing in the log. Returns the root element name.
 */
export function readBody(
  text: string,
  fields: MessageFields,
  seenGuids: readonly string[],
  times = true,
): string | undefined {
  const lt = text.indexOf('<');
  if (lt < 0) {
    return undefined;
  }
  if (ELIDED.test(text)) {
    fields.bodyElided = true;
    return undefined;
  }
  const root = BODY_ROOT.exec(lt === 0 ? text : text.slice(lt));
  if (root === null) {
    return undefined;
  }
  const doc = parseXml(text, lt + root.index);
  if (doc.malformed) {
    fields.bodyMalformed = true;
  }
  const known = (raw: string | undefined): string | undefined => {
    const g = raw === undefined ? undefined : normalizeGuid(raw);
    return g !== undefined && seenGuids.includes(g) ? g : undefined;
  };
  const name = root[1];
  switch (name) {
    case 'Report':
      readReport(doc, fields, known, times);
      break;
    case 'WSUSLocationRequest':
    case 'ContentLocationRequest':
      readLocationRequest(doc, fields, known);
      break;
    case 'WSUSLocationReply':
      readWsusLocationReply(doc, fields);
      break;
    case 'ContentLocationReply':
      readContentLocationReply(doc, fields);
      break;
  }
  return name;
}

type KnownGuid = (raw: string | undefined) => string | undefined;

function readReport(doc: XmlDocument, f: MessageFields, known: KnownGuid, times: boolean): void {
  const clientId = firstElement(doc, 'ClientID')?.text;
  const guidInText = clientId === undefined ? undefined : GUID_IN_CLIENT_ID.exec(clientId)?.[0];
  const client = known(guidInText);
  if (client !== undefined) {
    f.clientId = client;
  }
  const netbios = firstElement(doc, 'NetBIOSName')?.text.trim();
  if (netbios !== undefined && netbios !== '') {
    f.netbiosName = netbios;
  }
  const stateMessages: StateMessageRef[] = [];
  doc.elements.forEach((element, index) => {
    if (element.name === 'StateMessage') {
      stateMessages.push(readStateMessage(doc, index, element, known, times));
    }
  });
  if (stateMessages.length === 0) {
    return;
  }
  f.stateMessages = stateMessages;
  const first = stateMessages[0];
  if (first?.topicId !== undefined) {
    f.topicId = first.topicId;
  }
  if (first?.topicType !== undefined) {
    f.topicType = first.topicType;
  }
  if (first?.stateId !== undefined) {
    f.stateId = first.stateId;
  }
  if (first?.serialNumber !== undefined) {
    f.serialNumber = first.serialNumber;
  }
  if (first?.messageTimeUtc !== undefined) {
    f.messageTimeUtc = first.messageTimeUtc;
  }
}

function readStateMessage(
  doc: XmlDocument,
  index: number,
  element: XmlElement,
  known: KnownGuid,
  times: boolean,
): StateMessageRef {
  const topic = child(doc, index, 'Topic');
  const state = child(doc, index, 'State');
  const rawTopic = attribute(topic, 'ID');
  // Topic ids are update GUIDs (500), assignment ids (300-302) or other strings: only GUIDs are checked.
  const topicId =
    rawTopic === undefined ? undefined : normalizeGuid(rawTopic) === undefined ? guidOrRaw(rawTopic) : known(rawTopic);
  const topicType = integer(attribute(topic, 'Type'));
  const stateId = integer(attribute(state, 'ID'));
  const serialNumber = integer(attribute(element, 'SerialNumber'));
  const time = times ? attribute(element, 'MessageTime') : undefined;
  const messageTimeUtc = time === undefined ? undefined : dmtfToIso(time);
  // Built by assignment in a fixed order rather than by spreads of small objects: a relay's report body
  // holds many state messages, and the spreads were most of reading one.
  const ref: Mutable<StateMessageRef> = {};
  if (topicId !== undefined && topicId !== '') {
    ref.topicId = topicId;
  }
  if (topicType !== undefined) {
    ref.topicType = topicType;
  }
  if (stateId !== undefined) {
    ref.stateId = stateId;
  }
  if (serialNumber !== undefined) {
    ref.serialNumber = serialNumber;
  }
  if (messageTimeUtc !== undefined) {
    ref.messageTimeUtc = messageTimeUtc;
  }
  return ref;
}

function readLocationRequest(doc: XmlDocument, f: MessageFields, known: KnownGuid): void {
  const content = firstElement(doc, 'Content');
  const source = known(content?.attributes.get('ID'));
  if (source !== undefined) {
    f.updateSource = source;
  }
  setInt(f, 'contentVersion', attribute(content, 'Version'));
  const pkg = attribute(firstElement(doc, 'Package'), 'ID');
  if (pkg !== undefined && pkg !== '') {
    f.packageId = pkg;
  }
  setText(f, 'siteCode', attribute(firstElement(doc, 'AssignedSite'), 'SiteCode'));
  const ip = firstElement(doc, 'IPAddress');
  setText(f, 'clientIp', attribute(ip, 'Address'));
  setText(f, 'subnet', attribute(ip, 'SubnetAddress'));
  setText(f, 'adSite', attribute(firstElement(doc, 'ADSite'), 'Name'));
}

function readWsusLocationReply(doc: XmlDocument, f: MessageFields): void {
  const records = elementsNamed(doc, 'LocationRecord');
  // Explicitly empty when the MP returned no location: the failure signal of reference §6.3 / §7.1.
  f.wsusUrls = records.map((r) => attribute(r, 'WSUSURL')).filter((u): u is string => u !== undefined && u !== '');
  setText(f, 'siteCode', attribute(firstElement(doc, 'MPSite'), 'SiteCode'));
  setText(f, 'host', attribute(records[0], 'ServerName'));
  setInt(f, 'contentVersion', attribute(records[0], 'Version'));
}

function readContentLocationReply(doc: XmlDocument, f: MessageFields): void {
  setText(f, 'siteCode', attribute(firstElement(doc, 'MPSite'), 'SiteCode'));
  f.count = elementsNamed(doc, 'LocationRecord').length;
  setText(f, 'host', firstElement(doc, 'ServerRemoteName')?.text.trim());
}

function child(doc: XmlDocument, parent: number, name: string): XmlElement | undefined {
  for (let i = parent + 1; i < doc.elements.length; i++) {
    const element = doc.elements[i];
    if (element !== undefined && element.parent === parent && element.name === name) {
      return element;
    }
  }
  return undefined;
}

function integer(raw: string | undefined): number | undefined {
  if (raw === undefined || !INTEGER.test(raw)) {
    return undefined;
  }
  return Number.parseInt(raw, 10);
}

function setInt(f: MessageFields, key: 'contentVersion', raw: string | undefined): void {
  const n = integer(raw);
  if (n !== undefined) {
    f[key] = n;
  }
}

function setText(
  f: MessageFields,
  key: 'siteCode' | 'clientIp' | 'subnet' | 'adSite' | 'host',
  raw: string | undefined,
): void {
  if (raw !== undefined && raw !== '') {
    f[key] = raw;
  }
}
