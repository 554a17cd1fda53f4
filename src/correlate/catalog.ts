// The error-code catalogue: for a failure code the correlator reports, what the code means, where that meaning
// comes from, the usual upstream cause in a ConfigMgr software-update flow, and what an admin checks next.
//
// Meanings are quoted from their source. Source tags (S2, W6, P1 ...) are those of the project reference
// (shared/reference/configmgr-log-formats.md); a meaning taken from elsewhere (Windows SDK headers, other
// Microsoft docs) names that source and says it is not in the reference. As in the reference, `[S]` marks our
// own inference and `[U]` an unverified third-party observation; a meaning that only third parties give says
// `third-party:` in `source`. Codes nobody documents get their HRESULT fields, never a guessed meaning.
//
// Every HRESULT of FACILITY_WIN32 also has its bare Win32 twin (53 next to 0x80070035), because site-server
// logs write Win32 errors as plain decimals (`reported error 53`) while clients write the HRESULT.

import { normalizeErrorCode } from '../parsers/messages/errors.ts';

export interface ErrorCodeInfo {
  /** Normalised, `0x` + 8 uppercase hex digits, e.g. '0x80072EE2'; a bare Win32 error is '0x00000035'. */
  readonly code: string;
  /**
   * Symbolic name, e.g. 'ERROR_WINHTTP_TIMEOUT'. ConfigMgr publishes no symbolic names for its 0x87D… codes,
   * so for those the short text its error lookup shows stands in.
   */
  readonly name: string;
  /** What the code means, quoting the source where there is one. */
  readonly meaning: string;
  /** The usual upstream cause in a ConfigMgr software-update flow. */
  readonly usualCause: string;
  /** What an admin checks next: which log, setting or command. */
  readonly nextCheck: string;
  /** Where the meaning (and cause) come from: reference tag + title, or the outside source. */
  readonly source: string;
  /** Signed 32-bit decimal form, as consoles and the site database show it, e.g. -2147012894. */
  readonly decimal: number;
  /** 'COM' covers every other HRESULT facility (FACILITY_NULL, FACILITY_CONTROL, BITS, unknown ones). */
  readonly facility:
    'WinHTTP' | 'Windows Update' | 'ConfigMgr' | 'Win32' | 'COM' | 'Certificate' | 'Delivery Optimization';
}

type Facility = ErrorCodeInfo['facility'];

/** A catalogue row; FACILITY_WIN32 rows also give the name and text of their bare Win32 twin. */
interface Row extends ErrorCodeInfo {
  readonly win32?: { readonly name: string; readonly meaning: string };
}

/** Reference sources other advice cites by tag (failures.ts), as a source field names them: tag and title. */
export const REFERENCE = {
  S2: 'S2 Troubleshoot software update scan failures',
  S3: 'S3 Troubleshoot software update management',
  S5: 'S5 Troubleshoot software update synchronization',
  S9: 'S9 How to troubleshoot WSUS connection failures',
  S11: "S11 Configuration Manager clients don't get software updates",
} as const;

// Shared texts of the S2 group "caused by missing or corrupted components".
const S2_COMPONENTS_CAUSE =
  'S2: one of the scan errors "caused by missing or corrupted components": "Several issues can be caused by missing or corrupted files or registry keys, component registrations" …';
const S2_COMPONENTS_CHECK =
  'S2: run the Windows Update troubleshooter, or reset the Windows Update components: stop wuauserv and BITS, rename %windir%\\SoftwareDistribution (W3 also renames %windir%\\System32\\catroot2), start them again and rescan; [S] if it persists, DISM /Online /Cleanup-Image /RestoreHealth and sfc /scannow.';
const S2_COMPONENTS_SOURCE = `${REFERENCE.S2} ("missing or corrupted components"); W3 Windows Update common errors (catroot2)`;

// Checks shared by the certificate-trust family.
const TRUST_CHECK =
  "certlm.msc on the client: the WSUS signing certificate in Trusted Publishers and Trusted Root Certification Authorities (third-party updates; [S] the client setting Software Updates > 'Enable third party software updates' = Yes deploys it); for an SSL SUP, the root CA of the SUP's certificate in Trusted Root Certification Authorities.";

const WSUS_503_CHECK =
  'On the SUP: IIS Manager > Application Pools > WsusPool started? ([S] if it keeps stopping, raise its Private Memory Limit and Queue Length); 503s in the IIS log (C:\\inetpub\\logs\\LogFiles) and in C:\\Windows\\System32\\LogFiles\\HTTPERR (S9); [S] WAS rapid-fail protection events in the System event log.';

