// messageFields against every verbatim line of reference §6 (and the failure lines of §6.6, §6.7, §6.10,
// §7.1), the documented spacing quirks, SMS-trace `~` markers, generic extraction, property tests, and a
// throughput measurement that only logs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageFields } from '../../src/parsers/messages/fields.ts';
import { isContentLocationBody, messageFields, normalizeTildes } from '../../src/parsers/messages/grammar.ts';
import { literalHead } from '../../src/parsers/messages/template.ts';
import type { LogFormat } from '../../src/parsers/record.ts';

// Ids of the reference's walk-through, normalised.
const US = 'c2d17964-bbdd-4339-b9f3-12d7205b39cc'; // UpdateSource
const JOB = '4cd06388-d509-46e4-8c00-75909edd9ee8'; // ScanJob
const LR = 'c2bb9710-c548-49d0-9df8-5f9cfc5f3862'; // LocationRequest
const MSG = '76453cc6-76ba-4b68-be30-ba70754570bb';
const REPLY = '8e6d05ef-b77f-4ad0-af64-1c6f3069a29c';
const STATE_MSG = '95f79010-d0eb-49a6-8a1e-3897883105f2';
const POLICY = 'd0855677-b0a6-4e33-9bd5-7b0d06f0a2be';
const UPD = '11112222-bbbb-3333-cccc-4444dddd5555';
const CLIENT = '00001111-aaaa-2222-bbbb-3333cccc4444';
const ASSIGN = 'b040d195-8fa8-48d3-953f-17e878dab23d';
const DJOB = '99ada372-0738-44e4-9c4d-eba30f23e9fd';
const SITE_GUID = 'd3a5f7ea-25d4-4c6b-b47c-c74997522a76';
const SUM = 'e06056e3-0199-4c68-8ac3-bdddff356a0a';
const SERVICE = '3da21691-e39d-4da6-8a4b-b43877bcb1b7';
const WSUS1 = 'http://PS1SITE.CONTOSO.COM:8530';
const WSUS2 = 'https://PS1SYS.CONTOSO.COM:8531';

type Case = readonly [component: string, format: LogFormat, text: string, expected: MessageFields];

function check(cases: readonly Case[]): void {
  it.each(cases.map(([component, format, text, expected]) => ({ component, format, text, expected })))(
    '$component: $text',
    ({ component, format, text, expected }) => {
      expect(messageFields(component, text, format)).toEqual(expected);
    },
  );
}

describe('§6.0 WSyncMgr, SMSDBMON, PolicyPv', () => {
  const W = 'SMS_WSUS_SYNC_MANAGER';
  check([
    [
      W,
      'sms',
      'Done synchronizing SMS with WSUS Server cs1site.contoso.com',
      { event: 'WSyncMgr.syncDone', host: 'cs1site.contoso.com' },
    ],
    [
      W,
      'sms',
      'Set content version of update source {C2D17964-BBDD-4339-B9F3-12D7205B39CC} for site CS1 to 34',
      { event: 'WSyncMgr.contentVersionSet', updateSource: US, siteCode: 'CS1', contentVersion: 34, guids: [US] },
    ],
    [
      W,
      'sms',
      'STATMSG: ID=6702 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=<SERVEFRFQDN> SITE=CS1 PID=432 TID=3404 GMTDATE=Thu Jan 16 18:57:46.304 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0',
      {
        event: 'StatusMessage.raised',
        statusMessageId: 6702,
        siteCode: 'CS1',
        statusTimeUtc: '2014-01-16T18:57:46.304Z',
      },
    ],
    [
      W,
      'sms',
      'Sync succeeded. Setting sync alert to canceled state on site CS1',
      { event: 'WSyncMgr.syncSucceeded', siteCode: 'CS1' },
    ],
    [
      W,
      'sms',
      'Updated 130 items in SMS database, new update source content version is 34',
      { event: 'WSyncMgr.itemsUpdated', count: 130, contentVersion: 34 },
    ],
    [W, 'sms', 'Sync time: 0d00h03m53s', { event: 'WSyncMgr.syncTime', durationSeconds: 233 }],
    [
      W,
      'sms',
      'Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details. Source: CWSyncMgr::DoSync',
      {
        event: 'WSyncMgr.syncFailed',
        reason: 'WSUS server not configured. Please refer to WCM.log for configuration error details',
        operation: 'CWSyncMgr::DoSync',
      },
    ],
    [
      W,
      'sms',
      'Sync failed. Will retry in 60 minutes',
      { event: 'WSyncMgr.syncRetryScheduled', durationSeconds: 3600 },
    ],
    [
      'SMS_DATABASE_NOTIFICATION_MONITOR',
      'sms',
      'RCV: UPDATE on Update_SyncStatus for UpdSyncStatus_iu [{C2D17964-BBDD-4339-B9F3-12D7205B39CC}][46680]',
      {
        event: 'SMSDBMON.received',
        operation: 'UPDATE',
        table: 'Update_SyncStatus',
        trigger: 'UpdSyncStatus_iu',
        notificationId: 46680,
        updateSource: US,
        guids: [US],
      },
    ],
    [
      'SMS_DATABASE_NOTIFICATION_MONITOR',
      'sms',
      'SND: Dropped E:\\ConfigMgr\\inboxes\\policypv.box\\{C2D17964-BBDD-4339-B9F3-12D7205B39CC}.STN (non-zero) [46680]',
      {
        event: 'SMSDBMON.dropped',
        path: 'E:\\ConfigMgr\\inboxes\\policypv.box\\{C2D17964-BBDD-4339-B9F3-12D7205B39CC}.STN',
        reason: 'non-zero',
        notificationId: 46680,
        updateSource: US,
        guids: [US],
      },
    ],
    [
      'SMS_POLICY_PROVIDER',
      'sms',
      'Found {C2D17964-BBDD-4339-B9F3-12D7205B39CC}.STN',
      {
        event: 'PolicyPv.notificationFound',
        path: '{C2D17964-BBDD-4339-B9F3-12D7205B39CC}.STN',
        updateSource: US,
        guids: [US],
      },
    ],
    [
      'SMS_POLICY_PROVIDER',
      'sms',
      'Added Scan Tool ID {C2D17964-BBDD-4339-B9F3-12D7205B39CC}',
      { event: 'PolicyPv.scanToolAdded', updateSource: US, guids: [US] },
    ],
    [
      'SMS_POLICY_PROVIDER',
      'sms',
      'Adding to delete list: E:\\ConfigMgr\\inboxes\\policypv.box\\{C2D17964-BBDD-4339-B9F3-12D7205B39CC}.STN',
      {
        event: 'PolicyPv.addedToDeleteList',
        path: 'E:\\ConfigMgr\\inboxes\\policypv.box\\{C2D17964-BBDD-4339-B9F3-12D7205B39CC}.STN',
        updateSource: US,
        guids: [US],
      },
    ],
    // §6.0 failure texts
    [
      W,
      'sms',
      'Sync failed: UssCommunicationError: WebException: The request failed with HTTP status 503: Service Unavailable. Source: Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer',
      {
        event: 'WSyncMgr.syncFailed',
        reason: 'UssCommunicationError: WebException: The request failed with HTTP status 503: Service Unavailable',
        operation: 'Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer',
        httpStatus: 503,
      },
    ],
    [W, 'sms', '0x80072EFE - The connection with the server was terminated abnormally', { errorCodes: ['0x80072EFE'] }],
  ]);
});

describe('§6.1 PolicyAgent / PolicyEvaluator', () => {
  // The reference's stray space inside some PolicyIDs is a documentation artefact (§6 note): such a value
  // is not a GUID, so it is kept as written and reported in no GUID field.
  const artefact = '{d0855677-b0a6-4e33-9bd5- 7b0d06f0a2be}';
  check([
    [
      'PolicyAgent_ReplyAssignments',
      'ccm',
      `Successfully initiated download of policy 'CCM_Policy_Policy5.PolicyID="{d0855677-b0a6-4e33-9bd5- 7b0d06f0a2be}",PolicySource="SMS:PS1",PolicyVersion="40.00"'`,
      {
        event: 'PolicyAgent.downloadInitiated',
        policyId: artefact,
        policySource: 'SMS:PS1',
        siteCode: 'PS1',
        policyVersion: '40.00',
      },
    ],
    [
      'PolicyAgent_PolicyDownload',
      'ccm',
      `Policy 'CCM_Policy_Policy5.PolicyID="{d0855677-b0a6-4e33-9bd5-7b0d06f0a2be}",PolicyVersion="40.00",PolicySource="SMS:PS1"' successfully compiled`,
      {
        event: 'PolicyAgent.compiled',
        policyId: POLICY,
        policyVersion: '40.00',
        policySource: 'SMS:PS1',
        siteCode: 'PS1',
        guids: [POLICY],
      },
    ],
    [
      'PolicyAgent_PolicyEvaluator',
      'ccm',
      `Updating policy CCM_Policy_Policy5.PolicyID="{d0855677-b0a6-4e33-9bd5- 7b0d06f0a2be}",PolicySource="SMS:PS1",PolicyVersion="40.00"`,
      {
        event: 'PolicyAgent.updating',
        policyId: artefact,
        policySource: 'SMS:PS1',
        siteCode: 'PS1',
        policyVersion: '40.00',
      },
    ],
    [
      'PolicyAgent_PolicyEvaluator',
      'ccm',
      `Applied policy CCM_Policy_Policy5.PolicyID="{d0855677-b0a6-4e33-9bd5- 7b0d06f0a2be}",PolicySource="SMS:PS1",PolicyVersion="40.00"`,
      {
        event: 'PolicyAgent.applied',
        policyId: artefact,
        policySource: 'SMS:PS1',
        siteCode: 'PS1',
        policyVersion: '40.00',
      },
    ],
    [
      'PolicyAgent_PolicyEvaluator',
      'ccm',
      `Policy state for [CCM_Policy_Policy5.PolicyID="{d0855677-b0a6-4e33-9bd5-7b0d06f0a2be}",PolicyVersion="40.00",PolicySource="SMS:PS1"] is currently [Active]`,
      {
        event: 'PolicyAgent.state',
        policyState: 'Active',
        policyId: POLICY,
        policyVersion: '40.00',
        policySource: 'SMS:PS1',
        siteCode: 'PS1',
        guids: [POLICY],
      },
    ],
    [
      'PolicyAgent_ReplyAssignments',
      'ccm',
      `Initializing download of policy 'CCM_Policy_Policy5.PolicyID="{B040D195-8FA8-48D3-953F-17E878DAB23D}",PolicySource="SMS:PR1",PolicyVersion="1.00"' from 'http://PR1SITE.CONTOSO.COM/SMS_MP/.sms_pol?{B040D195-8FA8-48D3-953F-17E878DAB23D}.SHA256:0EE4'`,
      {
        event: 'PolicyAgent.downloadInitializing',
        policyId: ASSIGN,
        policySource: 'SMS:PR1',
        siteCode: 'PR1',
        policyVersion: '1.00',
        guids: [ASSIGN],
        urls: ['http://PR1SITE.CONTOSO.COM/SMS_MP/.sms_pol?{B040D195-8FA8-48D3-953F-17E878DAB23D}.SHA256:0EE4'],
      },
    ],
    [
      'PolicyAgent_PolicyDownload',
      'ccm',
      'Download of policy CCM_Policy_Policy5.PolicyID="{B040D195-8FA8-48D3-953F-17E878DAB23D}",PolicySource="SMS:PR1",PolicyVersion="1.00" completed (DTS Job ID: {D53DAB18-ED97-4373-A3BE-3FBA5DB3C6C6})',
      {
        event: 'PolicyAgent.downloadCompleted',
        job: 'd53dab18-ed97-4373-a3be-3fba5db3c6c6',
        policyId: ASSIGN,
        policySource: 'SMS:PR1',
        siteCode: 'PR1',
        policyVersion: '1.00',
        guids: [ASSIGN, 'd53dab18-ed97-4373-a3be-3fba5db3c6c6'],
      },
    ],
    // PolicyEvaluator* components share the grammar.
    [
      'PolicyEvaluator_Something',
      'ccm',
      `Applied policy CCM_Policy_Policy5.PolicyID="{d0855677-b0a6-4e33-9bd5-7b0d06f0a2be}",PolicySource="SMS:PS1",PolicyVersion="40.00"`,
      {
        event: 'PolicyAgent.applied',
        policyId: POLICY,
        policySource: 'SMS:PS1',
        siteCode: 'PS1',
        policyVersion: '40.00',
        guids: [POLICY],
      },
    ],
  ]);
});

