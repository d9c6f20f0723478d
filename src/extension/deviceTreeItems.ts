// What the Devices tree shows for a device and for a property: label, description, tooltip, icon. Pure
// functions of the model's state and the current time, free of `vscode` so every rule is unit-tested in
// plain Node; DeviceTreeProvider turns a TreeItemView into a vscode.TreeItem.
import type { DeviceState } from '../model/deviceState';
import type { PendingWrite } from '../model/pendingWrite';
import type { PropertyState } from '../model/propertyState';
import { printable } from './eventLines';

export interface TreeItemView {
  /** Unique among all nodes (TreeItem.id): keeps expansion and selection across refreshes. */
  id: string;
  label: string;
  description: string;
  /** Markdown; every device-provided string in it is escaped. */
  tooltip: string;
  /** A codicon id (`vm-active`, `arrow-up`, `loading~spin`, …). */
  icon: string;
  /** A theme colour id, or undefined for the default foreground. */
  iconColor: string | undefined;
  /**
   * Space-separated tokens for `when` clauses (`viewItem =~ /\bproperty\b/`):
   * device: `device` + `online`|`offline`|`unknown` [+ `unregistered`];
   * property: `property` + `toDevice`|`fromDevice`|`direction-unknown` [+ `writable`] [+ `numeric`] [+ `pending`].
   */
  contextValue: string;
  collapsible: 'none' | 'collapsed';
}

/** Longest value shown in a description; longer ones end in `…`. */
export const DESCRIPTION_VALUE_LENGTH = 40;
/** Longest value shown in a tooltip. */
export const TOOLTIP_VALUE_LENGTH = 500;

const NUMERIC = new Set(['boolean', 'integer', 'decimal']);

// ── Small formatters ─────────────────────────────────────────────────────────────────────────────

/** `just now`, `3s ago`, `5m ago`, `2h ago`, `4d ago`; a time in the future (clock skew) reads `just now`. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'just now';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** Makes text one line (control characters and line breaks become visible marks) and cuts it to `max` characters with `…`. */
export function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\r\n|\r|\n/g, '⏎').replace(/[\u0000-\u001f\u007f]/g, '·');
  const chars = [...oneLine]; // by code point: never cut a surrogate pair in half
  if (chars.length <= max) return oneLine;
  return chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

/** Escapes Markdown so device-provided text shows literally in a tooltip (no links, no formatting, no HTML). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>~|&]/g, (c) => `\\${c}`);
}

/**
 * A value as the tree shows it: booleans as on/off, numbers as sent, strings shortened to `max`, an empty
 * string as `""`, no value as `—`.
 */
export function formatValue(baseType: string | undefined, value: unknown, max = DESCRIPTION_VALUE_LENGTH): string {
  if (value === null || value === undefined) return '—';
  if (baseType === 'boolean') {
    const on = booleanOf(value);
    if (on !== undefined) return on ? 'on' : 'off';
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value === '' ? '""' : shorten(value, max);
  return shorten(safeJson(value), max);
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'number') return value === 0 ? false : value === 1 ? true : undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === '1' || text === 'true') return true;
    if (text === '0' || text === 'false') return false;
  }
  return undefined;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A bold title, then Markdown lines with hard line breaks between them (empty parts left out). */
function lines(title: string, ...parts: (string | undefined | false)[]): string {
  return `${title}\n\n${parts.filter((p): p is string => typeof p === 'string' && p !== '').join('  \n')}`;
}

function field(name: string, value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : `${name}: ${escapeMarkdown(value)}`;
}

// ── Devices ──────────────────────────────────────────────────────────────────────────────────────

export function deviceNodeId(dsn: string): string {
  return `device:${dsn}`;
}

export function deviceLabel(device: DeviceState): string {
  return device.productName?.trim() || device.dsn;
}

type Connection = 'online' | 'offline' | 'unknown';

function connectionOf(device: DeviceState): Connection {
  const status = device.connectionStatus?.trim().toLowerCase();
  if (status === 'online') return 'online';
  if (status === 'offline') return 'offline';
  return 'unknown';
}

/** `AY001MRT1 · Online`: the model (else the OEM model) and the connection status as the server said it. */
export function deviceDescription(device: DeviceState): string {
  const model = text(device.device?.model) || device.oemModel;
  // The status first: a narrow view cuts the end of a description, and the model matters least.
  const parts: string[] = [device.connectionStatus !== undefined && device.connectionStatus !== '' ? device.connectionStatus : 'status unknown'];
  if (device.registered === false) parts.push('unregistered');
  if (model) parts.push(model);
  return parts.join(' · ');
}