const ROWS: readonly Row[] = [
  // --- WinHTTP (FACILITY_WIN32, codes 12001-12192): the client could not talk HTTP to the SUP / Microsoft Update.
  {
    code: '0x80072EE2',
    name: 'ERROR_WINHTTP_TIMEOUT',
    meaning:
      'WinHTTP error 12002: "The request has timed out. This error can be returned as a result of TCP/IP time-out behavior, regardless of time-out values set in Windows HTTP Services." W3 labels the HRESULT WININET_E_TIMEOUT, "The operation timed out".',
    usualCause:
      'The client got no answer from the WSUS server (SUP) in time. S2 lists 0x80072ee2 among the scan failures related to HTTP time-out or authentication (port, proxy, firewall, network). S9: "503 errors in IIS may be accompanied by xxxx2ee2 errors" on clients, i.e. an overloaded or stopped WsusPool on the SUP. W11: a connectivity issue or an issue talking to the configured WSUS server.',
    nextCheck:
      'On the client, test http://<SUP>:8530/ClientWebService/client.asmx from the client (Invoke-WebRequest; https and 8531 for an SSL SUP), check `netsh winhttp show proxy` (the scan uses the WinHTTP proxy), firewall to port 8530/8531 (Test-NetConnection <SUP> -Port 8530), and the WSUS IIS log / WsusPool state on the SUP (503s).',
    source: `W6 WinHTTP Error Messages; W3 Windows Update common errors; ${REFERENCE.S2}; ${REFERENCE.S9}; W11 Azure Automation Update Management troubleshooting`,
    decimal: -2147012894,
    facility: 'WinHTTP',
    win32: {
      name: 'ERROR_WINHTTP_TIMEOUT',
      meaning:
        'WinHTTP error 12002: "The request has timed out. This error can be returned as a result of TCP/IP time-out behavior, regardless of time-out values set in Windows HTTP Services."',
    },
  },
  {
    code: '0x80072EE7',
    name: 'ERROR_WINHTTP_NAME_NOT_RESOLVED',
    meaning:
      'WinHTTP error 12007: "The server name cannot be resolved." (winerror.h names the HRESULT WININET_E_NAME_NOT_RESOLVED, "The server name or address could not be resolved".)',
    usualCause:
      '[S] The client cannot resolve the SUP host name of the WSUS location it was given, or the name of its proxy: DNS record missing, a wrong FQDN in the SUP properties, or a client on another DNS (VPN, internet).',
    nextCheck:
      "Resolve-DnsName <SUP FQDN> on the client, taking the FQDN from WUAHandler.log 'Enabling WUA Managed server policy to use server: …' or LocationServices.log 'WSUS Path=…'; check that the proxy in `netsh winhttp show proxy` resolves too; compare with the SUP's FQDN in the console (Administration > Site Configuration > Servers and Site System Roles).",
    source: 'W6 WinHTTP Error Messages; Windows SDK winerror.h (this code is not in the reference tables)',
    decimal: -2147012889,
    facility: 'WinHTTP',
    win32: {
      name: 'ERROR_WINHTTP_NAME_NOT_RESOLVED',
      meaning: 'WinHTTP error 12007: "The server name cannot be resolved."',
    },
  },
  {
    code: '0x80072EFD',
    name: 'ERROR_WINHTTP_CANNOT_CONNECT',
    meaning:
      'WinHTTP error 12029: "Returned if connection to the server failed." W3 groups 0x80072EFD, 0x80072EFE and 0x80D02002 as TIME_OUT_ERRORS, "The operation timed out".',
    usualCause:
      '[S] Nothing accepted the TCP connection: WSUS port wrong or closed, the WSUS web site stopped, a firewall in between. W3: "Make sure there are no firewall rules or proxy to block Microsoft download URLs."',
    nextCheck:
      'Test-NetConnection <SUP> -Port 8530 (8531 for SSL) from the client; on the SUP, the WSUS Administration web site is started in IIS Manager and listens on the port of the URL in WUAHandler.log; the inbound firewall rule for 8530/8531 on the SUP; `netsh winhttp show proxy` on the client (a proxy that cannot reach the SUP fails the same way).',
    source: 'W6 WinHTTP Error Messages; W3 Windows Update common errors',
    decimal: -2147012867,
    facility: 'WinHTTP',
    win32: {
      name: 'ERROR_WINHTTP_CANNOT_CONNECT',
      meaning: 'WinHTTP error 12029: "Returned if connection to the server failed."',
    },
  },
  {
    code: '0x80072EFE',
    name: 'ERROR_WINHTTP_CONNECTION_ERROR',
    meaning:
      '"The connection with the server was terminated abnormally" (S5; the WinINet text, WININET_E_CONNECTION_ABORTED in winerror.h). WinHTTP error 12030: "The connection with the server has been reset or terminated, or an incompatible SSL protocol was encountered." W3 groups it with the TIME_OUT_ERRORS.',
    usualCause:
      'S5: synchronisation from Microsoft Update failing on connectivity, firewall or proxy. On a client scan [S]: the connection to the SUP was reset mid-request (proxy or TLS inspection, WsusPool recycling, a TLS version mismatch on an SSL SUP).',
    nextCheck:
      'For a sync failure, on the site server: WSyncMgr.log and WCM.log, the proxy settings of the software update point role, firewall rules to the Microsoft Update URLs. For a client: the WindowsUpdate.log lines around the failure, `netsh winhttp show proxy`, any SSL-inspecting device between client and SUP, and [S] TLS 1.2 enabled on both sides for 8531.',
    source: `${REFERENCE.S5}; W6 WinHTTP Error Messages; W3 Windows Update common errors`,
    decimal: -2147012866,
    facility: 'WinHTTP',
    win32: {
      name: 'ERROR_WINHTTP_CONNECTION_ERROR',
      meaning:
        'WinHTTP error 12030: "The connection with the server has been reset or terminated, or an incompatible SSL protocol was encountered."',
    },
  },
  {
    code: '0x80072F0C',
    name: 'ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED',
    meaning:
      '"A certificate is required to complete client authentication" (S2; WININET_E_CLIENT_AUTH_CERT_NEEDED). WinHTTP error 12044: "Returned by WinHttpReceiveResponse when the server requests client authentication."',
    usualCause: 'S2: the WSUS virtual directories of an SSL SUP are set to accept or require client certificates.',
    nextCheck:
      "On the SUP, IIS Manager > WSUS Administration > ClientWebService and SimpleAuthWebService (and the other WSUS virtual directories) > SSL Settings: 'Client certificates' must be Ignore; then test https://<SUP>:8531/ClientWebService/client.asmx from the client again.",
    source: `${REFERENCE.S2}; W6 WinHTTP Error Messages`,
    decimal: -2147012852,
    facility: 'WinHTTP',
    win32: {
      name: 'ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED',
      meaning:
        'WinHTTP error 12044: "Returned by WinHttpReceiveResponse when the server requests client authentication."',
    },
  },
  {
    code: '0x80072F78',
    name: 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE',
    meaning:
      'WinHTTP error 12152: "The server response cannot be parsed." (winerror.h: WININET_E_INVALID_SERVER_RESPONSE, "The server returned an invalid or unrecognized response".)',
    usualCause:
      '[S] Something other than WSUS answered, or WSUS answered with an error page: a proxy, web filter or TLS-inspection device, a load balancer, or an IIS error page instead of the web service.',
    nextCheck:
      "From the client, open http://<SUP>:8530/ClientWebService/wusserverversion.xml (an S2 test URL) and check the body is WSUS's XML; look for the client's requests at that time in the SUP IIS log (absent means something in between answered); `netsh winhttp show proxy`.",
    source: `W6 WinHTTP Error Messages; Windows SDK winerror.h (this code is not in the reference tables); ${REFERENCE.S2} (test URLs)`,
    decimal: -2147012744,
    facility: 'WinHTTP',
    win32: {
      name: 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE',
      meaning: 'WinHTTP error 12152: "The server response cannot be parsed."',
    },
  },
  {
    code: '0x80072F8F',
    name: 'ERROR_WINHTTP_SECURE_FAILURE',
    meaning:
      'WinHTTP error 12175: "One or more errors were found in the Secure Sockets Layer (SSL) certificate sent by the server." (winerror.h names the same HRESULT WININET_E_DECODING_FAILED, the WinINet reading of 12175; Windows Update talks through WinHTTP.)',
    usualCause:
      '[S] The HTTPS connection to the SUP (8531) or to Microsoft Update failed certificate validation: certificate expired or not yet valid (check the client clock), a name not matching the SUP FQDN, a chain to an untrusted root, revocation not checkable, or TLS inspection replacing the certificate.',
    nextCheck:
      'On the client, open https://<SUP FQDN>:8531/ClientWebService/client.asmx and inspect the certificate: subject/SAN equal to the FQDN in WUAHandler.log, validity dates, chain to a root in certlm.msc Trusted Root Certification Authorities; `w32tm /query /status` for the clock; on the SUP, the https binding certificate of the WSUS Administration site.',
    source: 'W6 WinHTTP Error Messages; Windows SDK winerror.h (this code is not in the reference tables)',
    decimal: -2147012721,
    facility: 'WinHTTP',
    win32: {
      name: 'ERROR_WINHTTP_SECURE_FAILURE',
      meaning:
        'WinHTTP error 12175: "One or more errors were found in the Secure Sockets Layer (SSL) certificate sent by the server."',
    },
  },

  // --- Windows Update Agent protocol talker: WSUS answered with an HTTP status, or the SOAP exchange failed.
  {
    code: '0x80244017',
    name: 'WU_E_PT_HTTP_STATUS_DENIED',
    meaning: '"Same as HTTP status 401 - the requested resource requires user authentication."',
    usualCause:
      'S2/S3: authentication errors between the client and WSUS, typically an authenticating proxy or changed authentication on the WSUS virtual directories. S9: in the IIS log a 401 followed by 200 is normal; only 401s without the 200 matter.',
    nextCheck:
      '`netsh winhttp show proxy` on the client (the SUP FQDN belongs in the bypass list); the SUP IIS log for the client IP (sc-status 401 with its sc-substatus and sc-win32-status); [S] IIS Manager > WSUS Administration > ClientWebService > Authentication: anonymous access must stay enabled.',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S2}; ${REFERENCE.S3}; ${REFERENCE.S9}`,
    decimal: -2145107945,
    facility: 'Windows Update',
  },
  {
    code: '0x80244018',
    name: 'WU_E_PT_HTTP_STATUS_FORBIDDEN',
    meaning: '"Same as HTTP status 403 - server understood the request, but declined to fulfill it."',
    usualCause:
      'S3: authentication errors. S9 (IIS 403 on WSUS): "Access failure: Certificate issues or incorrect IIS configuration."',
    nextCheck:
      'The SUP IIS log for the client IP: [S] the sc-substatus says which 403 (403.4 SSL required, 403.7 client certificate required); the SSL Settings of the WSUS virtual directories; a proxy answering 403 (`netsh winhttp show proxy`).',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S3}; ${REFERENCE.S9}`,
    decimal: -2145107944,
    facility: 'Windows Update',
  },
  {
    code: '0x80244019',
    name: 'WU_E_PT_HTTP_STATUS_NOT_FOUND',
    meaning: '"Same as HTTP status 404 - the server cannot find the requested URI (Uniform Resource Identifier)."',
    usualCause:
      'S9 (IIS 404 on WSUS): "Not found: Missing Virtual directory or IIS configuration"; [S] or the client is pointed at the wrong port or site (a URL that lands on the Default Web Site instead of the WSUS site).',
    nextCheck:
      'Test the S2 URLs from the client: http://<SUP>:8530/Selfupdate/wuident.cab, http://<SUP>:8530/ClientWebService/wusserverversion.xml, http://<SUP>:8530/SimpleAuthWebService/SimpleAuth.asmx; on the SUP check these virtual directories exist under the WSUS Administration site; compare the port in WUAHandler.log with the SUP properties.',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S9}; ${REFERENCE.S2} (test URLs)`,
    decimal: -2145107943,
    facility: 'Windows Update',
  },
  {
    code: '0x8024401B',
    name: 'WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ',
    meaning:
      '"Same as HTTP status 407 - proxy authentication is required." (S2: "0x8024401B or HTTP Error 407 - Proxy Authentication Required")',
    usualCause: 'S2: proxy-related. [S] The scan runs as SYSTEM through a proxy that demands user authentication.',
    nextCheck:
      '`netsh winhttp show proxy` on the client: bypass the proxy for the SUP FQDN (`netsh winhttp set proxy proxy-server="<proxy:port>" bypass-list="<SUP FQDN>;<local>"`) or let the proxy accept the computer account; for sync failures, the proxy account of the software update point role.',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S2}`,
    decimal: -2145107941,
    facility: 'Windows Update',
  },
  {
    code: '0x8024401C',
    name: 'WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT',
    meaning: '"Same as HTTP status 408 - the server timed out waiting for the request."',
    usualCause:
      'S2 lists it among the scan failures related to HTTP time-out or authentication: [S] a slow network or proxy, or an overloaded WSUS.',
    nextCheck:
      'As for 0x80072EE2: the SUP IIS log (time-taken, 408/503 statuses) and the WsusPool state; `netsh winhttp show proxy` and the network path from the client to the SUP.',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S2}`,
    decimal: -2145107940,
    facility: 'Windows Update',
  },
  {
    code: '0x8024401F',
    name: 'WU_E_PT_HTTP_STATUS_SERVER_ERROR',
    meaning: '"Same as HTTP status 500 - an error internal to the server prevented fulfilling the request."',
    usualCause:
      'S9 (IIS 500 on WSUS): "Service not available" — [S] the WSUS web service or its database (SUSDB) failing.',
    nextCheck:
      'On the SUP: %ProgramFiles%\\Update Services\\LogFiles\\SoftwareDistribution.log at the failure time (M2), the Application event log (WSUS and ASP.NET errors), the WsusPool state, and whether the WSUS console opens (SUSDB reachable).',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S9}`,
    decimal: -2145107937,
    facility: 'Windows Update',
  },
  {
    code: '0x80244021',
    name: 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY',
    meaning:
      '"Same as HTTP status 502 - the server, while acting as a gateway or proxy, received an invalid response from the upstream server it accessed in attempting to fulfill the request." (S2: "0x80244021 or HTTP Error 502 - Bad gateway")',
    usualCause:
      'S2: proxy-related — a proxy between the client (or the SUP, for sync) and WSUS or Microsoft Update could not reach the upstream server.',
    nextCheck:
      '`netsh winhttp show proxy` on the client (the SUP FQDN belongs in the bypass list); the proxy logs for the SUP URL; for sync, WCM.log on the site server shows "The request failed with HTTP status 502" (S5).',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S2}; ${REFERENCE.S5}`,
    decimal: -2145107935,
    facility: 'Windows Update',
  },
  {
    code: '0x80244022',
    name: 'WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL',
    meaning: '"Same as HTTP status 503 - the service is temporarily overloaded."',
    usualCause:
      'S9 (IIS 503 on WSUS): "This can be caused by a WSUS application pool memory issue or just too many client connections."; [U: P2] the WSUS Administration site or WsusPool stopped.',
    nextCheck: WSUS_503_CHECK,
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S9}; third-party: P2 Patch My PC "Troubleshooting Clients Unknown Update State" (WsusPool stopped)`,
    decimal: -2145107934,
    facility: 'Windows Update',
  },
  {
    code: '0x80244023',
    name: 'WU_E_PT_HTTP_STATUS_GATEWAY_TIMEOUT',
    meaning:
      '"Same as HTTP status 503 - the request was timed out waiting for a gateway." (W2 and wuerror.h say 503; the name means HTTP 504.)',
    usualCause:
      'S2 lists it among the scan failures related to HTTP time-out: [S] a proxy or load balancer in front of WSUS timed out waiting for it.',
    nextCheck:
      'The proxy and load-balancer logs and time-outs for the SUP URL; `netsh winhttp show proxy`; time-taken of the client requests in the SUP IIS log; WsusPool health as for 0x80244022.',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S2}`,
    decimal: -2145107933,
    facility: 'Windows Update',
  },
  {
    code: '0x80244010',
    name: 'WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS',
    meaning: '"The number of round trips to the server exceeded the maximum limit."',
    usualCause:
      'S9 sends "a large number of roundtrip errors" to the WSUS/SUP maintenance guidance: [S] a bloated catalog (superseded updates not declined, WSUS cleanup never run) needs more round trips than the client allows. [U: P3] also seen when the client does not trust the WSUS SSL certificate.',
    nextCheck:
      '[S] On the SUP: decline superseded and expired updates, run the WSUS Server Cleanup Wizard and reindex SUSDB; in ConfigMgr, Software Update Point Component Properties > Supersedence Rules and WSUS Maintenance; then rescan. If the SUP uses SSL, check the client trusts its certificate (see 0x80072F8F).',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S9}; third-party: P3 Patch My PC KB 0x800b0109 (untrusted certificate)`,
    decimal: -2145107952,
    facility: 'Windows Update',
  },
  {
    code: '0x8024402C',
    name: 'WU_E_PT_WINHTTP_NAME_NOT_RESOLVED',
    meaning:
      '"Same as ERROR_WINHTTP_NAME_NOT_RESOLVED - the proxy server or target server name cannot be resolved." (S2: "0x8024402C - The proxy server or target server name cannot be resolved")',
    usualCause: 'S2: proxy-related — the SUP or proxy host name does not resolve from the client.',
    nextCheck:
      'Resolve-DnsName for the SUP FQDN in WUAHandler.log and for the proxy in `netsh winhttp show proxy`; if the network needs no proxy, remove a stale one with `netsh winhttp reset proxy`.',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S2}`,
    decimal: -2145107924,
    facility: 'Windows Update',
  },
  {
    code: '0x8024402F',
    name: 'WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS',
    meaning: '"External cab file processing completed with some errors."',
    usualCause:
      'W3: "One of the reasons we see this issue is due to the design of a software called Lightspeed Rocket for Web filtering." — a web filter altering downloaded cab files.',
    nextCheck:
      "The WindowsUpdate.log PT lines before the failure, which name the cab and its URL; add the clients to the web filter's exception list (W3) or bypass it for the SUP and Microsoft Update URLs.",
    source: 'W2 Windows Update error codes by component; W3 Windows Update common errors',
    decimal: -2145107921,
    facility: 'Windows Update',
  },
  {
    code: '0x80244007',
    name: 'WU_E_PT_SOAPCLIENT_SOAPFAULT',
    meaning:
      '"Same as SOAPCLIENT_SOAPFAULT - SOAP client failed because there was a SOAP fault for reasons of WU_E_PT_SOAP_* error codes."',
    usualCause:
      'S10: the client reports more InstalledNonLeafUpdateIDs than WSUS accepts (maxInstalledPrerequisites, 400 by default). W3: Windows cannot renew the cookies for Windows Update (KB2883975).',
    nextCheck:
      'WindowsUpdate.log just before "*FAILED* [80244007] SyncUpdates_WithRecovery failed": if the WS error names parameters.InstalledNonLeafUpdateIDs, raise maxInstalledPrerequisites from 400 to 800 in the web.config of the WSUS ClientWebService on the SUP (S10); otherwise follow KB2883975 (W3).',
    source:
      'W2 Windows Update error codes by component; W5 wuerror.h; S10 Error 80244007 when a WSUS client scans for updates; W3 Windows Update common errors',
    decimal: -2145107961,
    facility: 'Windows Update',
  },
  {
    code: '0x80240438',
    name: 'WU_E_PT_ENDPOINT_UNREACHABLE',
    meaning: '"There is no route or network connectivity to the endpoint." (wuerror.h; not in the older W2 table)',
    usualCause:
      '[U: P2] seen with the WSUS site or WsusPool stopped; [S] routing, firewall or proxy between the client and the SUP.',
    nextCheck:
      'Test-NetConnection <SUP> -Port 8530 (8531 for SSL) from the client; WsusPool and the WSUS Administration site started on the SUP; `netsh winhttp show proxy`.',
    source: 'W5 wuerror.h; third-party: P2 Patch My PC "Troubleshooting Clients Unknown Update State"',
    decimal: -2145123272,
    facility: 'Windows Update',
  },
  {
    code: '0x80240440',
    name: 'WU_E_PT_ENDPOINT_DISCONNECTED',
    meaning: '"The connection to the service endpoint died."',
    usualCause:
      '[S] The connection was reset in the middle of the scan: proxy or TLS inspection, WsusPool recycling, a network drop.',
    nextCheck:
      'The SUP IIS log and the System event log (WsusPool recycles) at the failure time; proxy and TLS-inspection devices between client and SUP; rescan and see whether it repeats.',
    source: 'W5 wuerror.h',
    decimal: -2145123264,
    facility: 'Windows Update',
  },
  {
    code: '0x80240030',
    name: 'WU_E_INVALID_PROXY_SERVER',
    meaning:
      '"The format of the proxy list was invalid." (S2: "0x80240030 - The format of the proxy list was invalid")',
    usualCause: 'S2: proxy-related — [S] a malformed WinHTTP proxy or bypass list on the client.',
    nextCheck:
      '`netsh winhttp show proxy` on the client; fix the proxy and bypass syntax (`netsh winhttp set proxy proxy-server="<proxy:port>" bypass-list="<SUP FQDN>;<local>"`) or `netsh winhttp reset proxy`; find the GPO or script that sets it.',
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${REFERENCE.S2}`,
    decimal: -2145124304,
    facility: 'Windows Update',
  },
  {
    code: '0x8024000E',
    name: 'WU_E_XML_INVALID',
    meaning: '"Windows Update Agent found invalid information in the update\'s XML data."',
    usualCause:
      'W3: "Certain drivers contain additional metadata information in the update.xml, which could lead Orchestrator to understand it as invalid data."',
    nextCheck:
      'W3: "Ensure that you have the latest Windows Update Agent installed on the machine."; WindowsUpdate.log names the update; [S] if it is a driver, check whether Drivers is a synchronised classification on the SUP.',
    source: 'W2 Windows Update error codes by component; W5 wuerror.h; W3 Windows Update common errors',
    decimal: -2145124338,
    facility: 'Windows Update',
  },
  {
    code: '0x80240022',
    name: 'WU_E_ALL_UPDATES_FAILED',
    meaning: '"Operation failed for all the updates."',
    usualCause:
      'Install stage, not scan: every update of the job failed ([U: P5] WUAHandler "Installation job encountered some failures. Job Result = 0x80240022."). The cause is in the per-update codes.',
    nextCheck:
      'The WUAHandler.log / UpdatesHandler.log lines "Update N (<id>) finished installing (0x…)" and the catalogue entries of those codes; the install section of WindowsUpdate.log; [S] %windir%\\Logs\\CBS\\CBS.log for operating-system updates.',
    source:
      'W2 Windows Update error codes by component; W5 wuerror.h; third-party: P5 Patch My PC KBs (WUAHandler install lines)',
    decimal: -2145124318,
    facility: 'Windows Update',
  },
  {
    code: '0x8024002D',
    name: 'WU_E_SOURCE_ABSENT',
    meaning: '"A full-file update could not be installed because it required the source."',
    usualCause:
      "[U: P5] Install stage: an MSI-based (often third-party) update needs the product's original installation source, which is no longer there.",
    nextCheck:
      'The update in WUAHandler.log ("Update N (<id>) finished installing (0x8024002d)"); the Windows Installer log and the Application event log (MsiInstaller) for that product; repair or reinstall the product so that its source is available, then redeploy.',
    source:
      'W2 Windows Update error codes by component; W5 wuerror.h; third-party: P5 Patch My PC KBs (WUAHandler install lines)',
    decimal: -2145124307,
    facility: 'Windows Update',
  },
  {
    code: '0x80246002',
    name: 'WU_E_DM_INCORRECTFILEHASH',
    meaning: '"A download manager operation could not be completed because the file digest was not recognized."',
    usualCause:
      "[U: P5] Download stage: the file the client got does not match the update's hash — content changed or re-published (third-party updates), a proxy or filter altering the file, or a corrupt copy in the cache.",
    nextCheck:
      'WUAHandler.log "Failed to download updates to the WUAgent datastore"; CAS.log, ContentTransferManager.log and DataTransferService.log for the content ID and the DP it came from; redistribute the deployment package (re-publish a third-party update); bypass web filtering for the DP and SUP URLs.',
    source:
      'W2 Windows Update error codes by component; W5 wuerror.h; third-party: P5 Patch My PC KBs (WUAHandler download lines)',
    decimal: -2145099774,
    facility: 'Windows Update',
  },
  {
    code: '0x80246008',
    name: 'WU_E_DM_FAILTOCONNECTTOBITS',
    meaning:
      '"A download manager operation failed because the download manager was unable to connect the Background Intelligent Transfer Service (BITS)."',
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: `First Get-Service BITS (must not be Disabled) and \`sc qc bits\`. ${S2_COMPONENTS_CHECK}`,
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${S2_COMPONENTS_SOURCE}`,
    decimal: -2145099768,
    facility: 'Windows Update',
  },
  {
    code: '0x80245003',
    name: 'WU_E_REDIRECTOR_ID_SMALLER',
    meaning: '"The redirectorId in the downloaded redirector cab is less than in the cached cab."',
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: S2_COMPONENTS_CHECK,
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${S2_COMPONENTS_SOURCE}`,
    decimal: -2145103869,
    facility: 'Windows Update',
  },
  {
    code: '0x80248011',
    name: 'WU_E_DS_UNABLETOSTART',
    meaning: '"Could not create a data store object in another process."',
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: S2_COMPONENTS_CHECK,
    source: `W2 Windows Update error codes by component; W5 wuerror.h; ${S2_COMPONENTS_SOURCE}`,
    decimal: -2145091567,
    facility: 'Windows Update',
  },
  {
    code: '0x8024B303',
    name: 'WU_E_TRUST_SUBJECT_NOT_TRUSTED',
    meaning:
      '"The subject is not trusted by WU for the specified action." (W5 wuerror.h; the reference has only "untrusted root / signing" from a third party)',
    usualCause:
      "[U: P3] the signing certificate of a third-party update is not trusted by the client, or the root of the SUP's SSL certificate is not trusted during the scan.",
    nextCheck: TRUST_CHECK,
    source: 'W5 wuerror.h; third-party: P3 Patch My PC KB "third-party updates fail to install with error 0x800b0109"',
    decimal: -2145078525,
    facility: 'Windows Update',
  },

  // --- Win32 errors as HRESULTs (FACILITY_WIN32).
  {
    code: '0x80070005',
    name: 'E_ACCESSDENIED',
    meaning: 'E_ACCESSDENIED, "General access denied error" (winerror.h): Win32 ERROR_ACCESS_DENIED (5) as an HRESULT.',
    usualCause:
      'W11: "An access denied error can be caused by any one of the following: Infected computer; Windows Update settings not configured correctly; File permission error with %WinDir%\\SoftwareDistribution folder; Insufficient disk space on the system drive (C:)." W8: COMAPI "Unable to establish connection to the service. (hr=80070005)" from a wrong DCOM configuration, Guests membership, the Automatic Updates service security descriptor or the local security policy.',
    nextCheck:
      'See which component logged it. Windows Update (WindowsUpdate.log COMAPI/AU): permissions on %WinDir%\\SoftwareDistribution, free space on C:, DCOM defaults (dcomcnfg > My Computer > COM Security) and the wuauserv security descriptor (`sc sdshow wuauserv`) (W8, W11). Site systems (MPFDM, DistMgr, file moves): [S] the NTFS and share rights of the computer account on the target share.',
    source:
      'Windows SDK winerror.h (standard HRESULT; [S] in the reference); W11 Azure Automation Update Management troubleshooting; W8 KB 910338',
    decimal: -2147024891,
    facility: 'Win32',
    win32: {
      name: 'ERROR_ACCESS_DENIED',
      meaning: 'Win32 error 5, ERROR_ACCESS_DENIED: "Access is denied." (winerror.h)',
    },
  },
  {
    code: '0x8007000E',
    name: 'E_OUTOFMEMORY',
    meaning:
      'E_OUTOFMEMORY, "Ran out of memory" (winerror.h). S3 shows it as `WARNING: ISusInternal::GetUpdateMetadata2 failed, hr=8007000E`.',
    usualCause:
      'S3: the Windows Update Agent ran out of memory while processing the update catalog (32-bit Windows 7 clients); fixed by the June 2015 Windows Update Agent update.',
    nextCheck:
      'WindowsUpdate.log for "ISusInternal::GetUpdateMetadata2 failed, hr=8007000E" (S3); install the current Windows Update Agent (S3: June 2015 or later); [S] shrink the catalog on the SUP (decline superseded updates, drop unneeded products and classifications) and check free memory on the client.',
    source: `${REFERENCE.S3}; Windows SDK winerror.h`,
    decimal: -2147024882,
    facility: 'Win32',
    win32: {
      name: 'ERROR_OUTOFMEMORY',
      meaning:
        'Win32 error 14, ERROR_OUTOFMEMORY: "Not enough memory resources are available to complete this operation." (winerror.h)',
    },
  },
  {
    code: '0x80070035',
    name: 'ERROR_BAD_NETPATH',
    meaning: 'Win32 error 53, ERROR_BAD_NETPATH: "The network path was not found." (winerror.h), as an HRESULT.',
    usualCause:
      'A server or share could not be reached over SMB. In these flows: MPFDM on a remote management point cannot reach the site server\'s inbox ([U] status text "MP File Dispatch Manager running on the management point cannot connect to site server … The operating system reported error 53: The network path was not found."). S1: MPFDM needs the Remote Registry service running and registry access not blocked by Group Policy. [S] Also SMB (445) blocked, name resolution, or the site server down.',
    nextCheck:
      'From the management point: Test-NetConnection <site server> -Port 445; Test-Path \\\\<site server>\\SMS_<site code>\\inboxes\\auth\\statesys.box\\incoming as the MP computer account (e.g. psexec -s); the Remote Registry service running on the site server and not blocked by Group Policy (S1); DNS for the site server name; the exact path in MPFDM.log.',
    source:
      'Windows SDK winerror.h (not in the reference tables); S1 Track software update compliance assessment (MPFDM dependencies); reference §6.13 [U] monitoring text',
    decimal: -2147024843,
    facility: 'Win32',
    win32: {
      name: 'ERROR_BAD_NETPATH',
      meaning: 'Win32 error 53, ERROR_BAD_NETPATH: "The network path was not found." (winerror.h)',
    },
  },
  {
    code: '0x80070002',
    name: 'ERROR_FILE_NOT_FOUND',
    meaning:
      'Win32 error 2, ERROR_FILE_NOT_FOUND: "The system cannot find the file specified." (winerror.h; also in the ConfigMgr application installation error reference), as an HRESULT.',
    usualCause:
      '[S] A file the step needs is missing: content not (or no longer) in the client cache or on the DP, a removed installer or script, or a missing Windows Update component file.',
    nextCheck:
      'The log line before it usually names the file; for content: CAS.log and ContentTransferManager.log on the client and the content status of the package on the DP; for system files, the application installation error reference suggests sfc /scannow and Process Monitor to find the missing file.',
    source:
      'Windows SDK winerror.h; Microsoft memdocs "Application installation error codes reference" (configmgr/tenant-attach/app-install-error-reference.md, not in the project reference)',
    decimal: -2147024894,
    facility: 'Win32',
    win32: {
      name: 'ERROR_FILE_NOT_FOUND',
      meaning: 'Win32 error 2, ERROR_FILE_NOT_FOUND: "The system cannot find the file specified." (winerror.h)',
    },
  },
  {
    code: '0x80070003',
    name: 'ERROR_PATH_NOT_FOUND',
    meaning:
      'Win32 error 3, ERROR_PATH_NOT_FOUND: "The system cannot find the path specified." (winerror.h), as an HRESULT.',
    usualCause:
      '[S] A folder on the path does not exist: a content source or inbox path moved or deleted, a drive letter that differs on this machine, a missing %windir%\\SoftwareDistribution subfolder.',
    nextCheck:
      'The path in the log lines just before the code; Test-Path it as the account the component runs as (SYSTEM on clients, the computer account on site systems).',
    source: 'Windows SDK winerror.h (not in the reference tables)',
    decimal: -2147024893,
    facility: 'Win32',
    win32: {
      name: 'ERROR_PATH_NOT_FOUND',
      meaning: 'Win32 error 3, ERROR_PATH_NOT_FOUND: "The system cannot find the path specified." (winerror.h)',
    },
  },
  {
    code: '0x80070040',
    name: 'ERROR_NETNAME_DELETED',
    meaning:
      'Win32 error 64, ERROR_NETNAME_DELETED: "The specified network name is no longer available." (winerror.h), as an HRESULT.',
    usualCause:
      '[S] An open SMB or HTTP connection dropped: the remote server restarted, a network or VPN flap, a firewall or IPS closing sessions. Usually transient.',
    nextCheck:
      'Whether it repeats at the next retry; the event logs of the remote server at that time (restart, SMB server errors); network devices between the two hosts.',
    source: 'Windows SDK winerror.h (not in the reference tables)',
    decimal: -2147024832,
    facility: 'Win32',
    win32: {
      name: 'ERROR_NETNAME_DELETED',
      meaning:
        'Win32 error 64, ERROR_NETNAME_DELETED: "The specified network name is no longer available." (winerror.h)',
    },
  },
  {
    code: '0x80070043',
    name: 'ERROR_BAD_NET_NAME',
    meaning: 'Win32 error 67, ERROR_BAD_NET_NAME: "The network name cannot be found." (winerror.h), as an HRESULT.',
    usualCause:
      '[S] The server answers but the share does not exist (a wrong share name, the SMS_<site code> or a DP share missing), or the name resolves to another machine.',
    nextCheck:
      'net view \\\\<server> from the source machine to list its shares; Get-SmbShare on the server; Resolve-DnsName <server> to check it resolves to the right address.',
    source: 'Windows SDK winerror.h (not in the reference tables)',
    decimal: -2147024829,
    facility: 'Win32',
    win32: {
      name: 'ERROR_BAD_NET_NAME',
      meaning: 'Win32 error 67, ERROR_BAD_NET_NAME: "The network name cannot be found." (winerror.h)',
    },
  },
  {
    code: '0x8007052E',
    name: 'ERROR_LOGON_FAILURE',
    meaning:
      'Win32 error 1326, ERROR_LOGON_FAILURE: "The user name or password is incorrect." (winerror.h), as an HRESULT.',
    usualCause:
      '[S] An account ConfigMgr uses for this connection has a wrong or changed password: site system installation account, client push account, network access account, or the connection/proxy account of the software update point.',
    nextCheck:
      'Which account the component used (the log line before usually says); console Administration > Security > Accounts: set the current password; the Security event log of the target for event 4625 and its failure reason.',
    source: 'Windows SDK winerror.h (not in the reference tables)',
    decimal: -2147023570,
    facility: 'Win32',
    win32: {
      name: 'ERROR_LOGON_FAILURE',
      meaning: 'Win32 error 1326, ERROR_LOGON_FAILURE: "The user name or password is incorrect." (winerror.h)',
    },
  },
  {
    code: '0x80070643',
    name: 'ERROR_INSTALL_FAILURE',
    meaning:
      'Win32 error 1603, ERROR_INSTALL_FAILURE: "Fatal error during installation." (winerror.h; MSI exit code 1603 in the ConfigMgr application installation error reference), as an HRESULT.',
    usualCause:
      "[U: P5] Install stage: the update's Windows Installer package failed (`Update 1 (…) finished installing (0x80070643)`), typical of MSI-based third-party updates.",
    nextCheck:
      'Which update failed (WUAHandler.log / UpdatesHandler.log); the application installation error reference (1603): enable Windows Installer logging, rerun the install and look for "Return value 3" in the MSI log; the Application event log (MsiInstaller).',
    source:
      'Windows SDK winerror.h; Microsoft memdocs "Application installation error codes reference" (not in the project reference); third-party: P5 Patch My PC KBs (WUAHandler install lines)',
    decimal: -2147023293,
    facility: 'Win32',
    win32: {
      name: 'ERROR_INSTALL_FAILURE',
      meaning: 'Win32 error 1603, ERROR_INSTALL_FAILURE: "Fatal error during installation." (winerror.h)',
    },
  },
  {
    code: '0x800703F0',
    name: 'ERROR_NO_TOKEN',
    meaning:
      'Win32 error 1008, ERROR_NO_TOKEN: "An attempt was made to reference a token that does not exist." (winerror.h), as an HRESULT.',
    usualCause:
      'Seen in WindowsUpdate.log as `Misc *FAILED* [800703F0] Failed to get proxy settings token, not impersonating user` ([U] Get-WindowsUpdateLog sample): [S] the agent found no logged-on user whose proxy settings it could read. On its own this is noise, not the cause of a scan failure.',
    nextCheck:
      'Ignore it unless nothing else failed; look for the next *FAILED* line, or the code of WUAHandler.log "Scan failed with error" at the same time.',
    source: 'Windows SDK winerror.h (not in the reference tables); reference §3.2 [U] Get-WindowsUpdateLog sample',
    decimal: -2147023888,
    facility: 'Win32',
    win32: {
      name: 'ERROR_NO_TOKEN',
      meaning:
        'Win32 error 1008, ERROR_NO_TOKEN: "An attempt was made to reference a token that does not exist." (winerror.h)',
    },
  },
  {
    code: '0x80070514',
    name: 'ERROR_NOT_ALL_ASSIGNED',
    meaning:
      'Win32 error 1300, ERROR_NOT_ALL_ASSIGNED: "Not all privileges or groups referenced are assigned to the caller." (winerror.h), as an HRESULT.',
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: S2_COMPONENTS_CHECK,
    source: `Windows SDK winerror.h; ${S2_COMPONENTS_SOURCE}`,
    decimal: -2147023596,
    facility: 'Win32',
    win32: {
      name: 'ERROR_NOT_ALL_ASSIGNED',
      meaning:
        'Win32 error 1300, ERROR_NOT_ALL_ASSIGNED: "Not all privileges or groups referenced are assigned to the caller." (winerror.h)',
    },
  },
  {
    code: '0x80070424',
    name: 'ERROR_SERVICE_DOES_NOT_EXIST',
    meaning:
      'Win32 error 1060, ERROR_SERVICE_DOES_NOT_EXIST: "The specified service does not exist as an installed service." (winerror.h), as an HRESULT.',
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: `First Get-Service wuauserv, BITS, CryptSvc: all three must exist. ${S2_COMPONENTS_CHECK}`,
    source: `Windows SDK winerror.h; ${S2_COMPONENTS_SOURCE}`,
    decimal: -2147023836,
    facility: 'Win32',
    win32: {
      name: 'ERROR_SERVICE_DOES_NOT_EXIST',
      meaning:
        'Win32 error 1060, ERROR_SERVICE_DOES_NOT_EXIST: "The specified service does not exist as an installed service." (winerror.h)',
    },
  },

  // --- Generic COM / other facilities.
  {
    code: '0x80004005',
    name: 'E_FAIL',
    meaning:
      'E_FAIL, "Unspecified error" (winerror.h; the same text in the ConfigMgr application installation error reference). It only says that something failed.',
    usualCause:
      '[U: T1] ConfigMgr Client Health treats 0x80004005 (like 0x87d00692) in WUAHandler.log as a sign of a damaged local policy file and repairs %WinDir%\\System32\\GroupPolicy\\Machine\\registry.pol. Otherwise the cause is whatever the surrounding lines say.',
    nextCheck:
      'Read the lines just before it in the same log and the same minute of WindowsUpdate.log; in WUAHandler.log look for "Group policy settings were overwritten by a higher authority"; check registry.pol (date, size) and run gpupdate /force (T1); the application installation error reference suggests Process Monitor to find the failing operation.',
    source:
      'Windows SDK winerror.h; Microsoft memdocs "Application installation error codes reference" (not in the project reference); third-party: T1 ConfigMgrClientHealth.ps1',
    decimal: -2147467259,
    facility: 'COM',
  },
  {
    code: '0x80004015',
    name: 'CO_E_WRONG_SERVER_IDENTITY',
    meaning: '"The class is configured to run as a security id different from the caller" (winerror.h).',
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: S2_COMPONENTS_CHECK,
    source: `Windows SDK winerror.h; ${S2_COMPONENTS_SOURCE}`,
    decimal: -2147467243,
    facility: 'COM',
  },
  {
    code: '0x800A0046',
    name: 'CTL_E_PERMISSIONDENIED',
    meaning:
      'CTL_E_PERMISSIONDENIED (olectl.h: FACILITY_CONTROL, code 70), Visual Basic / VBScript run-time error 70, "Permission denied" (that text is from third-party VBScript error lists).',
    usualCause: `${S2_COMPONENTS_CAUSE} W8 (KB 910338): shown by the Windows Update web site, with COMAPI "Unable to establish connection to the service. (hr=80070005)" in WindowsUpdate.log, when "The DCOM configuration is incorrect", the user is a member of Guests, "The security descriptor in the Automatic Updates service is incorrect" or "The local security policy is incorrect".`,
    nextCheck: `W8: dcomcnfg > My Computer > COM Security defaults, and the wuauserv security descriptor (\`sc sdshow wuauserv\`). ${S2_COMPONENTS_CHECK}`,
    source: `${S2_COMPONENTS_SOURCE}; W8 KB 910338; Windows SDK olectl.h (name); third-party: VBScript run-time error lists (the text "Permission denied")`,
    decimal: -2146828218,
    facility: 'COM',
  },
  {
    code: '0x800A01AD',
    name: 'VB run-time error 429',
    meaning:
      '"ActiveX component can\'t create object": Visual Basic / VBScript run-time error 429 (FACILITY_CONTROL), text as in Microsoft KB Q321807 "Err Msg: 800a01ad\' ActiveX Component Can\'t Create Object". No symbolic name in the Windows SDK.',
    usualCause: `${S2_COMPONENTS_CAUSE} [S] Here a COM class registration is missing.`,
    nextCheck: S2_COMPONENTS_CHECK,
    source: `${S2_COMPONENTS_SOURCE}; Microsoft KB Q321807 (jeffpar/kbarchive, not in the project reference)`,
    decimal: -2146827859,
    facility: 'COM',
  },
  {
    code: '0x80200013',
    name: 'BG_E_INSUFFICIENT_RANGE_SUPPORT',
    meaning:
      '"The server does not support the necessary HTTP protocol. Background Intelligent Transfer Service (BITS) requires that the server support the Range protocol header." (BitsMsg.h)',
    usualCause: `${S2_COMPONENTS_CAUSE} [S] By its meaning, also a proxy or web filter that strips HTTP Range headers.`,
    nextCheck: `${S2_COMPONENTS_CHECK} [S] If a proxy sits between the client and the SUP or DP, check that it passes Range requests.`,
    source: `Windows SDK BitsMsg.h (not in the reference tables); ${S2_COMPONENTS_SOURCE}`,
    decimal: -2145386477,
    facility: 'COM',
  },
  {
    code: '0x8DDD0018',
    name: 'unknown (not in the Windows SDK headers)',
    meaning:
      "Not documented: the project's reference only lists it (S2), and it is not defined in the Windows SDK headers checked (winerror.h, wuerror.h, BitsMsg.h). HRESULT fields: severity 1 (failure), facility 3549 (0xDDD, no FACILITY_ name in winerror.h), code 24 (0x0018).",
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: S2_COMPONENTS_CHECK,
    source: `${S2_COMPONENTS_SOURCE} (listed only; its meaning is not documented)`,
    decimal: -1914896360,
    facility: 'COM',
  },

  // --- Certificates and signatures (FACILITY_CERT).
  {
    code: '0x800B0100',
    name: 'TRUST_E_NOSIGNATURE',
    meaning: '"No signature was present in the subject." (winerror.h)',
    usualCause: S2_COMPONENTS_CAUSE,
    nextCheck: `${S2_COMPONENTS_CHECK} [S] For a third-party update, check that the package was published signed.`,
    source: `Windows SDK winerror.h; ${S2_COMPONENTS_SOURCE}`,
    decimal: -2146762496,
    facility: 'Certificate',
  },
  {
    code: '0x800B0101',
    name: 'CERT_E_EXPIRED',
    meaning:
      '"A required certificate is not within its validity period when verifying against the current system clock or the timestamp in the signed file." (winerror.h)',
    usualCause:
      '[U: P4] WindowsUpdate.log "Failed WS error: The date in the certificate is invalid or has expired": the WSUS SSL certificate on the SUP has expired ([S] or the client clock is wrong).',
    nextCheck:
      'On the SUP: IIS Manager > WSUS Administration > Bindings > https (8531): the certificate expiry; [S] renew it, bind the new certificate and run `wsusutil configuressl <SUP FQDN>`; on the client, `w32tm /query /status` for the clock.',
    source:
      'Windows SDK winerror.h (not in the reference tables); third-party: P4 Patch My PC KB "third-party updates fail to install with error 0x800b0101"',
    decimal: -2146762495,
    facility: 'Certificate',
  },
  {
    code: '0x800B0109',
    name: 'CERT_E_UNTRUSTEDROOT',
    meaning:
      '"A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider." (winerror.h)',
    usualCause:
      "[U: P3] the WSUS signing certificate of third-party updates is not trusted by the client, or the SUP's SSL certificate chains to a root the client does not trust.",
    nextCheck: TRUST_CHECK,
    source:
      'Windows SDK winerror.h (not in the reference tables); third-party: P3 Patch My PC KB "third-party updates fail to install with error 0x800b0109"',
    decimal: -2146762487,
    facility: 'Certificate',
  },
  {
    code: '0x800B0004',
    name: 'TRUST_E_SUBJECT_NOT_TRUSTED',
    meaning: '"The subject is not trusted for the specified action." (winerror.h)',
    usualCause:
      "[U: P5] Download stage: `Failed to download updates to the WUAgent datastore. Error = 0x800b0004.` [S] The update package's signature is not trusted: a third-party update whose signing certificate the client does not trust.",
    nextCheck: `${TRUST_CHECK} [S] Also the policy value AcceptTrustedPublisherCerts = 1 under HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate.`,
    source:
      'Windows SDK winerror.h (not in the reference tables); third-party: P5 Patch My PC KBs (WUAHandler download lines)',
    decimal: -2146762748,
    facility: 'Certificate',
  },

  // --- Delivery Optimization.
  {
    code: '0x80D02002',
    name: 'DO_E_DOWNLOAD_NO_PROGRESS',
    meaning:
      '"Download of a file saw no progress within the defined period." (Delivery Optimization return values). W3 groups it with 0x80072EFD/0x80072EFE as TIME_OUT_ERRORS, "The operation timed out".',
    usualCause:
      'W3: firewall rules or proxy blocking Microsoft download URLs. [U: P5] With ConfigMgr, WUAHandler "Unexpected HRESULT for downloading complete: 0x80d02002" when delta download is on for third-party updates.',
    nextCheck:
      "Client Settings > Software Updates > 'Allow clients to download delta content when available': try without it for third-party updates (P5); [S] Get-DeliveryOptimizationStatus and Get-DeliveryOptimizationLog on the client; firewall and proxy for the download URLs (W3).",
    source:
      'Microsoft Win32 docs "Delivery Optimization return values" (MicrosoftDocs/win32 delivery_optimization/do-return-values.md, not in the project reference); W3 Windows Update common errors; third-party: P5 Patch My PC KBs',
    decimal: -2133843966,
    facility: 'Delivery Optimization',
  },

  // --- ConfigMgr client codes (0x87D0…): no public symbolic names.
  {
    code: '0x87D00692',
    name: 'Group policy conflict',
    meaning: '"Group policy conflict" (the CMTrace error lookup text, as reported by third parties).',
    usualCause:
      'A domain GPO "Specify intranet Microsoft update service location" points Windows Update at another server than the SUP. S2: "Unless the value of the setting that\'s defined in Group Policy is identical to the one that\'s being set by Configuration Manager (server name and port), the Configuration Manager software update scan will fail"; WUAHandler.log "Group policy settings were overwritten by a higher authority (Domain Controller)". [U: T1] Without such a GPO, a damaged registry.pol.',
    nextCheck:
      'On the client, `gpresult /scope computer /h gp.html`: which GPO sets "Specify intranet Microsoft update service location", and HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate WUServer/WUStatusServer; compare with the server in WUAHandler.log "Enabling WUA Managed server policy to use server:"; remove the setting from the GPO or make it identical (server and port). If no GPO sets it: rename %WinDir%\\System32\\GroupPolicy\\Machine\\registry.pol and run gpupdate /force (T1).',
    source: `third-party: P1 Patch My PC KB "Job Error 0x87d00692 Received Assignment" and ConfigMgr error lists (CMTrace lookup text); ${REFERENCE.S2} (cause); third-party: T1 ConfigMgrClientHealth.ps1`,
    decimal: -2016409966,
    facility: 'ConfigMgr',
  },
  {
    code: '0x87D00215',
    name: 'Item not found',
    meaning: '"Item not found" (ConfigMgr application installation error codes reference).',
    usualCause:
      '[S] In LocationServices.log "Failed to refresh Site Signing Certificate over HTTP with error 0x87d00215." the management point did not return the certificate item; it is logged as a warning and on its own does not stop a scan. For deployments, the reference says the deployment policy or its content is not available to the client.',
    nextCheck:
      'Alone, treat it as noise. Otherwise, from the client: Invoke-WebRequest http://<MP>/sms_mp/.sms_aut?mplist and http://<MP>/sms_mp/.sms_aut?mpcert (the MP answers with XML); the assigned MP in LocationServices.log; and (application error reference) check that the deployment exists and the client sees its policy, and that the content is on a DP the client can use.',
    source:
      'Microsoft memdocs "Application installation error codes reference" (configmgr/tenant-attach/app-install-error-reference.md, not in the project reference)',
    decimal: -2016411115,
    facility: 'ConfigMgr',
  },
  {
    code: '0x87D00607',
    name: 'Content not found',
    meaning: '"Content not found" (ConfigMgr application installation error codes reference).',
    usualCause:
      "The content of the update (its deployment package) is not on a distribution point the client may use: not distributed, distribution failed, or no DP in the client's boundary group.",
    nextCheck:
      'Reference: "Verify the content for the application is on a distribution point and that the distribution point is accessible to the client." For updates: the deployment package\'s content status in the console, LocationServices.log (content location reply), CAS.log, ContentTransferManager.log and DataTransferService.log on the client.',
    source:
      'Microsoft memdocs "Application installation error codes reference" (configmgr/tenant-attach/app-install-error-reference.md, not in the project reference)',
    decimal: -2016410105,
    facility: 'ConfigMgr',
  },
  {
    code: '0x87D00606',
    name: 'Offline scan tool history not found',
    meaning:
      '"Offline scan tool history not found" (CMTrace error lookup text as listed by a third party; not documented by Microsoft or the project reference).',
    usualCause:
      '[S] Not documented. By its text, the client has no stored history for the scan tool (update source) yet, i.e. no completed scan to report from.',
    nextCheck:
      "ScanAgent.log for the UpdateSourceID: was a scan ever completed ('CScanAgent::ScanComplete- Scan completion received')? Run the Software Updates Scan Cycle action and follow ScanAgent.log and WUAHandler.log.",
    source: 'third-party: smcallister594/scotscottmca "ConfigMgr and Intune error codes" (CMTrace lookup texts)',
    decimal: -2016410106,
    facility: 'ConfigMgr',
  },
  {
    code: '0x87D00667',
    name: 'No current or future service window exists to install software updates',
    meaning:
      '"No current or future service window exists to install software updates" (ConfigMgr application installation error codes reference).',
    usualCause:
      '[S] The client has no maintenance window, now or later, long enough for the deployment, and the deployment may not install outside maintenance windows.',
    nextCheck:
      'Reference: "Ensure that the maintenance window on the client is large enough … and that the client has received the policy for the window."; [S] ServiceWindowManager.log and UpdatesDeployment.log on the client, the collection\'s maintenance windows in the console.',
    source:
      'Microsoft memdocs "Application installation error codes reference" (configmgr/tenant-attach/app-install-error-reference.md, not in the project reference)',
    decimal: -2016410009,
    facility: 'ConfigMgr',
  },
  {
    code: '0x87D01201',
    name: 'The content download cannot be performed because there is not enough available space in cache or the disk is full',
    meaning:
      '"The content download cannot be performed because there is not enough available space in cache or the disk is full" (ConfigMgr application installation error codes reference).',
    usualCause: '[S] The client cache (ccmcache) is full of other content, or the disk holding it is full.',
    nextCheck:
      'Reference: "Check that the machine has enough space on the drive. Compare the size of the ccmcache directory with the client cache settings"; [S] CAS.log on the client shows the cache size and what it tried to free.',
    source:
      'Microsoft memdocs "Application installation error codes reference" (configmgr/tenant-attach/app-install-error-reference.md, not in the project reference)',
    decimal: -2016407039,
    facility: 'ConfigMgr',
  },
  {
    code: '0x87D01202',
    name: 'The content download cannot be performed because the total size of the client cache is smaller than the size of the requested content',
    meaning:
      '"The content download cannot be performed because the total size of the client cache is smaller than the size of the requested content" (ConfigMgr application installation error codes reference).',
    usualCause:
      '[S] The client cache setting is smaller than the deployment package content (large cumulative or feature updates).',
    nextCheck:
      'Reference: compare the size of the ccmcache directory with the client cache settings and make the setting large enough for the content; [S] CAS.log on the client.',
    source:
      'Microsoft memdocs "Application installation error codes reference" (configmgr/tenant-attach/app-install-error-reference.md, not in the project reference)',
    decimal: -2016407038,
    facility: 'ConfigMgr',
  },
];