describe('§6.2 ScanAgent', () => {
  const S = 'ScanAgent';
  check([
    [S, 'ccm', 'Inside CScanAgent::Notify()', { event: 'ScanAgent.notify' }],
    [
      S,
      'ccm',
      'CScanAgent::OnPolicyChange- Policy InstanceModificationEvent notification received',
      { event: 'ScanAgent.policyChange' },
    ],
    [
      S,
      'ccm',
      'CScanAgent::ScanByUpdates- Policy available for UpdateSourceID={C2D17964-BBDD-4339-B9F3-12D7205B39CC} ContentVersion=38',
      { event: 'ScanAgent.policyAvailable', updateSource: US, contentVersion: 38, guids: [US] },
    ],
    [
      S,
      'ccm',
      'CScanAgent::ScanByUpdates- Added Policy to final ScanRequest List UpdateSourceID={C2D17964-BBDD-4339-B9F3-12D7205B39CC}, Policy-ContentVersion=38, Required-ContentVersion=38',
      {
        event: 'ScanAgent.scanRequestAdded',
        updateSource: US,
        contentVersion: 38,
        requiredContentVersion: 38,
        guids: [US],
      },
    ],
    [S, 'ccm', 'Inside CScanAgent::ProcessScanRequest()', { event: 'ScanAgent.processScanRequest' }],
    [S, 'ccm', 'CScanJobManager::Scan- entered', { event: 'ScanAgent.scanJobManagerScan' }],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Initialize- entered',
      { event: 'ScanAgent.scanJobInitialize', scanJob: JOB, guids: [JOB] },
    ],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Scan- entered',
      { event: 'ScanAgent.scanJobScan', scanJob: JOB, guids: [JOB] },
    ],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::RequestLocations- entered',
      { event: 'ScanAgent.requestLocations', scanJob: JOB, guids: [JOB] },
    ],
    [
      S,
      'ccm',
      '- - - - - -Requesting WSUS Server Locations from LS for {C2D17964-BBDD-4339-B9F3-12D7205B39CC} version 38',
      { event: 'ScanAgent.requestingLocations', updateSource: US, contentVersion: 38, guids: [US] },
    ],
    [
      S,
      'ccm',
      '- - - - - -Location Request ID = {C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}',
      { event: 'ScanAgent.locationRequestId', locationRequest: LR, guids: [LR] },
    ],
    [
      S,
      'ccm',
      'CScanAgentCache::PersistInstanceInCache- Persisted Instance CCM_ScanJobInstance',
      { event: 'ScanAgent.instancePersisted' },
    ],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): - - - - - -Locations requested for ScanJobID={4CD06388-D509-46E4-8C00-75909EDD9EE8} (LocationRequestID={C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}), will process the scan request once locations are available.',
      { event: 'ScanAgent.locationsRequested', scanJob: JOB, locationRequest: LR, guids: [JOB, LR] },
    ],
    [
      S,
      'ccm',
      '*****WSUSLocationUpdate received for location request guid={C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}',
      { event: 'ScanAgent.locationUpdateReceived', locationRequest: LR, guids: [LR] },
    ],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::OnLocationUpdate- Received Location=http://PS1SITE.CONTOSO.COM:8530, Version=38',
      {
        event: 'ScanAgent.locationReceived',
        scanJob: JOB,
        wsusUrls: [WSUS1],
        contentVersion: 38,
        guids: [JOB],
        urls: [WSUS1],
      },
    ],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Execute- Adding UpdateSource={C2D17964-BBDD-4339-B9F3-12D7205B39CC}, ContentType=2, ContentLocation=http://PS1SITE.CONTOSO.COM:8530, ContentVersion=38',
      {
        event: 'ScanAgent.addingUpdateSource',
        scanJob: JOB,
        updateSource: US,
        contentType: 2,
        wsusUrls: [WSUS1],
        contentVersion: 38,
        guids: [JOB, US],
        urls: [WSUS1],
      },
    ],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): Raised UpdateSource ({C2D17964-BBDD-4339-B9F3-12D7205B39CC}) state message successfully. StateId = 2',
      { event: 'ScanAgent.updateSourceStateRaised', scanJob: JOB, updateSource: US, stateId: 2, guids: [JOB, US] },
    ],
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Execute - successfully requested Scan, ScanType=1',
      { event: 'ScanAgent.scanRequested', scanJob: JOB, scanType: 1, guids: [JOB] },
    ],
    [S, 'ccm', 'CScanAgent::ScanComplete- Scan completion received.', { event: 'ScanAgent.scanComplete' }],
    [
      S,
      'ccm',
      'CScanJob::Execute- Failed at AddUpdateSource, Error = 0x87d00692',
      { event: 'ScanAgent.executeFailed', operation: 'AddUpdateSource', errorCodes: ['0x87D00692'] },
    ],
    // documented spacing quirks: `Execute-` vs `Execute -`, with and without the `- - -` prefix
    [
      S,
      'ccm',
      'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Execute- successfully requested Scan, ScanType=1',
      { event: 'ScanAgent.scanRequested', scanJob: JOB, scanType: 1, guids: [JOB] },
    ],
    [
      S,
      'ccm',
      'CScanJob::Execute - Failed at AddUpdateSource, Error = 0x87d00692',
      { event: 'ScanAgent.executeFailed', operation: 'AddUpdateSource', errorCodes: ['0x87D00692'] },
    ],
    [
      S,
      'ccm',
      'Location Request ID = {C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}',
      { event: 'ScanAgent.locationRequestId', locationRequest: LR, guids: [LR] },
    ],
  ]);
});

describe('§6.3 LocationServices', () => {
  const L = 'LocationServices';
  check([
    [L, 'ccm', 'CCCMWSUSLocation::GetLocationsAsyncEx', { event: 'LocationServices.getLocationsAsync' }],
    [
      L,
      'ccm',
      "Attempting to persist WSUS location request for ContentID='{C2D17964-BBDD-4339-B9F3-12D7205B39CC}' and ContentVersion='38'",
      { event: 'LocationServices.persistingWsusRequest', updateSource: US, contentVersion: 38, guids: [US] },
    ],
    [L, 'ccm', 'Persisted WSUS location request', { event: 'LocationServices.wsusRequestPersisted' }],
    [
      L,
      'ccm',
      "Attempting to send WSUS Location Request for ContentID='{C2D17964-BBDD-4339-B9F3-12D7205B39CC}'",
      { event: 'LocationServices.sendingWsusRequest', updateSource: US, guids: [US] },
    ],
    // Verbatim, with the reference's stray space inside the Content ID: no update source can be read.
    [
      L,
      'ccm',
      'WSUSLocationRequest : <WSUSLocationRequest SchemaVersion="1.00"><Content ID="{C2D17964-BBDD-4339-B9F3- 12D7205B39CC}" Version="38"/><AssignedSite SiteCode="PS1"/><ClientLocationInfo OnInternet="0"><ADSite Name="CM12-R2- PS1"/><Forest Name="CONTOSO.COM"/><Domain Name="CONTOSO.COM"/><IPAddresses><IPAddress SubnetAddress="192.168.2.0" Address="192.168.2.62"/></IPAddresses></ClientLocationInfo></WSUSLocationRequest>',
      {
        event: 'LocationServices.wsusLocationRequest',
        contentVersion: 38,
        siteCode: 'PS1',
        clientIp: '192.168.2.62',
        subnet: '192.168.2.0',
        adSite: 'CM12-R2- PS1',
      },
    ],
    // The same request as a real log writes the GUID.
    [
      L,
      'ccm',
      'WSUSLocationRequest : <WSUSLocationRequest SchemaVersion="1.00"><Content ID="{C2D17964-BBDD-4339-B9F3-12D7205B39CC}" Version="38"/><AssignedSite SiteCode="PS1"/><ClientLocationInfo OnInternet="0"><ADSite Name="CM12-R2-PS1"/><IPAddresses><IPAddress SubnetAddress="192.168.2.0" Address="192.168.2.62"/></IPAddresses></ClientLocationInfo></WSUSLocationRequest>',
      {
        event: 'LocationServices.wsusLocationRequest',
        updateSource: US,
        contentVersion: 38,
        siteCode: 'PS1',
        clientIp: '192.168.2.62',
        subnet: '192.168.2.0',
        adSite: 'CM12-R2-PS1',
        guids: [US],
      },
    ],
    [
      L,
      'ccm',
      "Created and Sent Location Request '{C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}' for package {C2D17964-BBDD-4339-B9F3- 12D7205B39CC}",
      { event: 'LocationServices.locationRequestSent', locationRequest: LR, guids: [LR] },
    ],
    [
      L,
      'ccm',
      "Created and Sent Location Request '{C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}' for package {C2D17964-BBDD-4339-B9F3-12D7205B39CC}",
      { event: 'LocationServices.locationRequestSent', locationRequest: LR, updateSource: US, guids: [LR, US] },
    ],
    [
      L,
      'ccm',
      "Created and Sent Location Request '{C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}' for package PR100012",
      { event: 'LocationServices.locationRequestSent', locationRequest: LR, packageId: 'PR100012', guids: [LR] },
    ],
    [L, 'ccm', 'Processing Location reply message', { event: 'LocationServices.processingReply' }],
    [
      L,
      'ccm',
      'WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/><LocationRecords><LocationRecord WSUSURL="http://PS1SITE.CONTOSO.COM:8530" ServerName="PS1SITE.CONTOSO.COM" Version="38"/><LocationRecord WSUSURL="https://PS1SYS.CONTOSO.COM:8531" ServerName="PS1SYS.CONTOSO.COM" Version="38"/></LocationRecords></Site></Sites></WSUSLocationReply>',
      {
        event: 'LocationServices.wsusLocationReply',
        wsusUrls: [WSUS1, WSUS2],
        siteCode: 'PS1',
        host: 'PS1SITE.CONTOSO.COM',
        contentVersion: 38,
        urls: [WSUS1, WSUS2],
      },
    ],
    [
      L,
      'ccm',
      'Calling back with the following WSUS locations',
      { event: 'LocationServices.callingBackWsusLocations' },
    ],
    [
      L,
      'ccm',
      "WSUS Path='http://PS1SITE.CONTOSO.COM:8530', Server='PS1SITE.CONTOSO.COM', Version='38'",
      {
        event: 'LocationServices.wsusPath',
        wsusUrls: [WSUS1],
        host: 'PS1SITE.CONTOSO.COM',
        contentVersion: 38,
        urls: [WSUS1],
      },
    ],
    [
      L,
      'ccm',
      "WSUS Path='https://PS1SYS.CONTOSO.COM:8531', Server='PS1SYS.CONTOSO.COM', Version='38'",
      {
        event: 'LocationServices.wsusPath',
        wsusUrls: [WSUS2],
        host: 'PS1SYS.CONTOSO.COM',
        contentVersion: 38,
        urls: [WSUS2],
      },
    ],
    [
      L,
      'ccm',
      'Calling back with locations for WSUS request {C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}',
      { event: 'LocationServices.callingBackWsusRequest', locationRequest: LR, guids: [LR] },
    ],
    // DP content flow in the same log (§6.3, S4)
    [
      L,
      'ccm',
      'Created filter for LS request {C56C01F2-1111-2222-3333-444455556666}.',
      {
        event: 'LocationServices.filterCreated',
        locationRequest: 'c56c01f2-1111-2222-3333-444455556666',
        guids: ['c56c01f2-1111-2222-3333-444455556666'],
      },
    ],
    [
      L,
      'ccm',
      'Calling back with locations for location request {C56C01F2-1111-2222-3333-444455556666}',
      {
        event: 'LocationServices.callingBackLocationRequest',
        locationRequest: 'c56c01f2-1111-2222-3333-444455556666',
        guids: ['c56c01f2-1111-2222-3333-444455556666'],
      },
    ],
    [
      L,
      'ccm',
      'ContentLocationReply : <ContentLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PR1" MasterSiteCode="PR1"/><LocationRecords><LocationRecord><URL Name="http://DP1.CONTOSO.COM/SMS_DP_SMSPKG$/PR100012"/><ServerRemoteName>DP1.CONTOSO.COM</ServerRemoteName></LocationRecord></LocationRecords></Site></Sites></ContentLocationReply>',
      {
        event: 'LocationServices.contentLocationReply',
        siteCode: 'PR1',
        count: 1,
        host: 'DP1.CONTOSO.COM',
        urls: ['http://DP1.CONTOSO.COM/SMS_DP_SMSPKG$/PR100012'],
      },
    ],
    // §7.1 failure signal: the empty reply, with and without an empty XML element.
    [L, 'ccm', 'WSUSLocationReply : ', { event: 'LocationServices.wsusLocationReply', wsusUrls: [] }],
    [
      L,
      'ccm',
      'WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/><LocationRecords/></Site></Sites></WSUSLocationReply>',
      { event: 'LocationServices.wsusLocationReply', wsusUrls: [], siteCode: 'PS1' },
    ],
  ]);
});