export function deviceTooltip(device: DeviceState, now: number): string {
  const listed = device.device;
  const location =
    device.lat !== undefined || device.lng !== undefined
      ? [
          `${device.lat ?? '?'}, ${device.lng ?? '?'}`,
          text(listed?.locality) && `(${text(listed?.locality)})`,
          device.locationProvider && `via ${device.locationProvider}`,
          device.locationReceivedAt !== undefined && `· ${formatAge(now - device.locationReceivedAt)}`,
        ]
          .filter(Boolean)
          .join(' ')
      : undefined;
  const connection =
    device.connectionStatus === undefined
      ? undefined
      : [
          device.connectionStatus,
          device.connectionChangedAt && `since ${device.connectionChangedAt}`,
          device.connectionReceivedAt !== undefined && device.connectionSource === 'event' && `(${formatAge(now - device.connectionReceivedAt)})`,
        ]
          .filter(Boolean)
          .join(' ');
  const registration =
    device.registered === undefined && device.registrationType === undefined
      ? undefined
      : [
          device.registered === undefined ? 'unknown' : device.registered ? 'registered' : 'unregistered',
          device.registrationType && `(${device.registrationType})`,
          device.registrationChangedAt && `at ${device.registrationChangedAt}`,
        ]
          .filter(Boolean)
          .join(' ');
  return lines(
    `**${escapeMarkdown(deviceLabel(device))}**`,
    field('DSN', device.dsn),
    field('Model', text(listed?.model)),
    field('OEM model', device.oemModel),
    field('OEM', device.oemId),
    field('IP', text(listed?.lan_ip)),
    field('Location', location),
    field('Connection', connection ?? 'unknown'),
    field('Registration', registration ?? 'not reported yet'),
    field('Software', text(listed?.sw_version)),
    device.knownFromEventsOnly ? '_Known from events only (not in the last device listing)._' : undefined,
    `Events: ${device.eventCount}`,
  );
}

export function deviceItem(device: DeviceState, now: number): TreeItemView {
  const connection = connectionOf(device);
  let icon: string;
  let iconColor: string | undefined;
  if (device.registered === false) {
    icon = 'circle-slash';
    iconColor = 'disabledForeground';
  } else if (connection === 'online') {
    icon = 'vm-active';
    iconColor = 'charts.green';
  } else if (connection === 'offline') {
    icon = 'vm-outline';
    iconColor = 'disabledForeground';
  } else {
    icon = 'vm';
    iconColor = device.connectionStatus === undefined ? undefined : 'charts.yellow';
  }
  return {
    id: deviceNodeId(device.dsn),
    // Device-provided text on one line, with nothing hidden or reordered.
    label: printable(deviceLabel(device)),
    description: printable(deviceDescription(device)),
    tooltip: deviceTooltip(device, now),
    icon,
    iconColor,
    contextValue: ['device', connection, device.registered === false && 'unregistered'].filter(Boolean).join(' '),
    collapsible: 'collapsed',
  };
}

// ── Properties ───────────────────────────────────────────────────────────────────────────────────

/** DSNs contain no `/`, so `dsn/name` is unambiguous even when the name has one. */
export function propertyNodeId(dsn: string, name: string): string {
  return `property:${dsn}/${name}`;
}

/** When the value was current: local arrival for event values; the server's time for listed ones (the listing time says nothing about the value). */
export function valueTime(property: PropertyState): number | undefined {
  if (property.valueSource === 'rest' && property.updatedAt !== undefined) {
    const at = Date.parse(property.updatedAt);
    if (Number.isFinite(at)) return at;
  }
  return property.valueReceivedAt;
}

/** `23.5 · 3s ago` (no age when the value's time is unknown). */
export function valueDescription(property: PropertyState, now: number): string {
  const value = formatValue(property.baseType, property.value);
  const at = property.value === null ? undefined : valueTime(property);
  return at === undefined ? value : `${value} · ${formatAge(now - at)}`;
}

/** The write the tree still tells about: unsettled, or settled and not yet superseded by a newer value. */
export function visibleWrite(property: PropertyState): PendingWrite | undefined {
  const write = property.write;
  if (write === undefined) return undefined;
  if (!write.settled) return write;
  if (write.status === 'failed' || write.status === 'acked') {
    const newer = property.valueReceivedAt !== undefined && write.settledAt !== undefined && property.valueReceivedAt > write.settledAt;
    return newer ? undefined : write;
  }
  return undefined;
}