// FACILITY_* names of winerror.h for the facilities a generic description names.
const FACILITY_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'FACILITY_NULL'],
  [1, 'FACILITY_RPC'],
  [2, 'FACILITY_DISPATCH'],
  [3, 'FACILITY_STORAGE'],
  [4, 'FACILITY_ITF'],
  [7, 'FACILITY_WIN32'],
  [8, 'FACILITY_WINDOWS'],
  [9, 'FACILITY_SECURITY'],
  [10, 'FACILITY_CONTROL'],
  [11, 'FACILITY_CERT'],
  [12, 'FACILITY_INTERNET'],
  [25, 'FACILITY_HTTP'],
  [32, 'FACILITY_BACKGROUNDCOPY'],
  [36, 'FACILITY_WINDOWSUPDATE'],
  [208, 'FACILITY_DELIVERY_OPTIMIZATION'],
]);

const FACILITY_WIN32 = 7;
// winhttp.h: WINHTTP_ERROR_BASE 12000 … WINHTTP_ERROR_LAST 12192.
const WINHTTP_FIRST = 12001;
const WINHTTP_LAST = 12192;
// ConfigMgr's own codes are 0x87D0…–0x87D2… (facility 0x7D0–0x7D2); [S] observed, no FACILITY_ name exists.
const CONFIGMGR_FACILITIES = new Set([0x7d0, 0x7d1, 0x7d2]);

