// The webview's end of the protocol: posts to the host through `acquireVsCodeApi()`, matches replies to
// requests by id, hands pushed messages (init, focus*) to a listener, and keeps navigation state with
// `setState`. Nothing here knows about drawing.

import type { HostToWebview, ReplyMessage, RequestMessage, WebviewToHost } from './protocol.ts';

/** What VS Code gives a webview (and the browser tests stub). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

type Unsent<T> = T extends { id: number } ? Omit<T, 'id'> : never;

export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: ReplyMessage) => void>();

  constructor(
    private readonly api: VsCodeApi,
    onPush: (message: HostToWebview) => void,
  ) {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const m = event.data as HostToWebview | undefined;
      if (typeof m !== 'object' || m === null || typeof m.type !== 'string') {
        return;
      }
      const id = 'id' in m && typeof m.id === 'number' ? m.id : undefined;
      const waiting = id === undefined ? undefined : this.pending.get(id);
      if (waiting) {
        this.pending.delete(id!);
        waiting(m as ReplyMessage);
      } else if (id === undefined) {
        onPush(m);
      }
    });
  }

  post(message: Exclude<WebviewToHost, RequestMessage>): void {
    this.api.postMessage(message);
  }

  /** Sends a request; resolves with its reply (an `error` reply rejects). */
  request<R extends ReplyMessage>(message: Unsent<RequestMessage>): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, (reply) => {
        if (reply.type === 'error') {
          reject(new Error(reply.message));
        } else {
          resolve(reply as R);
        }
      });
      this.api.postMessage({ ...message, id });
    });
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }
}