function ackOk(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

/** ` · ack 200` when the device acknowledged the value shown (a failing status is marked ⚠). */
function ackSuffix(property: PropertyState, write: PendingWrite | undefined): string {
  let status: number | undefined;
  if (write?.status === 'acked') status = write.ackStatus;
  else if (
    write === undefined &&
    property.ackEnabled &&
    property.ackStatus !== undefined &&
    property.ackReceivedAt !== undefined &&
    (property.valueReceivedAt === undefined || property.ackReceivedAt >= property.valueReceivedAt)
  )
    status = property.ackStatus;
  else return '';
  if (status === undefined) return ' · acked';
  return ackOk(status) ? ` · ack ${status}` : ` · ack ${status} ⚠`;
}

/**
 * `23.5 · 3s ago`; with a write in flight `21 (pending) · 20 · 3s ago`, then `21 (awaiting ack) · 1s ago`
 * for ack-enabled properties, `21 · 1s ago · ack 200` once acknowledged, `21 (failed) · 20 · 3s ago` when it failed.
 * No emoji: many Linux desktops have no emoji font, and the row's icon already shows the state.
 */
export function propertyDescription(property: PropertyState, now: number): string {
  const write = visibleWrite(property);
  const current = valueDescription(property, now);
  if (write === undefined) return current + ackSuffix(property, undefined);
  const sent = formatValue(property.baseType, write.value);
  switch (write.status) {
    case 'pending':
      return `${sent} (pending) · ${current}`;
    case 'applied':
      return `${sent} (awaiting ack) · ${formatAge(now - (write.appliedAt ?? write.startedAt))}`;
    case 'acked':
      return current + ackSuffix(property, write);
    case 'failed':
      return `${sent} (failed) · ${current}`;
  }
}

function directionText(property: PropertyState): string {
  if (property.direction === 'input') return 'to device (input)';
  if (property.direction === 'output') return 'from device (output)';
  return 'unknown';
}

function writeText(write: PendingWrite, baseType: string | undefined, now: number): string {
  const sent = formatValue(baseType, write.value, TOOLTIP_VALUE_LENGTH);
  const started = formatAge(now - write.startedAt);
  switch (write.status) {
    case 'pending':
      return `${sent} sent ${started}, waiting for the device's datapoint`;
    case 'applied':
      return `${sent} applied ${formatAge(now - (write.appliedAt ?? write.startedAt))}, waiting for the device's ack`;
    case 'acked':
      return `${sent} acknowledged with status ${write.ackStatus ?? 'none'}${write.ackMessage !== undefined ? `, message ${write.ackMessage}` : ''}`;
    case 'failed':
      return `${sent} failed${write.error ? `: ${write.error}` : ''}`;
  }
}

export function propertyTooltip(property: PropertyState, now: number): string {
  const at = valueTime(property);
  const lastUpdate = [
    property.updatedAt,
    at !== undefined && `(${formatAge(now - at)})`,
    property.valueSource === 'event' ? 'from an event' : property.valueSource === 'rest' ? 'from the device listing' : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const event = property.lastEvent;
  const lastEvent = event === undefined ? undefined : `${event.type}${event.seq !== undefined ? `, seq ${event.seq}` : ', no seq'} (${formatAge(now - event.receivedAt)})`;
  const ack =
    property.ackStatus === undefined && property.ackedAt === undefined
      ? undefined
      : [`status ${property.ackStatus ?? 'none'}`, property.ackMessage !== undefined && `message ${property.ackMessage}`, property.ackedAt && `at ${property.ackedAt}`]
          .filter(Boolean)
          .join(', ');
  const write = visibleWrite(property);
  return lines(
    `**${escapeMarkdown(property.displayName)}**${property.displayName !== property.name ? ` (${escapeMarkdown(property.name)})` : ''}`,
    field('Value', formatValue(property.baseType, property.value, TOOLTIP_VALUE_LENGTH)),
    field('Base type', property.baseType ?? 'unknown'),
    field('Direction', directionText(property)),
    property.readOnly === true ? 'Read-only' : undefined,
    property.ackEnabled ? 'Acknowledged by the device (ack enabled)' : undefined,
    field('Last update', lastUpdate || 'never'),
    field('Last event', lastEvent ?? 'none yet'),
    field('Last ack', ack),
    write && field('Write', writeText(write, property.baseType, now)),
    `Device: ${escapeMarkdown(property.dsn)}`,
  );
}

function propertyIcon(property: PropertyState, write: PendingWrite | undefined): { icon: string; iconColor: string | undefined } {
  if (write && !write.settled) return { icon: 'loading~spin', iconColor: undefined };
  if (write?.status === 'failed') return { icon: 'error', iconColor: 'errorForeground' };
  if (write?.status === 'acked' && !ackOk(write.ackStatus)) return { icon: 'warning', iconColor: 'editorWarning.foreground' };
  if (property.direction === 'input') return { icon: 'arrow-down', iconColor: 'charts.blue' };
  if (property.direction === 'output') return { icon: 'arrow-up', iconColor: 'charts.green' };
  return { icon: 'symbol-property', iconColor: undefined };
}

export function propertyItem(property: PropertyState, now: number): TreeItemView {
  const write = visibleWrite(property);
  const direction = property.direction === 'input' ? 'toDevice' : property.direction === 'output' ? 'fromDevice' : 'direction-unknown';
  const writable = property.direction === 'input' && property.readOnly !== true;
  const numeric = property.baseType !== undefined && NUMERIC.has(property.baseType);
  return {
    id: propertyNodeId(property.dsn, property.name),
    label: printable(property.displayName),
    description: printable(propertyDescription(property, now)),
    tooltip: propertyTooltip(property, now),
    ...propertyIcon(property, write),
    contextValue: ['property', direction, writable && 'writable', numeric && 'numeric', write && !write.settled && 'pending'].filter(Boolean).join(' '),
    collapsible: 'none',
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