/** The fields of an HRESULT, as winerror.h's HRESULT_SEVERITY, HRESULT_FACILITY and HRESULT_CODE read them. */
export function hresultParts(code: string): { severity: number; facility: number; code: number } {
  const normalized = normalizeErrorCode(code);
  if (normalized === undefined) {
    throw new RangeError(`not a 32-bit error code: ${JSON.stringify(code)}`);
  }
  const value = Number.parseInt(normalized.slice(2), 16);
  return { severity: value >>> 31, facility: (value >>> 16) & 0x1fff, code: value & 0xffff };
}

/** HRESULT_FROM_WIN32: the HRESULT a Win32 error is written as on clients (53 → '0x80070035'). */
export function hresultFromWin32(n: number): string {
  const value = n <= 0 ? n >>> 0 : ((n & 0xffff) | (FACILITY_WIN32 << 16) | 0x8000_0000) >>> 0;
  return formatCode(value);
}

function formatCode(value: number): string {
  return '0x' + value.toString(16).toUpperCase().padStart(8, '0');
}

function toSigned(value: number): number {
  return value | 0;
}

function isWinHttpNumber(n: number): boolean {
  return n >= WINHTTP_FIRST && n <= WINHTTP_LAST;
}

// The bare Win32 twin of every FACILITY_WIN32 row: same cause and checks, the Win32 name and text.
function win32Twin(row: Row): ErrorCodeInfo | undefined {
  const parts = hresultParts(row.code);
  if (parts.facility !== FACILITY_WIN32 || row.win32 === undefined) {
    return undefined;
  }
  return {
    code: formatCode(parts.code),
    name: row.win32.name,
    meaning: row.win32.meaning,
    usualCause: row.usualCause,
    nextCheck: row.nextCheck,
    source: row.source,
    decimal: parts.code,
    facility: row.facility,
  };
}

