// A flow's name where flows are listed: its key as the logs write it, so that a search of the logs finds it.

import { describe, expect, it } from 'vitest';
import { flowName } from '../../src/correlate/flow-name.ts';

describe('flowName', () => {
  it('writes scan jobs, scan requests and messages with braces in upper case, as the logs do', () => {
    const job = '1de13ee5-49a3-49c7-9b57-4c70daebe422';
    expect(flowName({ id: `scan:${job}`, kind: 'scan', keys: { scanJob: job } })).toBe(
      'ScanJob {1DE13EE5-49A3-49C7-9B57-4C70DAEBE422}',
    );
    expect(flowName({ id: `scan:request:${job}`, kind: 'scan', keys: {} })).toBe(
      'Scan request {1DE13EE5-49A3-49C7-9B57-4C70DAEBE422} (no ScanJob)',
    );
    expect(flowName({ id: `state-message:${job}`, kind: 'state-message', keys: {} })).toBe(
      'Message {1DE13EE5-49A3-49C7-9B57-4C70DAEBE422}',
    );
    // Forwarded before CcmMessaging.log begins: no message id to search for, its serial numbers instead.
    expect(
      flowName({
        id: 'state-message:PS1WKS0001#2228',
        kind: 'state-message',
        keys: { serialNumbers: ['2228', '2229', '2230', '2231'] },
      }),
    ).toBe('State messages 2228–2231 (no CcmMessaging send in the logs)');
    // Only MP_Relay still logs it: the client's own logs do not reach back to it.
    expect(
      flowName({
        id: 'state-message:PS1WKS0001#1912',
        kind: 'state-message',
        keys: {
          serialNumbers: ['1912', '1913'],
          clientLogs: "MP_Relay only: before PS1WKS0001's StateMessage.log begins",
        },
      }),
    ).toBe("State messages 1912–1913 (MP_Relay only: before PS1WKS0001's StateMessage.log begins)");
    expect(flowName({ id: 'sync:98018777-458c-47ec-af39-7e2048c3dc33:41', kind: 'sync', keys: {} })).toBe(
      'Sync 98018777-458c-47ec-af39-7e2048c3dc33:41',
    );
  });
});