describe('§6.4 CcmMessaging', () => {
  const C = 'CcmMessaging';
  check([
    [
      C,
      'ccm',
      "Sending async message '{76453CC6-76BA-4B68-BE30-BA70754570BB}' to outgoing queue 'mp:[http]mp_locationmanager'",
      { event: 'CcmMessaging.sendingAsync', messageId: MSG, queue: 'mp_[http]mp_locationmanager', guids: [MSG] },
    ],
    [
      C,
      'ccm',
      "Sending outgoing message '{76453CC6-76BA-4B68-BE30-BA70754570BB}'. Flags 0x200, sender account empty",
      { event: 'CcmMessaging.sendingOutgoing', messageId: MSG, guids: [MSG] },
    ],
    [
      C,
      'ccm',
      "Message '{76453CC6-76BA-4B68-BE30-BA70754570BB}' got reply '{8E6D05EF-B77F-4AD0-AF64-1C6F3069A29C}' to local endpoint queue 'LS_ReplyLocations'",
      {
        event: 'CcmMessaging.gotReply',
        messageId: MSG,
        replyId: REPLY,
        endpoint: 'LS_ReplyLocations',
        guids: [MSG, REPLY],
      },
    ],
    [
      C,
      'ccm',
      "OutgoingMessage(Queue='mp_[http]mp_locationmanager', ID={76453CC6-76BA-4B68-BE30-BA70754570BB}): Delivered successfully to host 'PS1SYS.CONTOSO.COM'.",
      {
        event: 'CcmMessaging.delivered',
        queue: 'mp_[http]mp_locationmanager',
        messageId: MSG,
        host: 'PS1SYS.CONTOSO.COM',
        guids: [MSG],
      },
    ],
    [
      C,
      'ccm',
      "Message '{8E6D05EF-B77F-4AD0-AF64-1C6F3069A29C}' delivered to endpoint 'LS_ReplyLocations'",
      { event: 'CcmMessaging.deliveredToEndpoint', messageId: REPLY, endpoint: 'LS_ReplyLocations', guids: [REPLY] },
    ],
    [
      C,
      'ccm',
      "Sending async message '{95F79010-D0EB-49A6-8A1E-3897883105F2}' to outgoing queue 'mp:mp_relayendpoint'",
      { event: 'CcmMessaging.sendingAsync', messageId: STATE_MSG, queue: 'mp_mp_relayendpoint', guids: [STATE_MSG] },
    ],
    [
      C,
      'ccm',
      "Sending outgoing message '{95F79010-D0EB-49A6-8A1E-3897883105F2}'. Flags 0x200, sender account empty",
      { event: 'CcmMessaging.sendingOutgoing', messageId: STATE_MSG, guids: [STATE_MSG] },
    ],
    [
      C,
      'ccm',
      'POST: Host=PS1SYS.CONTOSO.COM, Path=/ccm_system/request, Port=443, Protocol=https, Flags=512, Options=480',
      {
        event: 'CcmMessaging.post',
        httpMethod: 'POST',
        host: 'PS1SYS.CONTOSO.COM',
        uriStem: '/ccm_system/request',
        port: 443,
        protocol: 'https',
      },
    ],
    [
      C,
      'ccm',
      "Message '{95F79010-D0EB-49A6-8A1E-3897883105F2}' doesn't have reply",
      { event: 'CcmMessaging.noReply', messageId: STATE_MSG, guids: [STATE_MSG] },
    ],
    [
      C,
      'ccm',
      "OutgoingMessage(Queue='mp_mp_relayendpoint', ID={95F79010-D0EB-49A6-8A1E-3897883105F2}): Delivered successfully to host 'PS1SYS.CONTOSO.COM'.",
      {
        event: 'CcmMessaging.delivered',
        queue: 'mp_mp_relayendpoint',
        messageId: STATE_MSG,
        host: 'PS1SYS.CONTOSO.COM',
        guids: [STATE_MSG],
      },
    ],
    // §1.2 raw S7 form with a placeholder host
    [
      C,
      'ccm',
      "OutgoingMessage(Queue='mp_mp_relayendpoint', ID={A9E7A07D-223D-4F5D-93D5-15AF5B72E05C}): Delivered successfully to host '_host_name_'.",
      {
        event: 'CcmMessaging.delivered',
        queue: 'mp_mp_relayendpoint',
        messageId: 'a9e7a07d-223d-4f5d-93d5-15af5b72e05c',
        host: '_host_name_',
        guids: ['a9e7a07d-223d-4f5d-93d5-15af5b72e05c'],
      },
    ],
  ]);
});

describe('§6.5 MP_Location', () => {
  const M = 'MP_LocationManager';
  check([
    [
      M,
      'ccm',
      'MP LM: Message Body : <WSUSLocationRequest SchemaVersion="1.00"><Content ID="{C2D17964-BBDD-4339-B9F3- 12D7205B39CC}" Version="38"/><AssignedSite SiteCode="PS1"/><ClientLocationInfo OnInternet="0"><ADSite Name="CM12-R2- PS1"/><Forest Name="CONTOSO.COM"/><Domain Name="CONTOSO.COM"/><IPAddresses><IPAddress SubnetAddress="192.168.2.0" Address="192.168.2.62"/></IPAddresses></ClientLocationInfo></WSUSLocationRequest>',
      {
        event: 'MPLocation.requestBody',
        contentVersion: 38,
        siteCode: 'PS1',
        clientIp: '192.168.2.62',
        subnet: '192.168.2.0',
        adSite: 'CM12-R2- PS1',
      },
    ],
    [
      M,
      'ccm',
      'MP LM: calling MP_GetWSUSServerLocations',
      { event: 'MPLocation.calling', operation: 'MP_GetWSUSServerLocations' },
    ],
    [
      M,
      'ccm',
      'MP LM: Reply message body:\n<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/><LocationRecords><LocationRecord WSUSURL="http://PS1SITE.CONTOSO.COM:8530" ServerName="PS1SITE.CONTOSO.COM" Version="38"/><LocationRecord WSUSURL="https://PS1SYS.CONTOSO.COM:8531" ServerName="PS1SYS.CONTOSO.COM" Version="38"/></LocationRecords></Site></Sites></WSUSLocationReply>',
      {
        event: 'MPLocation.replyBody',
        wsusUrls: [WSUS1, WSUS2],
        siteCode: 'PS1',
        host: 'PS1SITE.CONTOSO.COM',
        contentVersion: 38,
        urls: [WSUS1, WSUS2],
      },
    ],
  ]);
});

describe('§6.5 MP_Location: DP content bodies told from the text', () => {
  const M = 'MP_LocationManager';
  const dpRequest =
    '<ContentLocationRequest SchemaVersion="1.00" ExcludeFileList=""><Package ID="PS1100088" Version="7"/><AssignedSite SiteCode="PS1"/><ClientLocationInfo LocationType="SMSPACKAGE"><ADSite Name="HQ"/><IPAddresses><IPAddress SubnetAddress="10.10.0.0" Address="10.10.0.81"/></IPAddresses></ClientLocationInfo></ContentLocationRequest>';
  const dpReply =
    '<ContentLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/><LocationRecords><LocationRecord><ServerRemoteName>PS1DP01.CONTOSO.COM</ServerRemoteName></LocationRecord></LocationRecords></Site></Sites></ContentLocationReply>';
  const wsusRequest = `<WSUSLocationRequest SchemaVersion="1.00"><Content ID="{${US}}" Version="38"/><AssignedSite SiteCode="PS1"/></WSUSLocationRequest>`;
  const wsusReply = `<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><LocationRecords><LocationRecord WSUSURL="${WSUS1}" ServerName="PS1SITE" Version="38"/></LocationRecords></Site></Sites></WSUSLocationReply>`;
  const heads = [
    'MP LM: Message Body : ',
    'MP LM: Reply message body:\n',
    'MP LM: Message Body:',
    'MP LM: calling ',
    'MP LM: message body : ',
    'Message Body : ',
  ];
  const bodies = [
    dpRequest,
    dpReply,
    wsusRequest,
    wsusReply,
    // A Content element inside a DP request could name an update source.
    dpRequest.replace('<Package ', `<Content ID="{${US}}" Version="3"/><Package `),
    dpRequest.replace('<Package ', '<Content\tID="x"/><Package '),
    `${dpRequest} ${wsusRequest}`,
    `${wsusReply} ${dpReply}`,
    '<XML Body Truncated>',
    `(see <note>) ${dpReply}`,
    dpRequest.replace('ContentLocationRequest SchemaVersion', 'ContentLocationRequestX SchemaVersion'),
    `~${dpRequest}~~`,
    dpReply.slice(0, 60),
  ];

  /** What collect drops once the message is read: a location body naming no update source and no WSUS server. */
  const dropped = (f: MessageFields): boolean =>
    (f.event === 'MPLocation.requestBody' && f.updateSource === undefined) ||
    (f.event === 'MPLocation.replyBody' && f.wsusUrls === undefined);

  it('is true only for bodies that reading would drop, and for every DP request and reply as ConfigMgr writes them', () => {
    for (const component of [M, 'MP_Location', 'LocationServices']) {
      for (const format of ['ccm', 'sms'] as const) {
        for (const head of heads) {
          for (const body of bodies) {
            const text = head + body;
            if (isContentLocationBody(component, text, format)) {
              expect(
                dropped(messageFields(component, text, format, { guids: false, urls: false, times: false })),
                text,
              ).toBe(true);
            }
          }
        }
      }
    }
    for (const text of [
      `MP LM: Message Body : ${dpRequest}`,
      `MP LM: Reply message body:\n${dpReply}`,
      `MP LM: Message Body : ${dpReply}`,
    ]) {
      expect(isContentLocationBody(M, text, 'ccm')).toBe(true);
      expect(dropped(messageFields(M, text, 'ccm'))).toBe(true);
    }
    for (const text of [`MP LM: Message Body : ${wsusRequest}`, `MP LM: Reply message body:\n${wsusReply}`]) {
      expect(isContentLocationBody(M, text, 'ccm')).toBe(false);
      expect(dropped(messageFields(M, text, 'ccm'))).toBe(false);
    }
    expect(isContentLocationBody('LocationServices', `MP LM: Message Body : ${dpRequest}`, 'ccm')).toBe(false);
  });
});

