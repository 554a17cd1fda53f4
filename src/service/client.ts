// The extension host's side of the analysis service: typed requests to the worker thread, replies matched
// by id, progress callbacks and cancellation. Takes any port with `postMessage`/`on('message')`, so tests
// drive a real worker without VS Code.

import type { MethodName, Params, Result, ServiceEvent, ServiceMessage, ServiceRequest } from './protocol.ts';
import type { Progress } from './session.ts';

export interface ServicePort {
  postMessage(message: ServiceRequest): void;
  on(event: 'message', listener: (message: ServiceMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress: ((p: Progress) => void) | undefined;
}

export interface RequestOptions {
  readonly onProgress?: (p: Progress) => void;
  /** Aborting sends `cancel` to the worker; the request then rejects with `CancelledError`. */
  readonly signal?: AbortSignal;
}

export class ServiceClient {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: Error | undefined;
  private readonly listeners = new Set<(e: ServiceEvent) => void>();

  constructor(private readonly port: ServicePort) {
    port.on('message', (m) => this.receive(m));
    port.on('error', (e) => this.fail(e));
    port.on('exit', (code) => this.fail(new Error(`the analysis worker stopped (exit code ${code})`)));
  }

  request<M extends MethodName>(method: M, params: Params<M>, options: RequestOptions = {}): Promise<Result<M>> {
    if (this.dead) {
      return Promise.reject(this.dead);
    }
    const id = this.next++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve,
        reject,
        onProgress: options.onProgress,
      });
      options.signal?.addEventListener(
        'abort',
        () => this.port.postMessage({ id: this.next++, method: 'cancel', params: { target: id } }),
        {
          once: true,
        },
      );
      this.port.postMessage({ id, method, params } as ServiceRequest);
    });
  }

  /** Listens to what the worker reports unasked; returns the unsubscribe. */
  onEvent(listener: (e: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private receive(m: ServiceMessage): void {
    if (m.type === 'event') {
      this.listeners.forEach((l) => l(m.event));
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) {
      return;
    }
    if (m.type === 'progress') {
      p.onProgress?.(m.progress);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'reply') {
      p.resolve(m.result);
    } else {
      p.reject(m.cancelled ? new CancelledError() : new Error(m.message));
    }
  }

  private fail(e: Error): void {
    this.dead = e;
    for (const p of this.pending.values()) {
      p.reject(e);
    }
    this.pending.clear();
  }
}