function withoutTwin(row: Row): ErrorCodeInfo {
  return {
    code: row.code,
    name: row.name,
    meaning: row.meaning,
    usualCause: row.usualCause,
    nextCheck: row.nextCheck,
    source: row.source,
    decimal: row.decimal,
    facility: row.facility,
  };
}

/** Every catalogued code: the HRESULTs, then the bare Win32 errors. */
export const ERROR_CODES: readonly ErrorCodeInfo[] = [
  ...ROWS.map(withoutTwin),
  ...ROWS.map(win32Twin).filter((e): e is ErrorCodeInfo => e !== undefined),
];

const BY_CODE: ReadonlyMap<string, ErrorCodeInfo> = new Map(ERROR_CODES.map((e) => [e.code, e]));

/**
 * The catalogue entry of a code in any written form: `0x80072ee2`, `80072EE2`, `-2147012894`, `2147954402`, or a
 * Win32 error number (`53`, which is the Win32 entry; its HRESULT is `hresultFromWin32(53)`).
 */
export function lookupErrorCode(codeOrNumber: string | number): ErrorCodeInfo | undefined {
  let text: string;
  if (typeof codeOrNumber === 'number') {
    if (!Number.isSafeInteger(codeOrNumber)) {
      return undefined;
    }
    text = String(codeOrNumber);
  } else {
    text = codeOrNumber;
  }
  const code = normalizeErrorCode(text);
  return code === undefined ? undefined : BY_CODE.get(code);
}