describe('§6.6 WUAHandler', () => {
  const H = 'WUAHandler';
  check([
    [
      H,
      'ccm',
      'Its a WSUS Update Source type ({C2D17964-BBDD-4339-B9F3-12D7205B39CC}), adding it.',
      { event: 'WUAHandler.wsusSourceFound', updateSource: US, guids: [US] },
    ],
    [H, 'ccm', 'Its a completely new WSUS Update Source.', { event: 'WUAHandler.newWsusSource' }],
    [
      H,
      'ccm',
      'Enabling WUA Managed server policy to use server: http://PS1SITE.CONTOSO.COM:8530',
      { event: 'WUAHandler.enablingManagedServer', wsusUrls: [WSUS1], urls: [WSUS1] },
    ],
    [H, 'ccm', 'Policy refresh forced.', { event: 'WUAHandler.policyRefreshForced' }],
    [
      H,
      'ccm',
      'Waiting for 2 mins for Group Policy to notify of WUA policy change...',
      { event: 'WUAHandler.waitingForGroupPolicy', durationSeconds: 120 },
    ],
    [
      H,
      'ccm',
      'Waiting for 30 secs for policy to take effect on WU Agent.',
      { event: 'WUAHandler.waitingForAgentPolicy', durationSeconds: 30 },
    ],
    [
      H,
      'ccm',
      'Added Update Source ({C2D17964-BBDD-4339-B9F3-12D7205B39CC}) of content type: 2',
      { event: 'WUAHandler.updateSourceAdded', updateSource: US, contentType: 2, guids: [US] },
    ],
    [
      H,
      'ccm',
      'WSUS update source already exists, it has increased version to 38.',
      { event: 'WUAHandler.updateSourceVersionIncreased', contentVersion: 38 },
    ],
    [
      H,
      'ccm',
      'Scan results will include superseded updates only when they are superseded by service packs and definition updates.',
      { event: 'WUAHandler.supersededScanPolicy' },
    ],
    [
      H,
      'ccm',
      "Search Criteria is (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')",
      {
        event: 'WUAHandler.searchCriteria',
        searchCriteria: "(DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')",
      },
    ],
    [H, 'ccm', 'Running single-call scan of updates.', { event: 'WUAHandler.singleCallScan' }],
    [H, 'ccm', 'Async searching of updates using WUAgent started.', { event: 'WUAHandler.searchStarted' }],
    [H, 'ccm', 'Async searching completed.', { event: 'WUAHandler.searchCompleted' }],
    [H, 'ccm', 'Finished searching for everything in single call.', { event: 'WUAHandler.searchFinished' }],
    [
      H,
      'ccm',
      'Pruning: update id (70f4f236-0248-4e84-b472-292913576fa1) is superseded by (726b7201-862a-4fde-9b12-f36b38323a6f).',
      {
        event: 'WUAHandler.superseded',
        updates: [{ id: '70f4f236-0248-4e84-b472-292913576fa1' }],
        supersededBy: '726b7201-862a-4fde-9b12-f36b38323a6f',
        guids: ['70f4f236-0248-4e84-b472-292913576fa1', '726b7201-862a-4fde-9b12-f36b38323a6f'],
      },
    ],
    [
      H,
      'ccm',
      'Update (Installed): Security Update for Windows 7 for x64-based Systems (KB2584146) (4ae85c00-0eaa-4be0-b81b-dbd7053d5fae, 104)',
      {
        event: 'WUAHandler.updateStatus',
        updates: [
          {
            id: '4ae85c00-0eaa-4be0-b81b-dbd7053d5fae',
            revision: 104,
            kb: 'KB2584146',
            title: 'Security Update for Windows 7 for x64-based Systems (KB2584146)',
            state: 'Installed',
          },
        ],
        guids: ['4ae85c00-0eaa-4be0-b81b-dbd7053d5fae'],
      },
    ],
    [
      H,
      'ccm',
      'Update (Missing): Security Update for Windows 7 for x64-based Systems (KB2862152) (11112222-bbbb-3333-cccc-4444dddd5555, 200)',
      {
        event: 'WUAHandler.updateStatus',
        updates: [
          {
            id: UPD,
            revision: 200,
            kb: 'KB2862152',
            title: 'Security Update for Windows 7 for x64-based Systems (KB2862152)',
            state: 'Missing',
          },
        ],
        guids: [UPD],
      },
    ],
    [H, 'ccm', 'Successfully completed scan.', { event: 'WUAHandler.scanSucceeded' }],
    // install side (S4)
    [
      H,
      'ccm',
      'Adding file to list for CopyToCache(): C:\\Windows\\ccmcache\\1\\windows6.1-kb2705219-v2-x64.cab',
      { event: 'WUAHandler.copyToCacheAdding', path: 'C:\\Windows\\ccmcache\\1\\windows6.1-kb2705219-v2-x64.cab' },
    ],
    [
      H,
      'ccm',
      'CopyToCache() for update (fbb5724a-aa0f-47f9-908a-47068fd8ad6f) completed successfully',
      {
        event: 'WUAHandler.copyToCacheCompleted',
        updates: [{ id: 'fbb5724a-aa0f-47f9-908a-47068fd8ad6f' }],
        guids: ['fbb5724a-aa0f-47f9-908a-47068fd8ad6f'],
      },
    ],
    [
      H,
      'ccm',
      'Update(s) downloaded to WUA file cache, starting installation.',
      { event: 'WUAHandler.downloadedStartingInstall' },
    ],
    [H, 'ccm', 'Async installation of updates started.', { event: 'WUAHandler.installStarted' }],
    [
      H,
      'ccm',
      'Update 1 (3cbcf577-5139-49b8-afe8-620af5c52f95) finished installing (0x00000000), Reboot Required? Yes',
      {
        event: 'WUAHandler.updateInstallFinished',
        updates: [{ id: '3cbcf577-5139-49b8-afe8-620af5c52f95' }],
        rebootRequired: true,
        guids: ['3cbcf577-5139-49b8-afe8-620af5c52f95'],
      },
    ],
    [H, 'ccm', 'Async install completed.', { event: 'WUAHandler.asyncInstallCompleted' }],
    [H, 'ccm', 'Installation of updates completed.', { event: 'WUAHandler.installationCompleted' }],
    // failure lines
    [
      H,
      'ccm',
      'Group policy settings were overwritten by a higher authority (Domain Controller) to: Server http://server and Policy ENABLED',
      {
        event: 'WUAHandler.groupPolicyOverride',
        wsusUrls: ['http://server'],
        policyState: 'ENABLED',
        urls: ['http://server'],
      },
    ],
    [
      H,
      'ccm',
      'Failed to Add Update Source for WUAgent of type (2) and id ({891B2E1B-4873-4092-B1FD-7EAADE75A3D3}). Error = 0x87d00692.',
      {
        event: 'WUAHandler.addUpdateSourceFailed',
        contentType: 2,
        updateSource: '891b2e1b-4873-4092-b1fd-7eaade75a3d3',
        guids: ['891b2e1b-4873-4092-b1fd-7eaade75a3d3'],
        errorCodes: ['0x87D00692'],
      },
    ],
    [
      H,
      'ccm',
      'OnSearchComplete - Failed to end search job. Error = 0x80244022',
      { event: 'WUAHandler.searchFailed', errorCodes: ['0x80244022'] },
    ],
    [
      H,
      'ccm',
      'OnSearchComplete - Failed to end search job. Error = 0x80240438',
      { event: 'WUAHandler.searchFailed', errorCodes: ['0x80240438'] },
    ],
    [
      H,
      'ccm',
      'OnSearchComplete - Failed to end search job. Error = 0x80244010. Scan failed with error = 0x80244010.',
      { event: 'WUAHandler.searchFailed', errorCodes: ['0x80244010'] },
    ],
    [
      H,
      'ccm',
      'OnSearchComplete - Failed to end search job. Error = 0x800b0101.',
      { event: 'WUAHandler.searchFailed', errorCodes: ['0x800B0101'] },
    ],
    [H, 'ccm', 'Scan failed with error = 0x800b0101.', { event: 'WUAHandler.scanFailed', errorCodes: ['0x800B0101'] }],
    [
      H,
      'ccm',
      'Update 1 (0a91b273-404a-475f-b065-b2f54b99c7b1) finished installing (0x80070643)',
      {
        event: 'WUAHandler.updateInstallFinished',
        updates: [{ id: '0a91b273-404a-475f-b065-b2f54b99c7b1' }],
        guids: ['0a91b273-404a-475f-b065-b2f54b99c7b1'],
        errorCodes: ['0x80070643'],
      },
    ],
    [
      H,
      'ccm',
      'Installation job encountered some failures. Job Result = 0x80240022.',
      { event: 'WUAHandler.installJobFailures', errorCodes: ['0x80240022'] },
    ],
    [
      H,
      'ccm',
      'Update 1 (x) finished installing (0x8024002d), Reboot Required? No',
      { event: 'WUAHandler.updateInstallFinished', rebootRequired: false, errorCodes: ['0x8024002D'] },
    ],
    [
      H,
      'ccm',
      'Failed to download updates to the WUAgent datastore. Error = 0x80246002.',
      { event: 'WUAHandler.downloadFailed', errorCodes: ['0x80246002'] },
    ],
    [
      H,
      'ccm',
      'Failed to download updates to the WUAgent datastore. Error = 0x800b0004.',
      { event: 'WUAHandler.downloadFailed', errorCodes: ['0x800B0004'] },
    ],
    [
      H,
      'ccm',
      'Unexpected HRESULT for downloading complete: 0x80d02002',
      { event: 'WUAHandler.downloadUnexpectedResult', errorCodes: ['0x80D02002'] },
    ],
  ]);
});

