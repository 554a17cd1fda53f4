// Types for the part of d3 the swimlane uses. d3 ships no declarations and @types/d3 is not a dependency
// of this project (no new dependencies): this is the surface the view calls, typed strictly, so that a
// use outside it fails to compile rather than turning into `any`.

declare module 'd3' {
  export interface ScaleTime<Range, Output> {
    (value: Date | number): Output;
    domain(): Date[];
    domain(domain: ReadonlyArray<Date | number>): this;
    range(): Range[];
    range(range: readonly Range[]): this;
    invert(value: number): Date;
    ticks(count?: number): Date[];
    copy(): this;
  }
  export function scaleUtc(): ScaleTime<number, number>;
  export function utcFormat(specifier: string): (date: Date) => string;

  export interface ZoomTransform {
    readonly k: number;
    readonly x: number;
    readonly y: number;
    translate(x: number, y: number): ZoomTransform;
    scale(k: number): ZoomTransform;
    rescaleX<S extends ScaleTime<number, number>>(scale: S): S;
  }
  export const zoomIdentity: ZoomTransform;

  export interface D3ZoomEvent {
    readonly transform: ZoomTransform;
    readonly sourceEvent: Event | null;
  }
  export interface ZoomBehavior<E extends Element> {
    (selection: Selection<E>): void;
    scaleExtent(extent: readonly [number, number]): this;
    translateExtent(extent: readonly [readonly [number, number], readonly [number, number]]): this;
    extent(extent: readonly [readonly [number, number], readonly [number, number]]): this;
    filter(filter: (event: Event) => boolean): this;
    wheelDelta(delta: (event: WheelEvent) => number): this;
    on(type: string, listener: ((event: D3ZoomEvent) => void) | null): this;
    transform(selection: Selection<E>, transform: ZoomTransform): void;
  }
  export function zoom<E extends Element>(): ZoomBehavior<E>;
  export function zoomTransform(node: Element): ZoomTransform;

  export interface D3BrushEvent {
    readonly selection: [number, number] | null;
    readonly sourceEvent: Event | null;
    readonly type: string;
  }
  export interface BrushBehavior<E extends Element> {
    (selection: Selection<E>): void;
    extent(extent: readonly [readonly [number, number], readonly [number, number]]): this;
    on(type: string, listener: ((event: D3BrushEvent) => void) | null): this;
    move(selection: Selection<E>, range: readonly [number, number] | null): void;
  }
  export function brushX<E extends Element>(): BrushBehavior<E>;

  export interface Axis {
    (selection: Selection<SVGGElement>): void;
    tickValues(values: ReadonlyArray<Date | number>): this;
    tickFormat(format: (value: Date | number, index: number) => string): this;
    tickSizeOuter(size: number): this;
    tickSizeInner(size: number): this;
  }
  export function axisTop(scale: ScaleTime<number, number>): Axis;
  export function axisBottom(scale: ScaleTime<number, number>): Axis;

  export interface Selection<E extends Element> {
    node(): E | null;
    call<A extends unknown[]>(fn: (selection: this, ...args: A) => void, ...args: A): this;
    attr(name: string, value: string | number): this;
    selectAll<C extends Element>(selector: string): Selection<C>;
    remove(): this;
  }
  export function select<E extends Element>(node: E): Selection<E>;
}