/** A Win32 system error met in these flows (53, 5, 2, 3, 64, 67, 1326, 12002, 12007, 12029 ...). */
export function win32Error(n: number): ErrorCodeInfo | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
    return undefined;
  }
  return BY_CODE.get(formatCode(n));
}

/**
 * What a code means: its catalogue entry, or for an unknown code a generic entry built from the HRESULT fields
 * that says plainly the code is not in the catalogue. Never undefined, even for text that is no number.
 */
export function describeErrorCode(code: string): ErrorCodeInfo {
  const normalized = normalizeErrorCode(code);
  if (normalized === undefined) {
    return {
      code: code.trim(),
      name: 'not an error code',
      meaning: `${JSON.stringify(code.trim())} is not a 32-bit error code, so it is not in the CMFlow error catalogue.`,
      usualCause: 'Unknown: the text is not an error code.',
      nextCheck: 'Read the log line the text came from for the code as written.',
      source: 'CMFlow (no catalogue entry)',
      decimal: Number.NaN,
      facility: 'COM',
    };
  }
  return BY_CODE.get(normalized) ?? genericEntry(normalized);
}

function genericEntry(code: string): ErrorCodeInfo {
  const value = Number.parseInt(code.slice(2), 16);
  const decimal = toSigned(value);
  if (value === 0) {
    // `hr=0x0`, `finished installing (0x00000000)`: a success that reached the correlator is not a failure.
    return {
      code,
      name: 'S_OK',
      meaning: 'S_OK / ERROR_SUCCESS: the operation succeeded; this is not a failure code.',
      usualCause: 'None: nothing failed.',
      nextCheck: 'Nothing to check for this code; look at the other lines of the flow for the failure.',
      source: 'Windows SDK winerror.h',
      decimal,
      facility: 'Win32',
    };
  }
  if (value <= 0xffff) {
    // A plain number: site-server logs write Win32 errors this way (`reported error 53`).
    return {
      code,
      name: `Win32 error ${value}`,
      meaning: `Win32 error ${value} is not in the CMFlow error catalogue (not documented in the project's reference).`,
      usualCause: 'Not catalogued: no usual cause is recorded for this code.',
      nextCheck: `Look the number up on a Windows machine (\`net helpmsg ${value}\` or \`certutil -error ${value}\`), then read the log lines around it for what was being attempted.`,
      source: 'CMFlow: Win32 error number only (not in the catalogue or the project reference)',
      decimal,
      facility: isWinHttpNumber(value) ? 'WinHTTP' : 'Win32',
    };
  }
  const parts = hresultParts(code);
  const facilityName = FACILITY_NAMES.get(parts.facility);
  const facilityText = `facility ${parts.facility} (${facilityName ?? `0x${parts.facility.toString(16).toUpperCase()}, no FACILITY_ name known to CMFlow`})`;
  const severityText = parts.severity === 1 ? 'severity 1 (failure)' : 'severity 0 (success)';
  const codeText = `code 0x${parts.code.toString(16).toUpperCase().padStart(4, '0')} (${parts.code})`;
  const facility = facilityOf(parts);
  return {
    code,
    name: `unknown ${facility} code`,
    meaning: `${code} is not in the CMFlow error catalogue (not documented in the project's reference). HRESULT fields: ${severityText}, ${facilityText}, ${codeText}.${facilityHint(parts)}`,
    usualCause: 'Not catalogued: no usual cause is recorded for this code.',
    nextCheck:
      facility === 'ConfigMgr'
        ? 'Look the code up with the Error Lookup of CMTrace or OneTrace on a machine with the ConfigMgr tools, then read the log lines around it for what was being attempted.'
        : `Look the code up on a Windows machine (\`certutil -error ${code}\`, or the Microsoft Error Lookup Tool), then read the log lines around it for what was being attempted.`,
    source: 'CMFlow: HRESULT decomposition only (not in the catalogue or the project reference)',
    decimal,
    facility,
  };
}