describe('§6.7 WindowsUpdate.log (legacy and Windows 10)', () => {
  check([
    [
      'Agent',
      'wu-legacy',
      '* WSUS server: http://PS1SITE.CONTOSO.COM:8530 (Changed)',
      { event: 'WindowsUpdate.wsusServer', wsusUrls: [WSUS1], urls: [WSUS1] },
    ],
    [
      'Agent',
      'wu-legacy',
      '* WSUS status server: http://PS1SITE.CONTOSO.COM:8530 (Changed)',
      { event: 'WindowsUpdate.wsusStatusServer', urls: [WSUS1] },
    ],
    ['AU', 'wu-legacy', 'Sus server changed through policy.', { event: 'WindowsUpdate.serverChangedByPolicy' }],
    [
      'COMAPI',
      'wu-legacy',
      '-- START -- COMAPI: Search [ClientId = CcmExec]',
      { event: 'WindowsUpdate.callStart', operation: 'Search', caller: 'CcmExec' },
    ],
    [
      'COMAPI',
      'wu-legacy',
      '<<-- SUBMITTED -- COMAPI: Search [ClientId = CcmExec]',
      { event: 'WindowsUpdate.callSubmitted', operation: 'Search', caller: 'CcmExec' },
    ],
    [
      'PT',
      'wu-legacy',
      '+ ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = http://PS1SITE.CONTOSO.COM:8530/ClientWebService/client.asmx',
      {
        event: 'WindowsUpdate.serviceEndpoint',
        serviceId: SERVICE,
        guids: [SERVICE],
        urls: ['http://PS1SITE.CONTOSO.COM:8530/ClientWebService/client.asmx'],
      },
    ],
    [
      'Agent',
      'wu-legacy',
      '** START ** Agent: Finding updates [CallerId = CcmExec]',
      { event: 'WindowsUpdate.agentStart', operation: 'Finding updates', caller: 'CcmExec' },
    ],
    ['Agent', 'wu-legacy', '* Include potentially superseded updates', { event: 'WindowsUpdate.includeSuperseded' }],
    ['Agent', 'wu-legacy', '* Online = Yes; Ignore download priority = Yes', { event: 'WindowsUpdate.searchOptions' }],
    [
      'Agent',
      'wu-legacy',
      `* Criteria = "(DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')"`,
      {
        event: 'WindowsUpdate.criteria',
        searchCriteria: "(DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')",
      },
    ],
    [
      'Agent',
      'wu-legacy',
      '* ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed',
      { event: 'WindowsUpdate.serviceId', serviceId: SERVICE, guids: [SERVICE] },
    ],
    ['Agent', 'wu-legacy', '* Search Scope = {Machine}', { event: 'WindowsUpdate.searchScope' }],
    [
      'Agent',
      'wu-legacy',
      '* Added update {4AE85C00-0EAA-4BE0-B81B-DBD7053D5FAE}.104 tosearch result',
      {
        event: 'WindowsUpdate.updateAdded',
        updates: [{ id: '4ae85c00-0eaa-4be0-b81b-dbd7053d5fae', revision: 104 }],
        guids: ['4ae85c00-0eaa-4be0-b81b-dbd7053d5fae'],
      },
    ],
    [
      'Agent',
      'wu-legacy',
      '* Added update {57260DFE-227C-45E3-9FFC-2FC77A67F95A}.104 to search result',
      {
        event: 'WindowsUpdate.updateAdded',
        updates: [{ id: '57260dfe-227c-45e3-9ffc-2fc77a67f95a', revision: 104 }],
        guids: ['57260dfe-227c-45e3-9ffc-2fc77a67f95a'],
      },
    ],
    [
      'Agent',
      'wu-legacy',
      '* Found 163 updates and 70 categories in search; evaluated appl. rules of 622 out of 1150 deployed entities',
      { event: 'WindowsUpdate.searchFound', count: 163 },
    ],
    [
      'Agent',
      'wu-legacy',
      '** END ** Agent: Finding updates [CallerId = CcmExec]',
      { event: 'WindowsUpdate.agentEnd', operation: 'Finding updates', caller: 'CcmExec' },
    ],
    [
      'COMAPI',
      'wu-legacy',
      '>>-- RESUMED -- COMAPI: Search [ClientId = CcmExec]',
      { event: 'WindowsUpdate.callResumed', operation: 'Search', caller: 'CcmExec' },
    ],
    ['COMAPI', 'wu-legacy', '- Updates found = 163', { event: 'WindowsUpdate.updatesFound', count: 163 }],
    [
      'COMAPI',
      'wu-legacy',
      '-- END -- COMAPI: Search [ClientId = CcmExec]',
      { event: 'WindowsUpdate.callEnd', operation: 'Search', caller: 'CcmExec' },
    ],
    // install (S4)
    [
      'Agent',
      'wu-legacy',
      '** START ** Agent: Installing updates [CallerId = CcmExec]',
      { event: 'WindowsUpdate.agentStart', operation: 'Installing updates', caller: 'CcmExec' },
    ],
    [
      'Handler',
      'wu-legacy',
      'Starting install of CBS update FBB5724A-AA0F-47F9-908A-47068FD8AD6F',
      {
        event: 'WindowsUpdate.installStarting',
        updates: [{ id: 'fbb5724a-aa0f-47f9-908a-47068fd8ad6f' }],
        guids: ['fbb5724a-aa0f-47f9-908a-47068fd8ad6f'],
      },
    ],
    [
      'Handler',
      'wu-legacy',
      'Completed install of CBS update with type=3, requiresReboot=1, installerError=0, hr=0x0',
      { event: 'WindowsUpdate.installCompleted', rebootRequired: true },
    ],
    ['COMAPI', 'wu-legacy', '- Reboot required = Yes', { event: 'WindowsUpdate.rebootRequired', rebootRequired: true }],
    [
      'COMAPI',
      'wu-legacy',
      '-- END -- COMAPI: Install [ClientId = CcmExec]',
      { event: 'WindowsUpdate.callEnd', operation: 'Install', caller: 'CcmExec' },
    ],
    // error lines (S10, S3, P4, W8) and the failure forms of the brief
    [
      'PT',
      'wu-legacy',
      '*FAILED* [80244007] SyncUpdates_WithRecovery failed',
      { event: 'WindowsUpdate.failed', operation: 'SyncUpdates_WithRecovery failed', errorCodes: ['0x80244007'] },
    ],
    [
      'PT',
      'wu-legacy',
      'WS error: <detail><ErrorCode>InvalidParameters</ErrorCode><Message>parameters.InstalledNonLeafUpdateIDs</Message>',
      {
        event: 'WindowsUpdate.wsError',
        reason:
          '<detail><ErrorCode>InvalidParameters</ErrorCode><Message>parameters.InstalledNonLeafUpdateIDs</Message>',
      },
    ],
    [
      'Agent',
      'wu-legacy',
      'WARNING: ISusInternal::GetUpdateMetadata2 failed, hr=8007000E',
      {
        event: 'WindowsUpdate.warning',
        reason: 'ISusInternal::GetUpdateMetadata2 failed, hr=8007000E',
        errorCodes: ['0x8007000E'],
      },
    ],
    [
      'PT',
      'wu-legacy',
      'Failed WS error: The date in the certificate is invalid or has expired',
      { event: 'WindowsUpdate.wsError', reason: 'The date in the certificate is invalid or has expired' },
    ],
    ['PT', 'wu-legacy', '*FAILED* Web service call', { event: 'WindowsUpdate.failed', operation: 'Web service call' }],
    [
      'COMAPI',
      'wu-legacy',
      'WARNING: Unable to establish connection to the service. (hr=80070005)',
      {
        event: 'WindowsUpdate.warning',
        reason: 'Unable to establish connection to the service. (hr=80070005)',
        errorCodes: ['0x80070005'],
      },
    ],
    [
      'PT',
      'wu-legacy',
      '*FAILED* [80072EE2] Send request',
      { event: 'WindowsUpdate.failed', operation: 'Send request', errorCodes: ['0x80072EE2'] },
    ],
    [
      'PT',
      'wu-legacy',
      'WARNING: Send failed with hr = 80072ee2.',
      { event: 'WindowsUpdate.sendFailed', errorCodes: ['0x80072EE2'] },
    ],
    [
      'PT',
      'wu-legacy',
      'WARNING: SyncUpdates failure, error = 0x80072EE2, soap client error = 5, soap error code = 0, HTTP status code = 200',
      { event: 'WindowsUpdate.syncUpdatesFailed', soapClientError: 5, httpStatus: 200, errorCodes: ['0x80072EE2'] },
    ],
    [
      'Agent',
      'wu-legacy',
      'WARNING: Exit code = 0x80072EE2',
      { event: 'WindowsUpdate.exitCode', errorCodes: ['0x80072EE2'] },
    ],
    // Windows 10 Get-WindowsUpdateLog (T5)
    ['Agent', 'wu-etl', 'WSUS server: (null)', { event: 'WindowsUpdate.wsusServer', wsusUrls: [] }],
    [
      'Agent',
      'wu-etl',
      '    Timer: 29A863E7-8609-4D1E-B7CD-5668F857F1DB, Expires 2025-10-16 10:39:49, not idle-only, not network-only',
      { guids: ['29a863e7-8609-4d1e-b7cd-5668f857f1db'] },
    ],
    ['ComApi', 'wu-etl', '*QUEUED* SLS Discovery', { event: 'WindowsUpdate.queued', operation: 'SLS Discovery' }],
    [
      'ComApi',
      'wu-etl',
      '* START *   Federated Search ClientId = Windows Defender (cV: sF3vtbMuJE60gBgl.1.0)',
      { event: 'WindowsUpdate.callStart', operation: 'Federated Search', caller: 'Windows Defender' },
    ],
    [
      'Misc',
      'wu-etl',
      '*FAILED* [800703F0] Failed to get proxy settings token, not impersonating user',
      {
        event: 'WindowsUpdate.failed',
        operation: 'Failed to get proxy settings token, not impersonating user',
        errorCodes: ['0x800703F0'],
      },
    ],
    // the format decides, not the component: a WU component name outside a WU file is just a component
    [
      'WindowsUpdate',
      'ccm',
      '*FAILED* [80072EE2] Send request',
      { event: 'WindowsUpdate.failed', operation: 'Send request', errorCodes: ['0x80072EE2'] },
    ],
  ]);
});

describe('§6.8 UpdatesStore', () => {
  const U = 'UpdatesStore';
  check([
    // The ProductID has the reference's stray space: not a GUID, not reported.
    [
      U,
      'ccm',
      'Processing update status from update (11112222-bbbb-3333-cccc-4444dddd5555) with ProductID = 0fa1201d-4330-4fa8-8ae9- b877473b6441',
      { event: 'UpdatesStore.processingStatus', updates: [{ id: UPD }], guids: [UPD] },
    ],
    [
      U,
      'ccm',
      'Processing update status from update (11112222-bbbb-3333-cccc-4444dddd5555) with ProductID = 0fa1201d-4330-4fa8-8ae9-b877473b6441',
      {
        event: 'UpdatesStore.processingStatus',
        updates: [{ id: UPD }],
        productId: '0fa1201d-4330-4fa8-8ae9-b877473b6441',
        guids: [UPD, '0fa1201d-4330-4fa8-8ae9-b877473b6441'],
      },
    ],
    [
      U,
      'ccm',
      "Update status from update (11112222-bbbb-3333-cccc-4444dddd5555) hasn't been reported before, creating new instance.",
      { event: 'UpdatesStore.newInstance', updates: [{ id: UPD }], guids: [UPD] },
    ],
    [
      U,
      'ccm',
      'Successfully raised state message for update (11112222-bbbb-3333-cccc-4444dddd5555) with state (Missing).',
      { event: 'UpdatesStore.stateMessageRaised', updates: [{ id: UPD, state: 'Missing' }], guids: [UPD] },
    ],
    [
      U,
      'ccm',
      'Successfully added WMI instance of update status (11112222-bbbb-3333-cccc-4444dddd5555).',
      { event: 'UpdatesStore.wmiInstanceAdded', updates: [{ id: UPD }], guids: [UPD] },
    ],
  ]);
});

