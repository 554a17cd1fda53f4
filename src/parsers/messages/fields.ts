// Typed fields recognised in a message. Every identifier is normalised: GUIDs lowercase without braces,
// error codes as uppercase 8-digit hex with 0x (0x80072EE2), queue names with `mp:` written `mp_`.
// A message no grammar knows still gets `guids`, `errorCodes` and `urls`.

export interface UpdateRef {
  /** WSUS update ID, normalised GUID. */
  readonly id: string;
  readonly revision?: number;
  readonly kb?: string;
  readonly title?: string;
  /** `Missing`, `Installed`, ... as WUAHandler / UpdatesStore print it. */
  readonly state?: string;
}

export interface MessageFields {
  /** Stable name of the message template that matched, e.g. `ScanAgent.locationRequestId`. */
  event?: string;
  scanJob?: string;
  locationRequest?: string;
  updateSource?: string;
  contentVersion?: number;
  policyId?: string;
  policyVersion?: string;
  /** CCM message id (request side). */
  messageId?: string;
  /** CCM reply message id. */
  replyId?: string;
  queue?: string;
  endpoint?: string;
  /** A host named by the message (MP the client posted to, WSUS server, site server ...). */
  host?: string;
  /** WSUS server URL(s) in the order given. */
  wsusUrls?: string[];
  updates?: UpdateRef[];
  assignment?: string;
  job?: string;
  topicType?: number;
  topicId?: string;
  stateId?: number;
  serialNumber?: number;
  /** SMS unique id of the client (`GUID:...`), normalised GUID. */
  clientId?: string;
  netbiosName?: string;
  /** DMTF MessageTime of a state message, as ISO 8601 UTC. */
  messageTimeUtc?: string;
  clientIp?: string;
  smxFile?: string;
  /** Counts in StateSys / WSUS search lines (records processed, invalid records, updates found ...). */
  count?: number;
  invalidCount?: number;
  httpStatus?: number;
  httpMethod?: string;
  uriStem?: string;
  siteCode?: string;
  /** Normalised error codes found anywhere in the message. */
  errorCodes?: string[];
  /** Every GUID in the message, normalised, in order of appearance, without duplicates. */
  guids?: string[];
  urls?: string[];
}
