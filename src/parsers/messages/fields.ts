// Typed fields recognised in a message. Every identifier is normalised: GUIDs lowercase without braces,
// error codes as uppercase 8-digit hex with 0x (0x80072EE2), queue names with `mp:` written `mp_`.
// A message no grammar knows still gets `guids`, `errorCodes` and `urls` (each left out when empty, so that
// the millions of records without ids carry no empty arrays). Fields with an explicit `[]` mean "the
// message said there were none" — `wsusUrls: []` is an empty WSUS location reply, a failure signal.

export interface UpdateRef {
  /** WSUS update ID, normalised GUID. */
  readonly id: string;
  readonly revision?: number;
  readonly kb?: string;
  readonly title?: string;
  /** `Missing`, `Installed`, ... as WUAHandler / UpdatesStore print it. */
  readonly state?: string;
}

/** One `<StateMessage>` of a state-message report (a report may batch several). */
export interface StateMessageRef {
  readonly topicId?: string;
  readonly topicType?: number;
  readonly stateId?: number;
  readonly serialNumber?: number;
  /** DMTF MessageTime as ISO 8601 UTC. */
  readonly messageTimeUtc?: string;
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

  /** Win32 error written as a plain decimal (`error 53`), kept as written rather than turned into an HRESULT. */
  win32Error?: number;
  /** `Required-ContentVersion` of a ScanAgent scan request (`contentVersion` holds the policy's). */
  requiredContentVersion?: number;
  /** Update-source content type (2 = WSUS). */
  contentType?: number;
  scanType?: number;
  /** The step or call a message is about: `AddUpdateSource`, WU `Search`, `Finding updates`, ... */
  operation?: string;
  /** Windows Update caller (`ClientId = CcmExec`, `CallerId = CcmExec`); `CcmExec` marks ConfigMgr's own calls. */
  caller?: string;
  /** Windows Update service id (`ServiceID = {...}`), normalised GUID. */
  serviceId?: string;
  searchCriteria?: string;
  /** `SMS:<SiteCode>` of a policy path. */
  policySource?: string;
  /** Policy state as PolicyAgent prints it (`Active`, ...). */
  policyState?: string;
  /** Package of a location request when it is not an update source GUID (DP content requests). */
  packageId?: string;
  /** Product (category) id of an UpdatesStore update status, normalised GUID. */
  productId?: string;
  /** Update that supersedes `updates[0]` (WUAHandler pruning), normalised GUID. */
  supersededBy?: string;
  /** State name as the client prints it (`ASSIGNMENT_EVALUATE_SUCCESS`, ...). */
  stateName?: string;
  /** State-message topic written as a word (`Evaluate`, `Compliance`, `Enforce`). */
  topicTypeName?: string;
  compliant?: boolean;
  rebootRequired?: boolean;
  port?: number;
  protocol?: string;
  /** File or directory the message names (outbox dir, moved file's source, dropped notification file ...). */
  path?: string;
  /** Destination of a file move (MPFDM). */
  destinationPath?: string;
  priority?: number;
  /** MP relay file type (`SMX`, ...). */
  fileType?: string;
  /** SMSDBMON notification id in `[...][n]`: pairs an RCV line with its SND line. */
  notificationId?: number;
  /** SMSDBMON table and trigger of an RCV line. */
  table?: string;
  trigger?: string;
  /** Site-server task name (StateSys summarisation tasks). */
  task?: string;
  durationSeconds?: number;
  /** STATMSG `ID=` of a site-server status message. */
  statusMessageId?: number;
  /** STATMSG `GMTDATE=` as ISO 8601 UTC. */
  statusTimeUtc?: string;
  /** Free-text reason a component gave for a failure (`WSUS server not configured`, ...). */
  reason?: string;
  /** `soap client error = n` of a WU SyncUpdates failure. */
  soapClientError?: number;
  /** Subnet and AD site of the client in a WSUS location request. */
  subnet?: string;
  adSite?: string;
  /** Every `<StateMessage>` of a state-message report body, in order. */
  stateMessages?: StateMessageRef[];
  /** The log wrote a placeholder (`<XML Body Truncated>`) instead of the body. */
  bodyElided?: boolean;
  /** The embedded XML body was cut off or malformed; the fields hold what could be read. */
  bodyMalformed?: boolean;

  // --- Client Spy components (messages/spy.ts): software distribution, cache, inventory, metering, setup ---
  /** Software distribution advertisement (deployment) id, `PS120004`. */
  advertisement?: string;
  /** Software distribution program name as the advertisement names it. */
  programName?: string;
  /** Display name of a package, where a record states it. */
  packageName?: string;
  /** User an execution request or program run belongs to: a SID, or `System`. */
  user?: string;
  /** Execution request state before and after a change (`WaitingContent` → `Ready`). */
  fromState?: string;
  toState?: string;
  /** Exit code of a program or installer, as the decimal it was written as. */
  exitCode?: number;
  /** Execution status execmgr gives a finished run (`Success`, `FailureRetry`, `FailureNonRetry`). */
  executionStatus?: string;
  /** Context a program runs in (`Admin`, `User`). */
  executionContext?: string;
  /** Scheduler schedule id (`PS120005-PS100014-6F6BCC28`) and its trigger token. */
  scheduleId?: string;
  scheduleToken?: string;
  /** A host-local date and time a record names (`02/18/2025 11:00:00`), as written; no zone of its own. */
  localTimeText?: string;
  /** DataTransferService job id, normalised GUID (the CTM job is `job`). */
  dtsJob?: string;
  totalBytes?: number;
  transferredBytes?: number;
  totalFiles?: number;
  transferredFiles?: number;
  /** Size in KB a CAS cache record states (`of size (693K)`). */
  sizeKb?: number;
  /** Client cache size in MB. */
  cacheSizeMb?: number;
  /** Inventory action as InventoryAgent names it (`Hardware`, `Software`, `Discovery`, ...). */
  inventoryAction?: string;
  /** Inventory report type (`Full`, `Delta`, `Resync`). */
  reportType?: string;
  majorVersion?: number;
  minorVersion?: number;
  /** Software metering rule id and the file it meters. */
  ruleId?: string;
  fileName?: string;
  originalFileName?: string;
  fileVersion?: string;
  languageId?: number;
  /** ConfigMgr client version (`5.00.9128.1000`). */
  clientVersion?: string;
  /** Windows process id a record names. */
  processId?: number;
}

/** A fields type as its reader builds it, by assignment (`MessageFields` and its parts are read-only). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