const REPORT_BODY = `<?xml version="1.0" encoding="UTF-16"?>
<Report><ReportHeader><Identification><Machine><ClientInstalled>1</ClientInstalled><ClientType>1</ClientType><ClientID>GUID: 00001111-aaaa-2222-bbbb-3333cccc4444</ClientID><ClientVersion>5.00.7958.1000</ClientVersion><NetBIOSName>PS1WIN7X64</NetBIOSName><CodePage>437</CodePage><SystemDefaultLCID>1033</SystemDefaultLCID><Priority>5</Priority></Machine></Identification><ReportDetails><ReportContent>State Message Data</ReportContent><ReportType>Full</ReportType><Date>20140120194656.903000+000</Date><Version>1.0</Version><Format>1.0</Format></ReportDetails></ReportHeader><ReportBody><StateMessage MessageTime="20140120171855.573000+000" SerialNumber="232"><Topic ID="11112222-bbbb-3333-cccc-4444dddd5555" Type="500" IDType="3" User="" UserSID=""/><State ID="2" Criticality="0"/><UserParameters Flags="0" Count="1"><Param>200</Param></UserParameters></StateMessage></ReportBody></Report>`;

const REPORT_FIELDS: MessageFields = {
  clientId: CLIENT,
  netbiosName: 'PS1WIN7X64',
  stateMessages: [
    { topicId: UPD, topicType: 500, stateId: 2, serialNumber: 232, messageTimeUtc: '2014-01-20T17:18:55.573Z' },
  ],
  topicId: UPD,
  topicType: 500,
  stateId: 2,
  serialNumber: 232,
  messageTimeUtc: '2014-01-20T17:18:55.573Z',
  guids: [CLIENT, UPD],
};

describe('§6.9 StateMessage', () => {
  const S = 'StateMessage';
  check([
    [
      S,
      'ccm',
      'Adding message with TopicType 500 and TopicId 11112222-bbbb-3333-cccc-4444dddd5555 to WMI',
      { event: 'StateMessage.addingToWmi', topicType: 500, topicId: UPD, guids: [UPD] },
    ],
    [
      S,
      'ccm',
      'State message(State ID : 2) with TopicType 500 and TopicId 11112222-bbbb-3333-cccc-4444dddd5555 has been recorded for SYSTEM',
      { event: 'StateMessage.recorded', stateId: 2, topicType: 500, topicId: UPD, guids: [UPD] },
    ],
    [S, 'ccm', 'StateMessage body: <XML Report Body Truncated>', { event: 'StateMessage.body', bodyElided: true }],
    [S, 'ccm', 'Successfully forwarded State Messages to the MP', { event: 'StateMessage.forwarded' }],
    [S, 'ccm', 'StateMessage body: ' + REPORT_BODY, { event: 'StateMessage.body', ...REPORT_FIELDS }],
    // §1.2 raw S7 lines
    [S, 'ccm', 'CStateMsgManager::GetSignEncyptMode', { event: 'StateMessage.signEncryptMode' }],
    [S, 'ccm', 'Successfully forwarded State Messages to the management point', { event: 'StateMessage.forwarded' }],
    // §1.2 S7 body with the article's placeholders and its `</StateMessageserParameters>` typo
    [
      S,
      'ccm',
      `StateMessage body: <?xml version="1.0" encoding="UTF-16"?>
<Report><ReportHeader><Identification><Machine><ClientInstalled>1</ClientInstalled><ClientType>1</ClientType><ClientID>GUID:_GUID_</ClientID>
<ClientVersion>_client_version_number_</ClientVersion><NetBIOSName>_name_</NetBIOSName><CodePage>437</CodePage>
<SystemDefaultLCID>1033</SystemDefaultLCID></Machine></Identification><ReportDetails><ReportContent>State Message Data</ReportContent>
<ReportType>Full</ReportType><Date>_date_</Date><Version>1.0</Version><Format>1.0</Format></ReportDetails></ReportHeader><ReportBody><StateMessage MessageTime="_time_" SerialNumber="_serial_number_"><Topic ID="21e49ac6-a273-4a61-9794-eb675bc743e5" Type="500" IDType="3"/><State ID="2" Criticality="0"/><UserParameters Flags="0" Count="1"><Param>102</Param></UserParameters></StateMessageserParameters></StateMessage></ReportBody></Report>`,
      {
        event: 'StateMessage.body',
        bodyMalformed: true,
        netbiosName: '_name_',
        stateMessages: [{ topicId: '21e49ac6-a273-4a61-9794-eb675bc743e5', topicType: 500, stateId: 2 }],
        topicId: '21e49ac6-a273-4a61-9794-eb675bc743e5',
        topicType: 500,
        stateId: 2,
        guids: ['21e49ac6-a273-4a61-9794-eb675bc743e5'],
      },
    ],
  ]);

  it("leaves out the state messages' times when asked to, and nothing else", () => {
    const text = 'StateMessage body: ' + REPORT_BODY;
    const { messageTimeUtc, ...rest } = messageFields('StateMessage', text, 'ccm');
    expect(messageTimeUtc).toBe('2014-01-20T17:18:55.573Z');
    expect(messageFields('StateMessage', text, 'ccm', { guids: true, urls: true, times: false })).toEqual({
      ...rest,
      stateMessages: [{ topicId: UPD, topicType: 500, stateId: 2, serialNumber: 232 }],
    });
  });

  it('reads a body cut off by the logger as far as it goes', () => {
    const cut = 'StateMessage body: ' + REPORT_BODY.slice(0, REPORT_BODY.indexOf('<State ID'));
    expect(messageFields(S, cut, 'ccm')).toEqual({
      event: 'StateMessage.body',
      bodyMalformed: true,
      clientId: CLIENT,
      netbiosName: 'PS1WIN7X64',
      stateMessages: [{ topicId: UPD, topicType: 500, serialNumber: 232, messageTimeUtc: '2014-01-20T17:18:55.573Z' }],
      topicId: UPD,
      topicType: 500,
      serialNumber: 232,
      messageTimeUtc: '2014-01-20T17:18:55.573Z',
      guids: [CLIENT, UPD],
    });
  });

  it('converts a DMTF time with a non-zero offset to UTC and decodes entities', () => {
    const body =
      '<Report><Machine><NetBIOSName>A&amp;B</NetBIOSName></Machine><ReportBody><StateMessage MessageTime="20140120121855.573000-300" SerialNumber="7"><Topic ID="ScopeId_1/Application_2" Type="401"/></StateMessage></ReportBody></Report>';
    expect(messageFields(S, 'StateMessage body: ' + body, 'ccm')).toEqual({
      event: 'StateMessage.body',
      netbiosName: 'A&B',
      stateMessages: [
        {
          topicId: 'ScopeId_1/Application_2',
          topicType: 401,
          serialNumber: 7,
          messageTimeUtc: '2014-01-20T17:18:55.573Z',
        },
      ],
      topicId: 'ScopeId_1/Application_2',
      topicType: 401,
      serialNumber: 7,
      messageTimeUtc: '2014-01-20T17:18:55.573Z',
    });
  });
});

describe('§6.10 UpdatesDeployment / UpdatesHandler', () => {
  const D = 'UpdatesDeploymentAgent';
  check([
    [
      D,
      'ccm',
      'Assignment {B040D195-8FA8-48D3-953F-17E878DAB23D} has total CI = 3',
      { event: 'UpdatesDeployment.assignmentCiTotal', assignment: ASSIGN, count: 3, guids: [ASSIGN] },
    ],
    [
      D,
      'ccm',
      'Detection job ({99ADA372-0738-44E4-9C4D-EBA30F23E9FD}) started for assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D})',
      { event: 'UpdatesDeployment.detectionJobStarted', job: DJOB, assignment: ASSIGN, guids: [DJOB, ASSIGN] },
    ],
    [
      'UpdatesHandler',
      'ccm',
      'Successfully initiated scan for job ({99ADA372-0738-44E4-9C4D-EBA30F23E9FD}).',
      { event: 'UpdatesHandler.scanInitiated', job: DJOB, guids: [DJOB] },
    ],
    [
      'UpdatesHandler',
      'ccm',
      'Scan completion received for job ({99ADA372-0738-44E4-9C4D-EBA30F23E9FD}).',
      { event: 'UpdatesHandler.scanCompleted', job: DJOB, guids: [DJOB] },
    ],
    [
      D,
      'ccm',
      'DetectJob completion received for assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D})',
      { event: 'UpdatesDeployment.detectJobCompleted', assignment: ASSIGN, guids: [ASSIGN] },
    ],
    [
      D,
      'ccm',
      'Update (Site_D3A5F7EA-25D4-4C6B-B47C-C74997522A76/SUM_e06056e3-0199-4c68-8ac3-bdddff356a0a) Name (Security Update for Windows Server 2008 R2 x64 Edition (KB2698365)) ArticleID (2698365) added to the targeted list of deployment ({B040D195-8FA8-48D3-953F-17E878DAB23D})',
      {
        event: 'UpdatesDeployment.updateTargeted',
        updates: [
          { id: SUM, kb: 'KB2698365', title: 'Security Update for Windows Server 2008 R2 x64 Edition (KB2698365)' },
        ],
        assignment: ASSIGN,
        guids: [SITE_GUID, SUM, ASSIGN],
      },
    ],
    [
      D,
      'ccm',
      'Raised assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D}) state message successfully. TopicType = Evaluate, StateId = 2, StateName = ASSIGNMENT_EVALUATE_SUCCESS',
      {
        event: 'UpdatesDeployment.assignmentStateRaised',
        assignment: ASSIGN,
        topicTypeName: 'Evaluate',
        topicType: 302,
        stateId: 2,
        stateName: 'ASSIGNMENT_EVALUATE_SUCCESS',
        guids: [ASSIGN],
      },
    ],
    [
      D,
      'ccm',
      'Raised assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D}) state message successfully. TopicType = Compliance, Signature = 5e176837, IsCompliant = False',
      {
        event: 'UpdatesDeployment.assignmentStateRaised',
        assignment: ASSIGN,
        topicTypeName: 'Compliance',
        topicType: 300,
        compliant: false,
        guids: [ASSIGN],
      },
    ],
    [
      D,
      'ccm',
      'Raised update (Site_D3A5F7EA-25D4-4C6B-B47C-C74997522A76/SUM_e06056e3-0199-4c68-8ac3-bdddff356a0a) enforcement state message successfully. StateId = 10, StateName = CI_ENFORCEMENT_SUCCESSFULL',
      {
        event: 'UpdatesDeployment.updateStateRaised',
        updates: [{ id: SUM }],
        topicTypeName: 'enforcement',
        stateId: 10,
        stateName: 'CI_ENFORCEMENT_SUCCESSFULL',
        guids: [SITE_GUID, SUM],
      },
    ],
    [
      D,
      'ccm',
      'Job error (0x87d00692) received for assignment ({8b5e0d02-d742-4fdc-b06e-d1e55d8c05da}) action',
      {
        event: 'UpdatesDeployment.jobError',
        assignment: '8b5e0d02-d742-4fdc-b06e-d1e55d8c05da',
        guids: ['8b5e0d02-d742-4fdc-b06e-d1e55d8c05da'],
        errorCodes: ['0x87D00692'],
      },
    ],
    [D, 'ccm', 'Updates will not be made available', { event: 'UpdatesDeployment.updatesNotAvailable' }],
    // the older component name
    [
      'UpdatesDeployment',
      'ccm',
      'DetectJob completion received for assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D})',
      { event: 'UpdatesDeployment.detectJobCompleted', assignment: ASSIGN, guids: [ASSIGN] },
    ],
  ]);
});

