// The live model (design.md "src/model/"): import it from here.
export { DeviceStore } from './deviceStore';
export type { BufferSizes, DeviceStoreOptions, DssEventType, EventCounts, EventTail, LoadResult, StoreStats } from './deviceStore';
export type { DeviceState } from './deviceState';
export type { PropertyState, ValueSource } from './propertyState';
export { historyValue, sameValue, wireValue } from './propertyState';
export type { PendingWrite, WriteStatus } from './pendingWrite';
export { propertyKey, splitPropertyKey } from './changeSet';
export type { ChangeFeed, Disposable, ModelChanges } from './changeSet';
export { eventFilter } from './eventFilter';
export type { EventCriteria, EventHeader, EventPredicate } from './eventFilter';
export { TimeSeriesRing } from './ringBuffer';
export type { ReadonlyTimeSeries, SeriesTail, SeriesWindow } from './ringBuffer';