function facilityOf(parts: { facility: number; code: number }): Facility {
  if (parts.facility === FACILITY_WIN32) {
    return isWinHttpNumber(parts.code) ? 'WinHTTP' : 'Win32';
  }
  if (parts.facility === 11) {
    return 'Certificate';
  }
  if (parts.facility === 36) {
    return 'Windows Update';
  }
  if (parts.facility === 208) {
    return 'Delivery Optimization';
  }
  return CONFIGMGR_FACILITIES.has(parts.facility) ? 'ConfigMgr' : 'COM';
}

function facilityHint(parts: { facility: number; code: number }): string {
  switch (facilityOf(parts)) {
    case 'Win32':
      return ` It is Win32 error ${parts.code} written as an HRESULT.`;
    case 'WinHTTP':
      return ` It is WinHTTP error ${parts.code} written as an HRESULT (see W6 WinHTTP Error Messages).`;
    case 'Windows Update':
      return ' It is a Windows Update Agent code (WU_E_*, see W2 Windows Update error codes by component).';
    case 'ConfigMgr':
      return ' It is a ConfigMgr client or site code (0x87D…).';
    default:
      return '';
  }
}

/** Describes an error code written in hex (0x80072EE2) or decimal (-2145107924); undefined if unknown. */
export function errorCodeFromText(written: string): ErrorCodeInfo | undefined {
  const n = /^-?\d+$/.test(written) ? Number(written) : undefined;
  if (n !== undefined) {
    return n < 0 || n > 0xffff ? lookupErrorCode(n) : undefined;
  }
  const known = lookupErrorCode(written);
  if (known) {
    return known;
  }
  // An HRESULT the catalogue lacks still gets its facility and code described.
  return /^0x8[0-9a-f]{7}$/i.test(written) ? describeErrorCode(written) : undefined;
}