describe('§6.12 MP_Relay', () => {
  const R = 'MP_RelayEndpoint';
  const incoming = 'E:\\ConfigMgr\\inboxes\\auth\\statesys.box\\incoming';
  check([
    [
      R,
      'ccm',
      'Mp Message Handler: start message processing for Relay-----------------------',
      { event: 'MPRelay.startProcessing' },
    ],
    [R, 'ccm', 'Mp Message Handler: FileType=SMX', { event: 'MPRelay.fileType', fileType: 'SMX' }],
    [R, 'ccm', 'Message Body :  <XML Body Truncated>', { event: 'MPRelay.messageBody', bodyElided: true }],
    [R, 'ccm', `Relay: Outbox dir: ${incoming}`, { event: 'MPRelay.outboxDir', path: incoming }],
    [R, 'ccm', 'Priority in the message = 5', { event: 'MPRelay.priority', priority: 5 }],
    [R, 'ccm', `State Priority Directory = ${incoming}`, { event: 'MPRelay.statePriorityDirectory', path: incoming }],
    [R, 'ccm', 'Inv-Relay: Task completed successfully', { event: 'MPRelay.taskCompleted' }],
    [
      R,
      'ccm',
      'Mp Message Handler: start message processing for Relay------------------------------',
      { event: 'MPRelay.startProcessing' },
    ],
    [R, 'ccm', 'Message Body :\n' + REPORT_BODY, { event: 'MPRelay.messageBody', ...REPORT_FIELDS }],
    // Verbatim remote-MP body as the reference elides it (`…`): read, and flagged as not well-formed.
    [
      R,
      'ccm',
      'Message Body :\n<?xml version="1.0" encoding="UTF-16"?>\n<Report>…<StateMessage MessageTime="20140120171855.573000+000" SerialNumber="232"><Topic ID="11112222-bbbb-3333-cccc-4444dddd5555" Type="500" IDType="3" User="" UserSID=""/><State ID="2" Criticality="0"/>…</Report>',
      {
        event: 'MPRelay.messageBody',
        bodyMalformed: true,
        stateMessages: [
          { topicId: UPD, topicType: 500, stateId: 2, serialNumber: 232, messageTimeUtc: '2014-01-20T17:18:55.573Z' },
        ],
        topicId: UPD,
        topicType: 500,
        stateId: 2,
        serialNumber: 232,
        messageTimeUtc: '2014-01-20T17:18:55.573Z',
        guids: [UPD],
      },
    ],
    [R, 'ccm', 'Inv-Relay Task: Processing message body', { event: 'MPRelay.processingBody' }],
    [
      R,
      'ccm',
      'Relay: Outbox dir: C:\\SMS\\mp\\outboxes\\StateMsg.box',
      { event: 'MPRelay.outboxDir', path: 'C:\\SMS\\mp\\outboxes\\StateMsg.box' },
    ],
    [
      R,
      'ccm',
      'State Priority Directory = C:\\SMS\\mp\\outboxes\\StateMsg.box',
      { event: 'MPRelay.statePriorityDirectory', path: 'C:\\SMS\\mp\\outboxes\\StateMsg.box' },
    ],
    // S7 variant wording
    [R, 'ccm', 'Relay: FileType= SMX', { event: 'MPRelay.fileType', fileType: 'SMX' }],
    [
      R,
      'ccm',
      'Relay: Outbox dir: C:\\Program Files (x86)\\Microsoft Configuration Manager\\inboxes\\auth\\statesys.box\\incoming',
      {
        event: 'MPRelay.outboxDir',
        path: 'C:\\Program Files (x86)\\Microsoft Configuration Manager\\inboxes\\auth\\statesys.box\\incoming',
      },
    ],
    [R, 'ccm', 'Relay: Received 0 attachments', { event: 'MPRelay.attachmentsReceived', count: 0 }],
    [R, 'ccm', 'Relay: 0 of 0 attachments successfully processed', { event: 'MPRelay.attachmentsProcessed', count: 0 }],
  ]);
});

describe('§6.13 MPFDM', () => {
  const F = 'SMS_MP_FILE_DISPATCH_MANAGER';
  const moved: MessageFields = {
    event: 'MPFDM.fileMoved',
    path: 'C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\TAZGYTSJ.SMX',
    destinationPath: '\\\\PS1SITE.CONTOSO.COM\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\TAZGYTSJ.SMX',
    smxFile: 'TAZGYTSJ.SMX',
    host: 'PS1SITE.CONTOSO.COM',
    siteCode: 'PS1',
  };
  check([
    [
      F,
      'sms',
      'Moved file C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\TAZGYTSJ.SMX to \\\\PS1SITE.CONTOSO.COM\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\TAZGYTSJ.SMX',
      moved,
    ],
    // SMS-trace `~` markers
    [
      F,
      'sms',
      '~Moved file C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\TAZGYTSJ.SMX to \\\\PS1SITE.CONTOSO.COM\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\TAZGYTSJ.SMX~',
      moved,
    ],
    [F, 'sms', 'Remote site is in pull-mode.', { event: 'MPFDM.pullMode' }],
    // failure style of the brief and the status text of §6.13
    [
      F,
      'sms',
      'Failed to move file C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\TAZGYTSJ.SMX to \\\\PS1SITE.CONTOSO.COM\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\TAZGYTSJ.SMX, error 53',
      { ...moved, event: 'MPFDM.moveFailed', win32Error: 53 },
    ],
    [F, 'sms', 'The network path was not found.', { event: 'MPFDM.networkPathNotFound', win32Error: 53 }],
    [
      F,
      'sms',
      'MP File Dispatch Manager running on the management point cannot connect to site server PS1SITE.CONTOSO.COM. The operating system reported error 53: The network path was not found.',
      { event: 'MPFDM.cannotConnectToSiteServer', host: 'PS1SITE.CONTOSO.COM', win32Error: 53 },
    ],
    // interior `~` is a line break; `~` before a digit is an 8.3 name and stays
    [
      F,
      'sms',
      '~Failed to move file C:\\PROGRA~1\\SMS\\TAZGYTSJ.SMX to \\\\PS1SITE\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\TAZGYTSJ.SMX, error 53~~The network path was not found.~',
      {
        event: 'MPFDM.moveFailed',
        path: 'C:\\PROGRA~1\\SMS\\TAZGYTSJ.SMX',
        destinationPath: '\\\\PS1SITE\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\TAZGYTSJ.SMX',
        smxFile: 'TAZGYTSJ.SMX',
        host: 'PS1SITE',
        siteCode: 'PS1',
        win32Error: 53,
      },
    ],
  ]);
});

describe('§6.14 StateSys', () => {
  const T = 'SMS_STATE_SYSTEM';
  check([
    [
      T,
      'sms',
      'Inbox notification triggered, pause for 10 seconds......',
      { event: 'StateSys.inboxNotification', durationSeconds: 10 },
    ],
    [
      T,
      'sms',
      'Found new state messages to process, starting processing thread',
      { event: 'StateSys.foundNewMessages' },
    ],
    [T, 'sms', 'Thread "State Message Processing Thread #0" id:4316 started', { event: 'StateSys.threadStarted' }],
    [T, 'sms', 'total chucks loaded (1)', { event: 'StateSys.chunksLoaded', count: 1 }],
    [
      T,
      'sms',
      'CMessageProcessor - Processing file: YCE2H3VD.SMX',
      { event: 'StateSys.processingFile', smxFile: 'YCE2H3VD.SMX' },
    ],
    [
      T,
      'sms',
      'CMessageProcessor - Processed 1 records with 0 invalid records.',
      { event: 'StateSys.processedRecords', count: 1, invalidCount: 0 },
    ],
    [
      T,
      'sms',
      'CMessageProcessor - Processed 1 message files in this batch, with 0 bad files.',
      { event: 'StateSys.processedFiles', count: 1, invalidCount: 0 },
    ],
    [T, 'sms', 'total chucks loaded (0)', { event: 'StateSys.chunksLoaded', count: 0 }],
    [
      T,
      'sms',
      'Thread "State Message Processing Thread #0" id:4316 terminated normally',
      { event: 'StateSys.threadTerminated' },
    ],
    [
      T,
      'sms',
      "CMessageProcessor - Detected parent site '_site_name_'",
      { event: 'StateSys.parentSiteDetected', siteCode: '_site_name_' },
    ],
    [
      T,
      'sms',
      'CMessageProcessor - Processing file: mdlbp169.SMW',
      { event: 'StateSys.processingFile', smxFile: 'mdlbp169.SMW' },
    ],
    [
      T,
      'sms',
      'CMessageProcessor - Successfully replicated file "mdlbp169.SMW" to parent site _site_name_.',
      { event: 'StateSys.fileReplicated', smxFile: 'mdlbp169.SMW', siteCode: '_site_name_' },
    ],
    [T, 'sms', "Started task '<TaskName>'", { event: 'StateSys.taskStarted', task: '<TaskName>' }],
    // `status 8` is a row count, not an error code
    [
      T,
      'sms',
      "Task '<TaskName>' completed successfully after running for 15 seconds, with status 8.",
      { event: 'StateSys.taskCompleted', task: '<TaskName>', durationSeconds: 15, count: 8 },
    ],
    // the same log written in CCM format
    [
      T,
      'ccm',
      'CMessageProcessor - Processing file: YCE2H3VD.SMX',
      { event: 'StateSys.processingFile', smxFile: 'YCE2H3VD.SMX' },
    ],
  ]);
});

describe('template pre-checks', () => {
  it.each<[RegExp, string]>([
    [/^Update \((?<x>\w+)\)/, 'Update ('],
    [/^Sync failed\.?\s*Will/, 'Sync failed'],
    [/^ab?c/, 'a'],
    [/^a+b/, 'a'],
    [/^a\sb/, 'a'],
    [/^abc|def/, ''],
    [/^abc(x)|def/, ''],
    [/^a[|]b/, 'a'],
    [/abc/, ''],
    [/^abc/i, ''],
  ])('literal head of %s is %j', (pattern, head) => {
    expect(literalHead(pattern)).toBe(head);
  });
});

describe('components and generic extraction', () => {
  it('matches component names case-insensitively and by file base name', () => {
    const text = 'CMessageProcessor - Processing file: YCE2H3VD.SMX';
    for (const component of ['SMS_STATE_SYSTEM', 'sms_state_system', 'StateSys']) {
      expect(messageFields(component, text, 'sms').event).toBe('StateSys.processingFile');
    }
  });

  it('gives an unknown message guids, error codes, urls and SUM update ids', () => {
    expect(
      messageFields(
        'SomeComponent',
        'Tried {C2D17964-BBDD-4339-B9F3-12D7205B39CC} and Site_D3A5F7EA-25D4-4C6B-B47C-C74997522A76/SUM_{E06056E3-0199-4C68-8AC3-BDDDFF356A0A} at https://mp.contoso.com/x. error = -2145107934',
        'ccm',
      ),
    ).toEqual({
      guids: [US, SITE_GUID, SUM],
      updates: [{ id: SUM }],
      errorCodes: ['0x80244022'],
      urls: ['https://mp.contoso.com/x'],
    });
  });

  it('reads STATMSG lines of any site component', () => {
    expect(
      messageFields(
        'SMS_DISTRIBUTION_MANAGER',
        'STATMSG: ID=2301 SEV=I LEV=M SITE=PS1 GMTDATE=Mon Feb 03 07:08:09.010 2025 ISTR0=""',
        'sms',
      ),
    ).toEqual({
      event: 'StatusMessage.raised',
      statusMessageId: 2301,
      siteCode: 'PS1',
      statusTimeUtc: '2025-02-03T07:08:09.010Z',
    });
  });

  it('gives an empty object for a message with nothing in it', () => {
    expect(messageFields('ScanAgent', 'nothing to see', 'ccm')).toEqual({});
    expect(messageFields('', '', 'text')).toEqual({});
  });

  it('reads an XML body whatever the component', () => {
    expect(messageFields('Anything', 'body: ' + REPORT_BODY, 'ccm')).toEqual(REPORT_FIELDS);
  });

  it('normalises SMS-trace tildes', () => {
    expect(normalizeTildes('~Moved file~')).toBe('Moved file');
    expect(normalizeTildes('Total online clients: 100 (TCP: 99 HTTP: 1)~~')).toBe(
      'Total online clients: 100 (TCP: 99 HTTP: 1)',
    );
    expect(normalizeTildes('a~b~~c')).toBe('a\nb\n\nc');
    expect(normalizeTildes('C:\\PROGRA~1\\x')).toBe('C:\\PROGRA~1\\x');
  });

  it('leaves tildes alone in CCM messages', () => {
    expect(messageFields('X', '~{C2D17964-BBDD-4339-B9F3-12D7205B39CC}~', 'ccm')).toEqual({ guids: [US] });
  });
});

// ---- properties -------------------------------------------------------------------------------------

const COMPONENTS = [
  'ScanAgent',
  'WUAHandler',
  'LocationServices',
  'CcmMessaging',
  'MP_LocationManager',
  'MP_RelayEndpoint',
  'SMS_MP_FILE_DISPATCH_MANAGER',
  'SMS_STATE_SYSTEM',
  'WindowsUpdate',
  'Agent',
  'PolicyAgent_ReplyAssignments',
  'PolicyEvaluator_X',
  'UpdatesStore',
  'StateMessage',
  'UpdatesDeploymentAgent',
  'UpdatesHandler',
  'SMS_DATABASE_NOTIFICATION_MONITOR',
  'SMS_POLICY_PROVIDER',
  'SMS_WSUS_SYNC_MANAGER',
  'Unknown',
];
const FORMATS: LogFormat[] = ['ccm', 'sms', 'wu-legacy', 'wu-etl', 'iis', 'cmtrace-copy', 'text'];

/** Fragments of real messages, GUIDs in every spelling and XML pieces, so that the templates are reached. */
const fragment = fc.oneof(
  fc.constantFrom(
    'ScanJob(',
    '): ',
    'Location Request ID = ',
    'UpdateSourceID=',
    ' ContentVersion=38',
    "Sending async message '",
    "' to outgoing queue 'mp:mp_relayendpoint'",
    "Message '",
    "' got reply '",
    'Update (Missing): Title (KB1) (',
    ', 200)',
    'Added update ',
    '.104 to search result',
    'Site_',
    '/SUM_',
    'Moved file C:\\a.SMX to \\\\S\\SMS_PS1\\a.SMX',
    ', error 53',
    'STATMSG: ID=1 SITE=X GMTDATE=Thu Jan 16 18:57:46.304 2014',
    'StateMessage body: ',
    'WSUSLocationReply : ',
    '<Report>',
    '<StateMessage MessageTime="20140120171855.573000+000" SerialNumber="1">',
    '<Topic ID="',
    '" Type="500"/>',
    '<ClientID>GUID:',
    '</ClientID>',
    '<LocationRecord WSUSURL="http://x:8530"/>',
    '&#x34;',
    '&amp;',
    '~',
    '*FAILED* [80072EE2] ',
    'hr = 80072ee2',
    'Error = 0x87d00692',
    'http://host/path',
    ' ',
    '{',
    '}',
  ),
  fc.uuid().map((g) => `{${g.toUpperCase()}}`),
  fc.uuid(),
  fc.string({ maxLength: 8 }),
);
const messageText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join('')),
);

const GUID_FIELDS = [
  'scanJob',
  'locationRequest',
  'updateSource',
  'messageId',
  'replyId',
  'assignment',
  'job',
  'serviceId',
  'productId',
  'supersededBy',
  'clientId',
  'topicId',
  'policyId',
] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function reportedGuids(fields: MessageFields): string[] {
  const all: string[] = [...(fields.guids ?? [])];
  for (const key of GUID_FIELDS) {
    const value = fields[key];
    if (typeof value === 'string' && GUID.test(value)) {
      all.push(value);
    }
  }
  for (const update of fields.updates ?? []) {
    all.push(update.id);
  }
  for (const message of fields.stateMessages ?? []) {
    if (message.topicId !== undefined && GUID.test(message.topicId)) {
      all.push(message.topicId);
    }
  }
  return all;
}

describe('properties', () => {
  it('never throws, for any component, text and format', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...COMPONENTS), fc.string()),
        messageText,
        fc.constantFrom(...FORMATS),
        (component, text, format) => {
          expect(() => messageFields(component, text, format)).not.toThrow();
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('reports only GUIDs that occur in the text, all of them in `guids`', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMPONENTS),
        messageText,
        fc.constantFrom(...FORMATS),
        (component, text, format) => {
          const fields = messageFields(component, text, format);
          const lower = text.toLowerCase();
          for (const guid of reportedGuids(fields)) {
            expect(GUID.test(guid)).toBe(true);
            expect(lower).toContain(guid);
            expect(fields.guids).toContain(guid);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('with fewer scans, gives the same fields but for the lists and times left out', () => {
    const scans = [
      { guids: false, urls: false, times: true },
      { guids: true, urls: false, times: true },
      { guids: false, urls: true, times: true },
      { guids: false, urls: false, times: false },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...COMPONENTS),
        messageText,
        fc.constantFrom(...FORMATS),
        fc.constantFrom(...scans),
        (component, text, format, only) => {
          const { guids, urls, messageTimeUtc, stateMessages, ...rest } = messageFields(component, text, format);
          const timeless = stateMessages?.map(({ messageTimeUtc: _, ...m }) => m);
          expect(messageFields(component, text, format, only)).toEqual({
            ...rest,
            ...(only.guids && guids !== undefined && { guids }),
            ...(only.urls && urls !== undefined && { urls }),
            ...(only.times && messageTimeUtc !== undefined && { messageTimeUtc }),
            ...(stateMessages !== undefined && { stateMessages: only.times ? stateMessages : timeless }),
          });
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('reports error codes only in normal form and never success', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMPONENTS), messageText, (component, text) => {
        for (const code of messageFields(component, text, 'ccm').errorCodes ?? []) {
          expect(code).toMatch(/^0x[0-9A-F]{8}$/);
          expect(code).not.toBe('0x00000000');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

// ---- throughput (logs only) -------------------------------------------------------------------------

describe('throughput (measurement, no assertion on time)', () => {
  it('measures µs per message over 1,000,000 mixed realistic messages', () => {
    // Roughly the mix of a client bundle: mostly ScanAgent/CcmMessaging/WUAHandler/WU chatter, some
    // unknown components, a few XML bodies and failures.
    const mix: Array<[string, string, LogFormat]> = [
      ['ScanAgent', 'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Scan- entered', 'ccm'],
      ['ScanAgent', '- - - - - -Location Request ID = {C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}', 'ccm'],
      [
        'CcmMessaging',
        "Sending async message '{76453CC6-76BA-4B68-BE30-BA70754570BB}' to outgoing queue 'mp:[http]mp_locationmanager'",
        'ccm',
      ],
      [
        'CcmMessaging',
        'POST: Host=PS1SYS.CONTOSO.COM, Path=/ccm_system/request, Port=443, Protocol=https, Flags=512, Options=480',
        'ccm',
      ],
      ['CcmMessaging', "Message '{95F79010-D0EB-49A6-8A1E-3897883105F2}' doesn't have reply", 'ccm'],
      [
        'WUAHandler',
        'Update (Missing): Security Update for Windows 7 for x64-based Systems (KB2862152) (11112222-bbbb-3333-cccc-4444dddd5555, 200)',
        'ccm',
      ],
      ['WUAHandler', 'OnSearchComplete - Failed to end search job. Error = 0x80244022', 'ccm'],
      ['Agent', '* Added update {57260DFE-227C-45E3-9FFC-2FC77A67F95A}.104 to search result', 'wu-legacy'],
      [
        'PT',
        'WARNING: SyncUpdates failure, error = 0x80072EE2, soap client error = 5, soap error code = 0, HTTP status code = 200',
        'wu-legacy',
      ],
      ['ComApi', '* START *   Federated Search ClientId = Windows Defender (cV: sF3vtbMuJE60gBgl.1.0)', 'wu-etl'],
      [
        'UpdatesStore',
        'Successfully raised state message for update (11112222-bbbb-3333-cccc-4444dddd5555) with state (Missing).',
        'ccm',
      ],
      [
        'StateMessage',
        'Adding message with TopicType 500 and TopicId 11112222-bbbb-3333-cccc-4444dddd5555 to WMI',
        'ccm',
      ],
      ['CCMEXEC', 'Service startup complete.', 'ccm'],
      [
        'ContentTransferManager',
        'CTM job {7E5AB2E4-6B8A-4F6C-A1F4-0B9A07F1C0B1} successfully processed download completion.',
        'ccm',
      ],
      ['SMS_STATE_SYSTEM', 'CMessageProcessor - Processed 1 records with 0 invalid records.', 'sms'],
      [
        'SMS_MP_FILE_DISPATCH_MANAGER',
        '~Moved file C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\TAZGYTSJ.SMX to \\\\PS1SITE.CONTOSO.COM\\SMS_PS1\\inboxes\\auth\\statesys.box\\incoming\\TAZGYTSJ.SMX',
        'sms',
      ],
      [
        'LocationServices',
        "WSUS Path='http://PS1SITE.CONTOSO.COM:8530', Server='PS1SITE.CONTOSO.COM', Version='38'",
        'ccm',
      ],
      ['InventoryAgent', 'Inventory: Message type is InventoryAction', 'ccm'],
      ['DataTransferService', "DTSJob {D53DAB18-ED97-4373-A3BE-3FBA5DB3C6C6} in state 'DownloadingData'.", 'ccm'],
      ['StateMessage', 'StateMessage body: ' + REPORT_BODY, 'ccm'],
    ];
    const N = 1_000_000;
    const run = (messages: typeof mix): { wall: number; cpu: number; sink: number } => {
      let sink = 0;
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      for (let i = 0; i < N; i++) {
        const [component, text, format] = messages[i % messages.length]!;
        sink += messageFields(component, text, format).event?.length ?? 0;
      }
      const wall = Number(process.hrtime.bigint() - start) / 1000 / N;
      const used = process.cpuUsage(cpu);
      return { wall, cpu: (used.user + used.system) / N, sink };
    };
    for (let i = 0; i < 50_000; i++) {
      const [component, text, format] = mix[i % mix.length]!;
      messageFields(component, text, format);
    }
    const all = run(mix);
    const plain = run(mix.filter(([, text]) => !text.includes('<Report')));
    console.log(
      `messageFields over ${N} messages: ${all.wall.toFixed(2)} µs/message wall (${all.cpu.toFixed(2)} µs CPU) ` +
        `with 1 in ${mix.length} an XML Report body; ${plain.wall.toFixed(2)} µs wall (${plain.cpu.toFixed(2)} µs CPU) ` +
        `without XML bodies [sink ${all.sink + plain.sink}]`,
    );
  });
});

describe('WindowsUpdate.log spacing as real logs write it', () => {
  it.each([
    ['-- START --  COMAPI: Search [ClientId = CcmExec]', 'WindowsUpdate.callStart'],
    ['-- END --  COMAPI: Search [ClientId = CcmExec]', 'WindowsUpdate.callEnd'],
    ['** START **  Agent: Finding updates [CallerId = CcmExec]', 'WindowsUpdate.agentStart'],
    ['**  END  **  Agent: Finding updates [CallerId = CcmExec]', 'WindowsUpdate.agentEnd'],
  ])('%s', (text, event) => {
    expect(messageFields('COMAPI', text, 'wu-legacy').event).toBe(event);
  });
});
